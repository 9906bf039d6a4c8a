/** AI_MONGO_URL: its credentials never logged, and Tailchat's MONGO_URL by default inside Tailchat's process. */
import { describe, expect, it } from 'vitest';
import { loadConfig, redactConfig } from '../../../config/load.js';
import { createLogFormatter, secretsOf } from '../../../services/node/log-format.js';
import { tailchatProcessEnv } from '../../../services/inprocess/ai.service.entry.js';

const URL_WITH_PASSWORD = 'mongodb://tailchat:pa55-w0rd@mongo:27017/tailchat';

describe('AI_MONGO_URL', () => {
  it('is read from env or the config file and checked to be a MongoDB URL', () => {
    expect(loadConfig({}, { AI_MONGO_URL: URL_WITH_PASSWORD }).state.mongoUrl).toBe(URL_WITH_PASSWORD);
    expect(loadConfig({ state: { mongoUrl: 'mongodb+srv://cluster0.example.net/tailchat' } }, {}).state.mongoUrl).toBe('mongodb+srv://cluster0.example.net/tailchat');
    expect(() => loadConfig({}, { AI_MONGO_URL: 'redis://localhost:6379' })).toThrow(/state.mongoUrl \(env AI_MONGO_URL\): must be a mongodb:\/\/ or mongodb\+srv:\/\/ URL/);
    expect(loadConfig({}, {}).state.mongoUrl).toBeUndefined();
  });

  it('never reaches a log: redacted in the logged config, and its password in any line', () => {
    const config = loadConfig({}, { AI_MONGO_URL: URL_WITH_PASSWORD });
    expect(redactConfig(config).state.mongoUrl).toBe('mongodb://tailchat:[redacted]@mongo:27017/tailchat');
    const format = createLogFormatter('json', secretsOf(config));
    const [line] = format('error', ['connect failed', { error: `auth failed for ${URL_WITH_PASSWORD}` }], { mod: 'x' }, { printArgs: (a) => a });
    expect(line).not.toContain('pa55-w0rd');
  });

  it("defaults to Tailchat's MONGO_URL inside Tailchat's process, unless one is given", () => {
    expect(tailchatProcessEnv({ MONGO_URL: 'mongodb://mongo/tailchat', TRANSPORTER: 'nats://x:4222' })).toMatchObject({ AI_MONGO_URL: 'mongodb://mongo/tailchat', TRANSPORTER: undefined });
    expect(tailchatProcessEnv({ MONGO_URL: 'mongodb://mongo/tailchat', AI_MONGO_URL: 'mongodb://other/db' }).AI_MONGO_URL).toBe('mongodb://other/db');
    expect(tailchatProcessEnv({}).AI_MONGO_URL).toBeUndefined();
  });
});
