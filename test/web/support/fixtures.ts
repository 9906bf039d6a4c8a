/**
 * AI replies as the backend sends them: a Tailchat message whose `meta['com.yourcompany.ai']`
 * follows protocol/blocks.ts. Typed against the protocol so the fixtures break with it.
 */
import type { AiMeta, AnyBlock, RunStatus } from '../../../protocol/blocks.js';
import type { HostMessage } from '../host/host.js';

export const GROUP_ID = 'g1';
export const PANEL_ID = 'p1';

let counter = 0;

export function aiMeta(blocks: AnyBlock[], status: RunStatus = 'done', extra: Partial<AiMeta> = {}): AiMeta {
  return { v: 1, runId: extra.runId ?? `tc-run${++counter}`, engine: 'openclaw', status, blocks, requester: 'u_alice', ...extra };
}

export function aiMessage(id: string, content: string, meta: AiMeta | Record<string, unknown>): HostMessage {
  return { _id: id, content, author: 'u_bot', converseId: PANEL_ID, groupId: GROUP_ID, meta: { 'com.yourcompany.ai': meta } };
}

export const MARKDOWN = [
  '## Plan',
  '',
  'Here is **bold**, *emphasis*, ~~gone~~, `inline code` and a [safe link](https://example.com/docs?a=1&b=2).',
  'A [bad link](javascript:alert(1)) and an image ![tracker](https://evil.example/pixel.png?leak=secret) stay inert.',
  'Raw <b onclick="alert(1)">html</b> is shown as text. Entities: &copy; &amp; &lt;tag&gt;.',
  '',
  '1. first',
  '2. second',
  '   - nested',
  '',
  '- [x] done',
  '- [ ] todo',
  '',
  '> quoted advice',
  '',
  '| Tool | Status |',
  '|------|:------:|',
  '| grep | ok |',
  '| sed | failed |',
  '',
  '```ts',
  'export function add(a: number, b: number): number {',
  '  return a + b; // sum',
  '}',
  '```',
].join('\n');

export const CODE = [
  'import asyncio',
  '',
  'async def main() -> None:',
  '    """Say hello."""',
  '    for i in range(3):',
  "        print(f'hello {i}')",
  '        await asyncio.sleep(0.1)',
  '',
  'asyncio.run(main())',
].join('\n');

export const MULTI_FILE_DIFF = [
  'diff --git a/src/math.ts b/src/math.ts',
  'index 3b18e51..a9c7f2d 100644',
  '--- a/src/math.ts',
  '+++ b/src/math.ts',
  '@@ -1,7 +1,8 @@',
  ' // Small helpers.',
  '-export function add(a, b) {',
  '-  return a + b;',
  '+export function add(a: number, b: number): number {',
  '+  // typed now',
  '+  return a + b;',
  ' }',
  ' ',
  ' export const ZERO = 0;',
  '-export const ONE = 1;',
  '+export const ONE: number = 1;',
  'diff --git a/README.md b/docs/README.md',
  'similarity index 90%',
  'rename from README.md',
  'rename to docs/README.md',
  'index 1111111..2222222 100644',
  '--- a/README.md',
  '+++ b/docs/README.md',
  '@@ -1,3 +1,3 @@',
  ' # Project',
  '-Old intro.',
  '+New intro.',
  ' End.',
  'diff --git a/scripts/run.py b/scripts/run.py',
  'new file mode 100644',
  'index 0000000..3333333',
  '--- /dev/null',
  '+++ b/scripts/run.py',
  '@@ -0,0 +1,3 @@',
  '+def run():',
  "+    return 'ok'",
  '+',
  '',
].join('\n');

/** A new 5,000-line TypeScript file as one diff (plus a small modified file before it). */
export function bigDiff(lines = 5000): string {
  const body: string[] = [];
  for (let i = 1; i <= lines; i++) body.push(`+export const value${i} = ${i} * 2; // line ${i}`);
  return [
    'diff --git a/src/small.ts b/src/small.ts',
    '--- a/src/small.ts',
    '+++ b/src/small.ts',
    '@@ -1,2 +1,2 @@',
    '-const a = 1;',
    '+const a = 2;',
    ' const b = 3;',
    'diff --git a/src/generated.ts b/src/generated.ts',
    'new file mode 100644',
    '--- /dev/null',
    '+++ b/src/generated.ts',
    `@@ -0,0 +1,${lines} @@`,
    ...body,
    '',
  ].join('\n');
}

/** One block of every built-in type, plus one nobody registered. */
export function everyBlock(): AnyBlock[] {
  return [
    { type: 'badge', kind: 'expert', label: 'Rust expert' },
    { type: 'badge', kind: 'novelty', label: '0.82' },
    { type: 'badge', kind: 'demo', label: 'demo engine' },
    { type: 'markdown', text: MARKDOWN },
    { type: 'code', code: CODE, language: 'python', filename: 'hello.py' },
    { type: 'tool', toolCallId: 't1', name: 'read_file', status: 'succeeded', args: { path: 'src/math.ts' }, result: 'export function add…' },
    { type: 'tool', toolCallId: 't2', name: 'run_tests', status: 'running', args: { filter: 'math' } },
    { type: 'tool', toolCallId: 't3', name: 'deploy', status: 'failed', args: { env: 'prod' }, result: { error: 'permission denied' } },
    { type: 'tool', toolCallId: 't4', name: 'read_secret', status: 'succeeded', redacted: true },
    { type: 'diff', patch: MULTI_FILE_DIFF },
    { type: 'approval', approvalId: 'a1', command: 'rm -rf ./build && npm run build', status: 'pending', expiresAt: Date.now() + 3_600_000 },
    { type: 'approval', approvalId: 'a0', command: 'git push origin main', status: 'approved', decidedBy: 'u_bob' },
    { type: 'error', kind: 'rate_limit', message: 'The engine asked us to slow down; retry in 20 s.' },
    { type: 'chart', title: 'Latency p95', series: [1, 2, 3] },
  ];
}
