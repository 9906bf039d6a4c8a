import { describe, expect, it } from 'vitest';
import { createEventQueue } from '../../../../bridge/engine/event-queue.js';
import { createScriptedEngine } from '../../../../bridge/engine/scripted/engine.js';
import { EngineError, type Engine, type EngineEvent } from '../../../../bridge/engine/types.js';
import { executeRun, USER_CAUSE_TEXT, USER_ERROR_TEXT, type RunJob } from '../../../../bridge/run/execute.js';
import { AI_META_KEY } from '../../../../protocol/blocks.js';
import { createFakeHost, recordingLogger, silentLogger } from '../../fakes/tailchat-host.js';

const job = (prompt = 'hello', runId = 'tc-m1'): RunJob => ({
  engineId: 'test',
  request: { runId, sessionKey: 'agent:main:tailchat:group:g1', prompt, requester: { userId: 'U1' }, origin: { groupId: 'G1', converseId: 'P1', messageId: 'm1' } },
  target: { converseId: 'P1', groupId: 'G1', audience: { room: 'P1' }, replyTo: { _id: 'm1', author: 'U1', content: 'hello' } },
});
const deps = (host: ReturnType<typeof createFakeHost>['host'], logger = silentLogger) => ({
  host, botUserId: 'BOT', intervalMs: 20, maxReplyChars: 60_000, runTimeoutMs: 5_000, logger,
});
function engineFrom(events: EngineEvent[] | (() => never)): Engine {
  return {
    id: 'test',
    async start(r) {
      if (typeof events === 'function') events();
      const q = createEventQueue(r.runId);
      setTimeout(() => (events as EngineEvent[]).forEach((e) => q.push(e)), 1);
      return q;
    },
    abort: async () => false, reset: async () => undefined, health: async () => ({ ok: true, detail: '' }), close: async () => undefined,
  };
}

