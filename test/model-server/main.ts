/**
 * CLI: the fake OpenAI-compatible model as the local stack's offline demo model.
 *   tsx test/model-server/main.ts --port 4010 [--host 127.0.0.1] [--label demo] [--model fake-coder]
 * Every reply is labelled (default "demo") so nobody mistakes it for a real model.
 * Demo prompts: see demo-script.ts (code, diff, tool, exec, slow, help).
 */
import { parseArgs } from 'node:util';
import { demoScript } from './demo-script.js';
import { startModelServer } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    label: { type: 'string', default: 'demo' },
    model: { type: 'string', default: 'fake-coder' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}

const server = await startModelServer({ port, host: values.host, label: values.label || undefined, modelId: values.model, script: demoScript });
console.log(`fake model server (${values.label ? `label "${values.label}"` : 'no label'}) listening on ${server.url}`);

const shutdown = () => {
  server.close().finally(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
