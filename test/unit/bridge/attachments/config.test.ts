import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../../config/load.js';
import { DEFAULT_ALLOWED_TYPES } from '../../../../bridge/attachments/policy.js';

describe('attachment configuration', () => {
  it('has sensible defaults: 4 files of 4 MB, common image, document and text types, no Tailchat URL', () => {
    const c = loadConfig({}, {});
    expect(c.limits.attachments).toEqual({ maxCount: 4, maxBytes: 4 * 1024 * 1024, allowedTypes: DEFAULT_ALLOWED_TYPES, fetchTimeoutMs: 20_000 });
    expect(c.tailchat).toEqual({ fileUrls: [] });
  });

  it('reads its env variables', () => {
    const c = loadConfig({}, {
      AI_TAILCHAT_URL: 'http://tailchat:11000',
      AI_TAILCHAT_FILE_URLS: 'https://cdn.example.com/static/, https://files.example.com/',
      AI_ATTACHMENTS_MAX_COUNT: '0',
      AI_ATTACHMENTS_MAX_BYTES: '1048576',
      AI_ATTACHMENTS_TYPES: 'image/*,application/pdf',
    });
    expect(c.tailchat).toEqual({ url: 'http://tailchat:11000', fileUrls: ['https://cdn.example.com/static/', 'https://files.example.com/'] });
    expect(c.limits.attachments).toMatchObject({ maxCount: 0, maxBytes: 1_048_576, allowedTypes: ['image/*', 'application/pdf'] });
  });

  it('refuses a limit the gateway could not carry, a non-MIME type and a non-URL', () => {
    expect(() => loadConfig({}, { AI_ATTACHMENTS_MAX_BYTES: String(64 * 1024 * 1024) })).toThrow(ConfigError);
    expect(() => loadConfig({}, { AI_ATTACHMENTS_TYPES: 'png' })).toThrow(/image\/png/);
    expect(() => loadConfig({}, { AI_TAILCHAT_URL: 'tailchat:11000' })).toThrow(ConfigError);
  });
});
