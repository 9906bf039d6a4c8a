/**
 * CLI: the REFERENCE MBE SERVER's HTTP front (a stand-in for MBE in tests and the local stack).
 *   tsx test/mbe-reference/http-main.ts --port 8001 [--host 127.0.0.1] [--api-key-env MBE_API_KEY]
 * When the env var named by --api-key-env (default MBE_API_KEY) is set, every call must carry
 * `Authorization: Bearer <it>`; otherwise anonymous. Generation: scripted, or an OpenAI-compatible
 * endpoint when MBE_REFERENCE_LLM_URL is set (see generator.ts).
 */
import { parseArgs } from 'node:util';
import { generatorFromEnv } from './generator.js';
import { startReferenceHttpServer } from './http-server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8001' },
    host: { type: 'string', default: '127.0.0.1' },
    'api-key-env': { type: 'string', default: 'MBE_API_KEY' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}
const apiKey = process.env[values['api-key-env']] || undefined;
const { generator, describe } = generatorFromEnv();

const server = await startReferenceHttpServer({ port, host: values.host, generator, ...(apiKey ? { apiKey } : {}) });
console.log(`reference MBE server (not MBE) listening on ${server.url}; auth: ${apiKey ? 'API key required' : 'anonymous'}; generation: ${describe}`);

const shutdown = () => {
  server.close().finally(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
