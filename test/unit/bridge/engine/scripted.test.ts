import { describe, expect, it, vi } from 'vitest';
import { createScriptedEngine } from '../../../../bridge/engine/scripted/engine.js';
import type { EngineEvent, RunRequest } from '../../../../bridge/engine/types.js';

const engine = () => createScriptedEngine({ chunkDelayMs: 1, chunkChars: 5, label: 'demo' });
const req = (runId: string, prompt: string, sessionKey = 's1'): RunRequest => ({
  runId, sessionKey, prompt, requester: { userId: 'u' }, origin: { converseId: 'c', messageId: runId },
});
async function collect(run: AsyncIterable<EngineEvent>) {
  const out: EngineEvent[] = [];
  for await (const e of run) out.push(e);
  return out;
}

describe('scripted engine', () => {
  it('streams growing snapshots and ends with a labelled final', async () => {
    const events = await collect(await engine().start(req('r1', 'hello')));
    const texts = events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text);
    expect(texts.length).toBeGreaterThan(3);
    texts.reduce((prev, t) => (expect(t.startsWith(prev)).toBe(true), t));
    expect(events.at(-1)).toMatchObject({ type: 'final', badges: [{ kind: 'demo', label: 'demo' }] });
    expect((events.at(-1) as { text: string }).text).toContain('You said: "hello"');
  });
  it('"flaky": the first answer fails as if the engine were down; a later attempt (Regenerate, Retry) answers', async () => {
    const e = engine();
    const first = await collect(await e.start(req('tc-650000000000000000000001', 'a flaky question')));
    expect(first.at(-1)).toMatchObject({ type: 'error', kind: 'unavailable' });
    expect(first.some((ev) => ev.type === 'text')).toBe(false);
    const retried = await collect(await e.start(req('tc-650000000000000000000001.r2', 'a flaky question')));
    expect(retried.at(-1)).toMatchObject({ type: 'final' });
    expect((retried.at(-1) as { text: string }).text).toContain('You said: "a flaky question"');
  });
  it("shows a named agent's instructions (it has no model to follow them)", async () => {
    const events = await collect(await engine().start({ ...req('r-i', 'hello'), instructions: 'Answer like a pirate.' }));
    expect((events.at(-1) as { text: string }).text).toMatch(/^\(Following my instructions: "Answer like a pirate\."\)\nYou said: "hello"/);
  });
  it('remembers per session, forgets on reset, and never mixes sessions', async () => {
    const e = engine();
    await collect(await e.start(req('a', 'first', 's1')));
    const second = await collect(await e.start(req('b', 'second', 's1')));
    expect((second.at(-1) as { text: string }).text).toContain('turn 2 of this conversation; before that you said: "first"');
    const other = await collect(await e.start(req('c', 'other', 's2')));
    expect((other.at(-1) as { text: string }).text).toContain('turn 1 of this conversation.');
    await e.reset('s1');
    const after = await collect(await e.start(req('d', 'again', 's1')));
    expect((after.at(-1) as { text: string }).text).toContain('turn 1 of this conversation.');
  });
  it('reports token usage like a model (4 characters a token) just before the final', async () => {
    const events = await collect(await engine().start(req('u1', 'count my tokens')));
    const final = events.at(-1) as { text: string };
    const output = Math.ceil(final.text.length / 4);
    expect(events.at(-2)).toEqual({ type: 'usage', usage: { inputTokens: 4, outputTokens: output, totalTokens: 4 + output } });
  });
  it('returns the same run for a redelivered run id', async () => {
    const e = engine();
    const a = await e.start(req('same', 'x'));
    const b = await e.start(req('same', 'x'));
    expect(b).toBe(a);
  });
  it('stops a slow run on abort', async () => {
    const e = createScriptedEngine({ chunkDelayMs: 5, chunkChars: 5, label: 'demo' });
    const run = await e.start(req('slow', 'slow please'));
    setTimeout(() => void e.abort('s1'), 30);
    const events = await collect(run);
    expect(events.at(-1)).toEqual({ type: 'aborted', reason: 'stopped by user' });
  });
});

describe('scripted engine approvals', () => {
  it('asks for an approval, waits, then runs the tool on allow or reports a denial', async () => {
    for (const decision of ['allow-once', 'deny'] as const) {
      const e = engine();
      const run = await e.start(req(`ap-${decision}`, 'please approve the build'));
      const seen: EngineEvent[] = [];
      for await (const ev of run) {
        seen.push(ev);
        if (ev.type === 'approval.requested') {
          expect(ev.allowedDecisions).toEqual(['allow-once', 'deny']);
          setTimeout(() => void e.resolveApproval!(ev.approvalId, decision), 10);
        }
      }
      expect(seen).toContainEqual(expect.objectContaining({ type: 'approval.resolved', decision }));
      const ranTool = seen.some((ev) => ev.type === 'tool' && ev.phase === 'result');
      expect(ranTool).toBe(decision === 'allow-once');
      expect(seen.at(-1)?.type).toBe('final');
    }
  });
  it('a pending approval ends as aborted on /stop', async () => {
    const e = engine();
    const run = await e.start(req('ap-stop', 'approve this'));
    setTimeout(() => void e.abort('s1'), 30);
    const seen: EngineEvent[] = [];
    for await (const ev of run) seen.push(ev);
    expect(seen.at(-1)?.type).toBe('aborted');
  });
  it('stays bounded: the least recently used sessions go first, a long session keeps only its last turn', async () => {
    const e = createScriptedEngine({ chunkDelayMs: 0, chunkChars: 500, label: 'demo', maxSessions: 2 });
    for (let i = 1; i <= 30; i++) await collect(await e.start(req(`long-${i}`, `turn ${i}`, 'long')));
    const long = await collect(await e.start(req('long-31', 'still here?', 'long')));
    expect((long.at(-1) as { text: string }).text).toContain('turn 31 of this conversation; before that you said: "turn 30"');
    await collect(await e.start(req('x', 'x', 'other-1')));
    await collect(await e.start(req('y', 'y', 'other-2'))); // a third session: 'long' (least recent) is forgotten
    const back = await collect(await e.start(req('long-32', 'hello again', 'long')));
    expect((back.at(-1) as { text: string }).text).toContain('turn 1 of this conversation.');
  });
  it('forgets a finished run after its redelivery window', async () => {
    let t = 0;
    const now = vi.spyOn(Date, 'now').mockImplementation(() => t);
    try {
      const e = createScriptedEngine({ chunkDelayMs: 0, chunkChars: 500, label: 'demo', finishedRunTtlMs: 1000 });
      const first = await e.start(req('r-once', 'hi'));
      await collect(first);
      await new Promise((r) => setImmediate(r));
      expect(await e.start(req('r-once', 'hi'))).toBe(first); // within the window: the same run
      t += 1001;
      const again = await e.start(req('r-once', 'hi'));
      expect(again).not.toBe(first); // after it: the id is forgotten (the run ledger guards longer)
      await collect(again);
    } finally {
      now.mockRestore();
    }
  });
});