describe('executeRun', () => {
  it('streams a live draft, then persists one final message and removes the draft', async () => {
    const fake = createFakeHost();
    const engine = createScriptedEngine({ chunkDelayMs: 5, chunkChars: 4, label: 'demo' });
    const out = await executeRun(engine, job(), deps(fake.host));
    expect(out.status).toBe('done');
    const notes = fake.byAction('gateway.notify').map((c) => c.params);
    expect(notes[0]).toMatchObject({ type: 'roomcast', target: 'P1', eventName: 'notify:chat.message.add' });
    const draftId = (notes[0]!.eventData as { _id: string })._id;
    expect(notes.filter((n) => n.eventName === 'notify:chat.message.update').length).toBeGreaterThan(0);
    expect(notes.at(-1)).toMatchObject({ eventName: 'notify:chat.message.delete', eventData: { converseId: 'P1', messageId: draftId } });
    const sends = fake.byAction('chat.message.sendMessage');
    expect(sends).toHaveLength(1);
    expect(sends[0]!.meta).toEqual({ userId: 'BOT' });
    const meta = sends[0]!.params.meta as Record<string, any>;
    expect(meta[AI_META_KEY]).toMatchObject({ v: 1, runId: 'tc-m1', status: 'done', requester: 'U1' });
    expect(meta.reply).toEqual({ _id: 'm1', author: 'U1', content: 'hello' });
    expect(sends[0]!.params.content).toContain('You said: "hello"');
    // The final message is stored before the draft disappears.
    const order = fake.calls.map((c) => (c.action === 'chat.message.sendMessage' ? 'send' : (c.params.eventName as string)));
    expect(order.indexOf('send')).toBeLessThan(order.lastIndexOf('notify:chat.message.delete'));
  });

  it("posts the draft and the reply as the job's agent; a job naming no agent (or one not configured here) as the first agent", async () => {
    const engine = createScriptedEngine({ chunkDelayMs: 1, chunkChars: 50, label: 'demo' });
    const agentUserOf = (id: string) => ({ reviewer: 'BOT-R' })[id];
    const authors = async (agent: string | undefined) => {
      const fake = createFakeHost();
      // A run id of its own each time: the engine answers a known one with that same run.
      await executeRun(engine, { ...job('hello', `tc-m-${agent}`), ...(agent ? { agent } : {}) }, { ...deps(fake.host), agentUserOf });
      const draft = fake.byAction('gateway.notify')[0]!.params.eventData as { author: string };
      return [draft.author, fake.byAction('chat.message.sendMessage')[0]!.meta?.userId];
    };
    expect(await authors('reviewer')).toEqual(['BOT-R', 'BOT-R']);
    expect(await authors(undefined)).toEqual(['BOT', 'BOT']);
    expect(await authors('gone')).toEqual(['BOT', 'BOT']);
  });

  it('coalesces a fast stream to a few live updates', async () => {
    const fake = createFakeHost();
    const engine = createScriptedEngine({ chunkDelayMs: 1, chunkChars: 1, label: 'demo' });
    const out = await executeRun(engine, job('slow'), { ...deps(fake.host), intervalMs: 250 });
    const textLen = (fake.byAction('chat.message.sendMessage')[0]!.params.content as string).length;
    expect(textLen).toBeGreaterThan(500); // hundreds of deltas…
    expect(out.liveUpdates).toBeLessThan(textLen / 20); // …a handful of updates
  });

  it('tells the user briefly when the engine refuses, and logs the admin hint', async () => {
    const fake = createFakeHost();
    const { lines, logger } = recordingLogger();
    const engine = engineFrom(() => {
      throw new EngineError('auth', 'AUTH_TOKEN_MISMATCH', 'check OPENCLAW_GATEWAY_TOKEN');
    });
    const out = await executeRun(engine, job(), deps(fake.host, logger));
    expect(out.status).toBe('error');
    expect(fake.byAction('chat.message.sendMessage')[0]!.params.content).toContain(USER_ERROR_TEXT.auth);
    expect(lines.find((l) => l.level === 'error')?.fields).toMatchObject({ kind: 'auth', adminHint: 'check OPENCLAW_GATEWAY_TOKEN' });
  });

  it('an approval card names the Tailchat member who decided, not the engine client', async () => {
    const fake = createFakeHost();
    const engine = engineFrom([
      { type: 'approval.requested', approvalId: 'a1', command: 'ls' },
      { type: 'approval.resolved', approvalId: 'a1', decision: 'allow-once', by: 'tailchat-agent bridge' },
      { type: 'approval.requested', approvalId: 'a2', command: 'pwd' },
      { type: 'approval.resolved', approvalId: 'a2', decision: 'deny', by: 'gateway operator' },
      { type: 'final', text: 'ok' },
    ]);
    await executeRun(engine, job(), { ...deps(fake.host), deciderOf: (id: string) => (id === 'a1' ? 'U7' : undefined) });
    const blocks = (fake.byAction('chat.message.sendMessage')[0]!.params.meta as Record<string, any>)[AI_META_KEY].blocks;
    expect(blocks).toContainEqual(expect.objectContaining({ approvalId: 'a1', status: 'approved', decidedBy: 'U7' }));
    // decided outside Tailchat: the engine's name stays
    expect(blocks).toContainEqual(expect.objectContaining({ approvalId: 'a2', status: 'denied', decidedBy: 'gateway operator' }));
  });

  it('never lets a duplicate final or a late error replace a finished answer', async () => {
    const fake = createFakeHost();
    const engine = engineFrom([
      { type: 'text', text: 'Done.' },
      { type: 'final', text: 'Done.' },
      { type: 'final', text: 'Second final' },
      { type: 'error', kind: 'unknown', message: 'late' },
    ]);
    await executeRun(engine, job(), deps(fake.host));
    const sends = fake.byAction('chat.message.sendMessage');
    expect(sends).toHaveLength(1);
    expect(sends[0]!.params.content).toBe('Done.');
  });

  it('ends a stream that stops without a terminal event with an error message', async () => {
    const fake = createFakeHost();
    const engine: Engine = { ...engineFrom([]), async start() { return { runId: 'x', async *[Symbol.asyncIterator]() { yield { type: 'text', text: 'half' } as EngineEvent; } }; } };
    const out = await executeRun(engine, job(), deps(fake.host));
    expect(out.status).toBe('error');
    expect(fake.byAction('chat.message.sendMessage')[0]!.params.content).toContain(USER_ERROR_TEXT.bad_response);
  });

  it('posts nothing for an empty final', async () => {
    const fake = createFakeHost();
    await executeRun(engineFrom([{ type: 'final', text: '' }]), job(), deps(fake.host));
    expect(fake.byAction('chat.message.sendMessage')).toHaveLength(0);
  });

  it('times out a run that never ends and says so', async () => {
    const fake = createFakeHost();
    let aborted = false;
    const q = createEventQueue('tc-m1');
    const engine: Engine = {
      ...engineFrom([]),
      start: async () => q,
      abort: async () => {
        aborted = true;
        q.push({ type: 'aborted' });
        return true;
      },
    };
    const out = await executeRun(engine, job(), { ...deps(fake.host), runTimeoutMs: 50 });
    expect(aborted).toBe(true);
    expect(out.status).toBe('error');
    expect(fake.byAction('chat.message.sendMessage')[0]!.params.content).toContain(USER_ERROR_TEXT.timeout);
  });
});

