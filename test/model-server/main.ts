/**
 * CLI: the fake OpenAI-compatible model as the local stack's offline demo model.
 *   tsx test/model-server/main.ts --port 4010 [--host 127.0.0.1] [--label demo] [--model fake-coder]
 * Every reply is labelled (default "demo") so nobody mistakes it for a real model.
 * Built-in demo prompts: "code" → a fenced code block, "slow" → a long slow stream.
 */
import { parseArgs } from 'node:util';
import { startModelServer, type Script } from './server.js';

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

const demoScript: Script = [
  {
    match: /\bcode\b/i,
    reply: { kind: 'text', text: 'Here is some code:\n\n```ts\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n```\n', chunks: 8, delayMs: 40 },
  },
  {
    match: /\bslow\b/i,
    reply: { kind: 'text', text: Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of a long answer.`).join('\n'), chunks: 40, delayMs: 150 },
  },
];

const server = await startModelServer({ port, host: values.host, label: values.label || undefined, modelId: values.model, script: demoScript });
console.log(`fake model server (${values.label ? `label "${values.label}"` : 'no label'}) listening on ${server.url}`);

const shutdown = () => {
  server.close().finally(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
