/**
 * `npm run bench`: the chat side's per-message cost and the relay's per-delta cost, measured side
 * by side in one run and printed as a table. Targets are in the README; this prints what it
 * measures, met or not.
 */
import { performance } from 'node:perf_hooks';
import { parseUpdateMessageEvent } from '../bridge/message/incoming.js';
import { createCoalescer } from '../bridge/stream/coalescer.js';
import { applyEvent, initialReplyState, toBlocks, toPlainText } from '../bridge/stream/reply-state.js';
import { decide } from '../bridge/trigger/decide.js';
import { neutralizeBBCode } from '../bridge/message/neutralize.js';

interface Row {
  what: string;
  value: string;
  note: string;
}
const rows: Row[] = [];

function timeEach(n: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 1000); i++) fn(i); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  return ((performance.now() - t0) * 1000) / n; // µs per op
}

// 1. Intake: validate an event and decide whether it is for the agent.
const bot = { agentId: 'assistant', userId: 'bot0000000000000000000001', nickname: 'AI Assistant' };
const settings = { enabled: true, engine: 'scripted', agentId: 'main', trigger: 'mention' as const, prefix: '/ai', allMessagesPanels: [], sessionScope: 'group' as const };
const event = { type: 'add', groupId: 'g'.repeat(24), converseId: 'c'.repeat(24), messageId: 'm'.repeat(24), author: 'u'.repeat(24), content: `[at=${bot.userId}]AI[/at] please explain this stack trace`, meta: { mentions: [bot.userId] } };
const ignored = { ...event, content: 'just people chatting', meta: {} };
const intake = (e: unknown) => {
  const r = parseUpdateMessageEvent(e);
  if (r.ok && r.event.type === 'add') decide(r.event, { kind: 'group', settings, members: [bot] }, bot.agentId);
};
rows.push({ what: 'intake: addressed message (parse + decide)', value: `${timeEach(50_000, () => intake(event)).toFixed(2)} µs`, note: 'per Tailchat message' });
rows.push({ what: 'intake: chatter (parse + decide → ignore)', value: `${timeEach(50_000, () => intake(ignored)).toFixed(2)} µs`, note: 'the common case' });
/** CPU ms per op: on a shared machine, wall time also counts the time other processes held the CPU. */
function cpuEach(n: number, fn: () => void): number {
  for (let i = 0; i < 20; i++) fn(); // warm-up
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / 1000 / n;
}

// A 1 MB message (issue #18 item 5): only limits.maxIntakeChars (64 KB) of it is read, linearly.
const MB = 1024 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
for (const [name, content] of [['[img]', fill('[img]')], ['[at=…', fill(`[at=${bot.userId}`)], ['nested unclosed tags', fill('[b][i][card type=file url=u][img x=1]')], ['chatter', fill('just people chatting ')]] as const) {
  const ms = cpuEach(200, () => intake({ ...ignored, content }));
  rows.push({ what: `intake: 1 MB message of ${name} (parse + decide)`, value: `${ms.toFixed(2)} ms CPU`, note: `target ≤ 5 ms: ${ms <= 5 ? 'met' : 'NOT met'}` });
}
const hostileReply = fill('[img\turl=https://x.example/p.png?d=SECRET]x[/img] [at=all]a[/at] ').slice(0, 60_000);
rows.push({ what: 'relay: neutralise a 60 KB reply of Tailchat tags', value: `${cpuEach(200, () => neutralizeBBCode(hostileReply)).toFixed(2)} ms CPU`, note: 'once per stored part / draft update' });

// 2. Relay: fold one delta and render blocks + plain text, at growing reply lengths.
const para = 'Some explanation of the code follows here. '.repeat(4) + '\n\n```ts\nconst x = compute(42);\n```\n\n';
for (const chars of [1_000, 10_000, 50_000]) {
  let text = '';
  while (text.length < chars) text += para;
  let state = applyEvent(initialReplyState(), { type: 'text', text });
  const us = timeEach(2_000, (i) => {
    state = applyEvent(state, { type: 'text', text: text + 'x'.repeat(i % 10) });
    toBlocks(state);
    toPlainText(state);
  });
  rows.push({ what: `relay: fold + render one delta, ${chars / 1000}k-char reply`, value: `${us.toFixed(1)} µs`, note: 'done per published update only' });
}

// 3. Coalescing: live updates a run sends, side by side with forwarding every delta
// (real time, 3 s per rate, all rates at once; deltas arrive in 10 ms batches).
async function streamFor(tokensPerSec: number, ms: number) {
  let published = 0;
  let deltas = 0;
  const c = createCoalescer<number>({ intervalMs: 250, publish: async () => void published++ });
  const perTick = tokensPerSec / 100;
  let owed = 0;
  await new Promise<void>((done) => {
    const t = setInterval(() => {
      owed += perTick;
      for (; owed >= 1; owed--) c.update(++deltas);
    }, 10);
    setTimeout(() => (clearInterval(t), done()), ms);
  });
  await c.flush();
  return { deltas, published };
}
const rates = [20, 50, 200, 1000];
const results = await Promise.all(rates.map((r) => streamFor(r, 3_000)));
results.forEach(({ deltas, published }, i) => {
  rows.push({
    what: `coalescing: ${rates[i]} tokens/s for 3 s`,
    value: `${published} updates vs ${deltas}`,
    note: `${(deltas / published).toFixed(1)}× fewer socket pushes; ${(published / 3).toFixed(1)} updates/s`,
  });
});

const w = [Math.max(...rows.map((r) => r.what.length)), Math.max(...rows.map((r) => r.value.length))];
console.log(`\n${'what'.padEnd(w[0]!)} | ${'measured'.padEnd(w[1]!)} | note`);
console.log(`${'-'.repeat(w[0]!)}-|-${'-'.repeat(w[1]!)}-|-----`);
for (const r of rows) console.log(`${r.what.padEnd(w[0]!)} | ${r.value.padEnd(w[1]!)} | ${r.note}`);
console.log(`\nnode ${process.version}, ${new Date().toISOString()}`);