describe('an engine that went away', () => {
  const metaOf = (data: unknown) => ((data as { meta: Record<string, any> }).meta[AI_META_KEY] as Record<string, any>);
  it('the draft says the agent is reconnecting while it waits, and no more once it is back; the stored reply does not', async () => {
    const fake = createFakeHost();
    const q = createEventQueue('tc-m1');
    const engine: Engine = { ...engineFrom([]), start: async () => q };
    const drafts = () => fake.byAction('gateway.notify').map((c) => c.params).filter((n) => n.eventName !== 'notify:chat.message.delete');
    const done = executeRun(engine, job(), deps(fake.host));
    q.push({ type: 'text', text: 'Half an' });
    q.push({ type: 'status', phase: 'reconnecting' });
    await expect.poll(() => drafts().some((n) => metaOf(n.eventData).phase === 'reconnecting')).toBe(true);
    const waiting = drafts().find((n) => metaOf(n.eventData).phase === 'reconnecting')!.eventData as { content: string };
    expect(waiting.content).toBe('Half an\n\n🔌 Reconnecting to the agent… · 正在重新连接智能体…');
    q.push({ type: 'status', phase: 'reconnected' });
    await expect.poll(() => metaOf(drafts().at(-1)!.eventData).phase).toBeUndefined();
    q.push({ type: 'final', text: 'Half an answer, in full.' });
    expect((await done).status).toBe('done');
    const stored = fake.byAction('chat.message.sendMessage')[0]!.params;
    expect(stored.content).toBe('Half an answer, in full.');
    expect(metaOf(stored)).not.toHaveProperty('phase');
  });

  it('an error with a cause tells the user what happened', async () => {
    for (const cause of ['engine-unreachable', 'interrupted-after-tools'] as const) {
      const fake = createFakeHost();
      const engine = engineFrom([{ type: 'status', phase: 'reconnecting' }, { type: 'error', kind: 'unavailable', cause, message: 'engine detail' }]);
      const out = await executeRun(engine, job(), deps(fake.host));
      expect(out.status).toBe('error');
      const stored = fake.byAction('chat.message.sendMessage')[0]!.params;
      expect(stored.content).toContain(USER_CAUSE_TEXT[cause]);
      expect(metaOf(stored).blocks).toContainEqual({ type: 'error', kind: 'unavailable', message: USER_CAUSE_TEXT[cause] });
    }
  });
});

describe('approval expiry', () => {
  it('denies an approval nobody decided and shows it as expired', async () => {
    const fake = createFakeHost();
    const engine = createScriptedEngine({ chunkDelayMs: 1, chunkChars: 50, label: 'demo' });
    const out = await executeRun(engine, job('approve the deploy'), { ...deps(fake.host), approvalTtlMs: 50 });
    expect(out.status).toBe('done');
    const meta = fake.byAction('chat.message.sendMessage')[0]!.params.meta as Record<string, any>;
    expect(meta[AI_META_KEY].blocks).toContainEqual(expect.objectContaining({ type: 'approval', status: 'expired' }));
    expect(fake.byAction('chat.message.sendMessage')[0]!.params.content).toContain('not run');
  });
});

describe('storing the final reply when Tailchat hiccups', () => {
  const run = async (failures: Array<'before-store' | 'after-store'>) => {
    const fake = createFakeHost({ sendFailures: failures });
    const engine = engineFrom([{ type: 'text', text: 'Answer.' }, { type: 'final', text: 'Answer.' }]);
    await executeRun(engine, job(), deps(fake.host));
    return fake.stored.filter((m) => m.content === 'Answer.');
  };
  it('an answer lost on the way back is not stored twice', async () => {
    expect(await run(['after-store'])).toHaveLength(1);
  });
  it('a store that really failed is retried once', async () => {
    expect(await run(['before-store'])).toHaveLength(1);
  });

  it('logs failed live pushes once per run and 10 s, not once per update; the reply is still stored', async () => {
    const fake = createFakeHost({ failNotify: true });
    const { lines, logger } = recordingLogger();
    const engine = createScriptedEngine({ chunkDelayMs: 5, chunkChars: 4, label: 'demo' });
    const out = await executeRun(engine, job('a reply long enough for many live updates'), { ...deps(fake.host, logger), intervalMs: 5 });
    expect(out.status).toBe('done');
    expect(fake.byAction('gateway.notify').length).toBeGreaterThan(3);
    expect(lines.filter((l) => l.msg === 'tailchat notify failed')).toHaveLength(1);
    expect(fake.stored.filter((m) => m.author === 'BOT')).toHaveLength(1);
  });
});
