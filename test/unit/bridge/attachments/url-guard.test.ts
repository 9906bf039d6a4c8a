import { describe, expect, it } from 'vitest';
import { resolveFileUrl, type FileSource } from '../../../../bridge/attachments/url-guard.js';

const source: FileSource = { tailchatUrl: 'http://tailchat:11000', fileUrls: ['https://cdn.example.com/tc/static/'] };
const ok = (raw: string, src: FileSource = source) => {
  const r = resolveFileUrl(raw, src);
  return r.ok ? r.url.href : r.reason;
};

describe('resolveFileUrl: only Tailchat’s own file storage', () => {
  it('fills in {BACKEND} (also URL-encoded) with the configured Tailchat URL', () => {
    expect(ok('{BACKEND}/static/files/u1/abc.png')).toBe('http://tailchat:11000/static/files/u1/abc.png');
    expect(ok('%7BBACKEND%7D/static/files/u1/abc.png')).toBe('http://tailchat:11000/static/files/u1/abc.png');
    expect(ok('http://tailchat:11000/static/files/u1/abc.png')).toBe('http://tailchat:11000/static/files/u1/abc.png');
  });

  it('accepts the configured file prefixes (STATIC_URL, a CDN)', () => {
    expect(ok('https://cdn.example.com/tc/static/files/u/x.pdf')).toBe('https://cdn.example.com/tc/static/files/u/x.pdf');
  });

  it('refuses every other host, port, scheme or path', () => {
    for (const raw of [
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:18789/static/files/x.png', // the gateway's port on loopback
      'http://tailchat:11001/static/files/x.png', // another port of the same host
      'https://tailchat:11000/static/files/x.png', // another scheme
      'http://tailchat:11000/api/user/whoami', // Tailchat, but not its files
      'http://tailchat:11000/staticx/files/x.png',
      'http://tailchat:11000/static/', // the prefix itself
      'http://tailchat:11000.evil.com/static/files/x.png',
      'http://tailchat:11000@evil.com/static/files/x.png',
      'http://user:pw@tailchat:11000/static/files/x.png',
      'https://cdn.example.com/other/x.pdf',
      'file:///etc/passwd',
      'ftp://tailchat:11000/static/x',
      '/static/files/x.png',
      'javascript:alert(1)',
    ]) {
      expect(ok(raw), raw).toBe('not-tailchat');
    }
  });

  it('refuses paths that climb out of the prefix, however they are spelled', () => {
    expect(ok('http://tailchat:11000/static/../api/user/x')).toBe('not-tailchat');
    expect(ok('http://tailchat:11000/static/%2e%2e/api/x')).toBe('not-tailchat');
    expect(ok('{BACKEND}/static/files/..%2F..%2Fapi%2Fx')).toBe('not-tailchat');
    expect(ok('{BACKEND}/static/files\\..\\..\\api')).toBe('not-tailchat');
  });

  it('a {BACKEND} link cannot be pointed elsewhere', () => {
    expect(ok('{BACKEND}@evil.com/static/files/x.png')).toBe('not-tailchat');
    expect(ok('{BACKEND}.evil.com/static/files/x.png')).toBe('not-tailchat');
  });

  it('without a configured Tailchat URL nothing is fetched', () => {
    expect(ok('{BACKEND}/static/files/x.png', {})).toBe('not-configured');
    expect(ok('http://tailchat:11000/static/files/x.png', {})).toBe('not-configured');
    expect(ok('{BACKEND}/static/files/x.png', { fileUrls: ['https://cdn.example.com/static/'] })).toBe('not-configured');
  });

  it('a Tailchat URL with a path keeps its path', () => {
    expect(ok('{BACKEND}/static/files/x.png', { tailchatUrl: 'https://example.com/chat/' })).toBe('https://example.com/chat/static/files/x.png');
    expect(ok('https://example.com/static/files/x.png', { tailchatUrl: 'https://example.com/chat' })).toBe('not-tailchat');
  });
});
