/**
 * Private tool output on the runner: in a group the live draft and the stored reply carry tool
 * cards without arguments and results, and the store keeps them; in a DM, or with the group's
 * setting 'everyone', the reply carries them in full.
 */
import { describe, expect, it } from 'vitest';
import { createEventQueue } from '../../../../bridge/engine/event-queue.js';
import type { Engine, EngineEvent } from '../../../../bridge/engine/types.js';
import { createApproverCheck } from '../../../../bridge/permission/approver.js';
import { createMemoryToolOutputStore } from '../../../../bridge/privacy/store.js';
import { keepsToolOutputPrivate, toolOutputFor } from '../../../../bridge/privacy/visibility.js';
import { executeRun, type RunJob } from '../../../../bridge/run/execute.js';
import { parseRunJob } from '../../../../bridge/run/job.js';
import { applyEvent, initialReplyState, toBlocks } from '../../../../bridge/stream/reply-state.js';
import { AI_META_KEY } from '../../../../protocol/blocks.js';
import { createFakeHost, silentLogger } from '../../fakes/tailchat-host.js';

const SECRET_ARG = 'cat /etc/secret-arg';
const SECRET_RESULT = 'the-secret-result';
const events: EngineEvent[] = [
  { type: 'text', text: 'Checking.' },
  { type: 'tool', toolCallId: 't1', name: 'exec', phase: 'start', args: { command: SECRET_ARG } },
  { type: 'tool', toolCallId: 't1', name: 'exec', phase: 'result', result: { stdout: SECRET_RESULT } },
  { type: 'final', text: 'Checking. Done.' },
];

function engine(): Engine {
  return {
    id: 'test',
    async start(r) {
      const q = createEventQueue(r.runId);
      // Spaced out so that the draft shows the running card before the result.
      void (async () => {
        for (const e of events) {
          q.push(e);
          await new Promise((res) => setTimeout(res, 30));
        }
      })();
      return q;
    },
    abort: async () => false, reset: async () => undefined, health: async () => ({ ok: true, detail: '' }), close: async () => undefined,
  };
}

const groupJob = (extra: Partial<RunJob> = {}): RunJob => ({
  engineId: 'test',
  request: { runId: 'tc-m1', sessionKey: 'agent:main:tailchat:group:G1', prompt: 'go', requester: { userId: 'U1' }, origin: { groupId: 'G1', converseId: 'P1', messageId: 'm1' } },
  target: { converseId: 'P1', groupId: 'G1', audience: { room: 'P1' } },
  ...extra,
});
const dmJob = (): RunJob => ({
  engineId: 'test',
  request: { runId: 'tc-m2', sessionKey: 'agent:main:tailchat:direct:U1', prompt: 'go', requester: { userId: 'U1' }, origin: { converseId: 'D1', messageId: 'm2' } },
  target: { converseId: 'D1', audience: { users: ['U1', 'BOT'] } },
});

async function run(job: RunJob) {
  const fake = createFakeHost();
  const store = createMemoryToolOutputStore();
  await executeRun(engine(), job, { host: fake.host, botUserId: 'BOT', intervalMs: 10, maxReplyChars: 60_000, runTimeoutMs: 5_000, logger: silentLogger, toolOutputs: store });
  const drafts = fake.byAction('gateway.notify').map((c) => c.params.eventData as { meta?: Record<string, any> }).filter((d) => d.meta);
  const stored = fake.byAction('chat.message.sendMessage').map((c) => c.params as { content: string; meta: Record<string, any> });
  return { drafts, stored, store };
}

describe('private tool output on the runner', () => {
  it('in a group (default): draft and stored reply show name and status only; the store has the details', async () => {
    const { drafts, stored, store } = await run(groupJob());
    expect(drafts.some((d) => d.meta![AI_META_KEY].blocks.some((b: any) => b.type === 'tool' && b.status === 'running')), 'a draft showed the running card').toBe(true);
    for (const m of [...drafts, ...stored]) {
      const text = JSON.stringify(m);
      expect(text).not.toContain(SECRET_ARG);
      expect(text).not.toContain(SECRET_RESULT);
    }
    expect(stored).toHaveLength(1);
    expect(stored[0]!.meta[AI_META_KEY].blocks).toContainEqual({ type: 'tool', toolCallId: 't1', name: 'exec', status: 'succeeded', redacted: true });
    expect(stored[0]!.content).toContain('exec (succeeded)');
    expect(await store.get('tc-m1', 't1')).toEqual({ name: 'exec', args: { command: SECRET_ARG }, result: { stdout: SECRET_RESULT } });
  });

  it("with the group's setting 'everyone': the reply carries arguments and result, nothing is kept", async () => {
    const { stored, store } = await run(groupJob({ toolOutput: 'everyone' }));
    expect(stored[0]!.meta[AI_META_KEY].blocks).toContainEqual({ type: 'tool', toolCallId: 't1', name: 'exec', status: 'succeeded', args: { command: SECRET_ARG }, result: { stdout: SECRET_RESULT } });
    expect(await store.get('tc-m1', 't1')).toBeUndefined();
  });

  it('in a direct message: always in full', async () => {
    const { stored } = await run(dmJob());
    expect(JSON.stringify(stored[0]!.meta)).toContain(SECRET_RESULT);
  });
});

describe('the rule', () => {
  it('groups default to private, DMs are always full; the job carries the choice across the broker', () => {
    expect(toolOutputFor('G1', undefined)).toBe('private');
    expect(toolOutputFor('G1', 'everyone')).toBe('everyone');
    expect(toolOutputFor(undefined, 'private')).toBe('everyone');
    const parsed = parseRunJob({ ...groupJob(), toolOutput: 'everyone' });
    expect(parsed.toolOutput).toBe('everyone');
    expect(keepsToolOutputPrivate(parsed)).toBe(false);
    expect(keepsToolOutputPrivate(groupJob())).toBe(true);
    expect(() => parseRunJob({ ...groupJob(), toolOutput: 'nobody' })).toThrow();
  });
  it('redacts tool cards only, leaving text and approvals as they are', () => {
    const s = events.reduce(applyEvent, applyEvent(initialReplyState(), { type: 'approval.requested', approvalId: 'a1', command: 'make' }));
    const blocks = toBlocks(s, { privateTools: true });
    expect(blocks).toContainEqual({ type: 'tool', toolCallId: 't1', name: 'exec', status: 'succeeded', redacted: true });
    expect(blocks).toContainEqual(expect.objectContaining({ type: 'approval', command: 'make' }));
    expect(blocks).toContainEqual({ type: 'markdown', text: 'Done.' });
  });
  it("approvers: the 'approve' capability, narrowed to the named approvers and the owner", async () => {
    const holders = new Set(['OWNER', 'A1', 'A2']);
    let named: string[] = [];
    const check = createApproverCheck({
      can: async (_g, userId) => (holders.has(userId) ? { allowed: true } : { allowed: false, reason: 'missing-permission' }),
      settings: { get: async () => ({ approvers: named }) as never },
      host: { getGroupInfo: async () => ({ owner: 'OWNER' }) as never },
    });
    expect(await check('G1', 'A2')).toEqual({ allowed: true });
    expect(await check('G1', 'M')).toEqual({ allowed: false, reason: 'missing-permission' });
    named = ['A1'];
    expect(await check('G1', 'A1')).toEqual({ allowed: true });
    expect(await check('G1', 'A2')).toEqual({ allowed: false, reason: 'not-named' });
    expect(await check('G1', 'OWNER')).toEqual({ allowed: true });
  });
});
