/**
 * What the fake model answers when it stands in for a real model as the local stack's offline
 * demo (`npm start` without STACK_MODEL_URL, and `main.ts`). The server labels every text reply
 * ("[demo] …"); anything else gets the default reply, which shows the context the model saw.
 *
 * Words: code, diff, tool (lists the workspace), exec (asks for an approval), slow, help.
 */
import type { Reply, Script, ScriptRule } from './server.js';

const word = (w: string) => new RegExp(`\\b${w}\\b`, 'i');

export const DEMO_WORDS = ['code', 'diff', 'tool', 'exec', 'slow'] as const;

const HELP =
  'I am the offline demo model (no real model is configured). Try a message with one of these words: ' +
  '"code" (a code block), "diff" (a patch), "tool" (a tool call), "exec" (a command that needs an approval), ' +
  '"slow" (a long streamed answer). Anything else is echoed with the conversation I remember.';

const CODE = 'Here is some code:\n\n```ts\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n```\n';
const DIFF = [
  'A small patch:',
  '',
  '```diff',
  '--- a/greeting.ts',
  '+++ b/greeting.ts',
  '@@ -1,3 +1,3 @@',
  ' export function greet(name: string): string {',
  "-  return 'Hello ' + name;",
  '+  return `Hello, ${name}!`;',
  ' }',
  '```',
  '',
].join('\n');

const afterTool = (prefix: string, call: Reply): ScriptRule['reply'] => (ctx) =>
  ctx.toolResults.length > 0 ? { kind: 'text', text: `${prefix} ${ctx.toolResults.map((r) => r.text.trim().slice(0, 300)).join('\n')}`, chunks: 6, delayMs: 40 } : call;

export const demoScript: Script = [
  { match: /\b(help|what can you do)\b/i, reply: { kind: 'text', text: HELP, chunks: 12, delayMs: 40 } },
  { match: word('code'), reply: { kind: 'text', text: CODE, chunks: 8, delayMs: 40 } },
  { match: word('diff'), reply: { kind: 'text', text: DIFF, chunks: 8, delayMs: 40 } },
  { match: word('tool'), reply: afterTool('The workspace holds:', { kind: 'tool', name: 'ls', args: { path: '.' } }) },
  { match: word('exec'), reply: afterTool('The approved command printed:', { kind: 'tool', name: 'exec', args: { command: 'echo hello from an approved command' } }) },
  {
    match: word('slow'),
    reply: { kind: 'text', text: Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of a long answer.`).join('\n'), chunks: 40, delayMs: 150 },
  },
];
