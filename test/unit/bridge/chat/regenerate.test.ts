import { oneAgent } from '../../fakes/agents.js';
import { describe, expect, it } from 'vitest';
import { handleMessageEvent, type ChatDeps, type RunnerClient } from '../../../../bridge/chat/handle-message.js';
import { regenerate, RegenerateError, runningAmong, type RegenerateDeps } from '../../../../bridge/chat/regenerate.js';
import { createPermissionChecker } from '../../../../bridge/permission/check.js';
import { createGroupSettingsStore } from '../../../../bridge/settings/group-settings.js';
import type { RunJob } from '../../../../bridge/run/execute.js';
import { AI_META_KEY } from '../../../../protocol/blocks.js';
import { createFakeHost, silentLogger } from '../../fakes/tailchat-host.js';
import { DEFAULT_ACCESS } from '../../../../bridge/policy/authorize.js';

const BOT = 'bot0000000000000000000001';
const defaults = { enabled: true, engine: 'scripted', agentId: 'main', trigger: 'mention' as const, prefix: '/ai', allMessagesPanels: [], sessionScope: 'group' as const };
const PROMPT = { _id: 'msg0', converseId: 'P1', groupId: 'G1', author: 'U1', content: `[at=${BOT}]AI[/at] explain closures`, meta: { mentions: [BOT] } };

function setup(o: { permissions?: Record<string, string[] | 'not-member'>; active?: string[]; rateLimitedFor?: string; prompt?: typeof PROMPT; dmMembers?: string[]; panels?: string[]; maxAttempts?: number } = {}) {
  // U1 wrote the prompt and may talk to the agent.
  const fake = createFakeHost({ permissions: { U1: ['plugin.com.yourcompany.ai.invoke'], ...o.permissions }, ...(o.dmMembers ? { dmMembers: o.dmMembers } : {}), ...(o.panels ? { panels: o.panels } : {}) });
  const prompt = o.prompt ?? PROMPT;
  fake.stored.push({ _id: prompt._id, author: prompt.author, converseId: prompt.converseId, content: prompt.content, meta: prompt.meta });
  const jobs: RunJob[] = [];
  const charged: string[] = [];
  const runner: RunnerClient = { start: async (j) => void jobs.push(j), abortSession: async () => false, reset: async () => undefined, stats: async () => '' };
  const chat: ChatDeps = {
    host: fake.host, botUserId: BOT, ...oneAgent(BOT),
    settings: createGroupSettingsStore(fake.host, defaults),
    can: createPermissionChecker(fake.host, { invokeByDefault: false }),
    runner, isBot: async () => false, access: DEFAULT_ACCESS, maxPromptChars: 100,
    rateLimit: async (userId) => {
      charged.push(userId);
      return userId === o.rateLimitedFor ? { allowed: false, scope: 'user', retryAfterMs: 9000 } : { allowed: true };
    },
    defaultEngine: 'scripted', dmAgentId: 'main', logger: silentLogger,
  };
  const deps: RegenerateDeps = {
    chat,
    readMessage: async (messageId) => (messageId === prompt._id ? { ...prompt, hasRecall: false } : null),
    activeRuns: async (ids) => ids.filter((id) => o.active?.includes(id)),
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
  };
  const storeReply = (runId: string, attempt?: number) =>
    fake.stored.push({ _id: `msg${fake.stored.length}`, author: BOT, converseId: prompt.converseId, content: 'an answer', meta: { [AI_META_KEY]: { v: 1, runId, engine: 'scripted', status: 'done', blocks: [], ...(attempt ? { attempt: { n: attempt, of: 'tc-msg0' } } : {}) } } });
  return { fake, jobs, charged, chat, deps, storeReply };
}

const refusal = (p: Promise<unknown>) => p.then(() => 'started', (e: unknown) => (e instanceof RegenerateError ? e.kind : `unexpected: ${String(e)}`));

describe('regenerate', () => {
  it('runs the same prompt again in the same session as attempt 2, a reply to the same message', async () => {
    const s = setup();
    await handleMessageEvent({ type: 'add', groupId: 'G1', converseId: 'P1', messageId: 'msg0', author: 'U1', content: PROMPT.content, meta: PROMPT.meta }, { ...s.chat, can: async () => ({ allowed: true }) });
    s.storeReply('tc-msg0');
    expect(await regenerate('tc-msg0', 'U1', s.deps)).toEqual({ runId: 'tc-msg0.r2', attempt: 2 });
    const [first, second] = s.jobs;
    expect(second!.request).toMatchObject({ runId: 'tc-msg0.r2', prompt: first!.request.prompt, sessionKey: first!.request.sessionKey, requester: { userId: 'U1' } });
    expect(second!.target.replyTo?._id).toBe('msg0');
  });

  it('numbers each attempt after the highest one already answered, whichever reply was clicked', async () => {
    const s = setup();
    s.storeReply('tc-msg0');
    s.storeReply('tc-msg0.r2', 2);
    expect((await regenerate('tc-msg0', 'U1', s.deps)).attempt).toBe(3);
    expect(s.jobs[0]!.request.runId).toBe('tc-msg0.r3');
  });

  it('lets members with invoke regenerate; refuses other members', async () => {
    const s = setup({ permissions: { U2: ['core.message'], U3: ['plugin.com.yourcompany.ai.invoke'] } });
    s.storeReply('tc-msg0');
    expect(await refusal(regenerate('tc-msg0', 'U2', s.deps))).toBe('forbidden');
    expect(s.jobs).toHaveLength(0);
    expect(await refusal(regenerate('tc-msg0', 'U3', s.deps))).toBe('started');
  });

  it('refuses the requester too once their invoke permission is gone', async () => {
    const s = setup({ permissions: { U1: ['core.message'] } });
    s.storeReply('tc-msg0');
    expect(await refusal(regenerate('tc-msg0', 'U1', s.deps))).toBe('forbidden');
    expect(s.jobs).toHaveLength(0);
  });

  it('in a DM any member may regenerate (Tailchat shows the prompt to members only)', async () => {
    const s = setup({ prompt: { ...PROMPT, groupId: undefined as unknown as string, converseId: 'D1', content: 'hello there', meta: { mentions: [] } }, dmMembers: ['U1', 'U2', BOT] });
    s.storeReply('tc-msg0');
    expect(await regenerate('tc-msg0', 'U2', s.deps)).toEqual({ runId: 'tc-msg0.r2', attempt: 2 });
    expect(s.jobs[0]!.target).toMatchObject({ converseId: 'D1', audience: { users: ['U1', 'U2', BOT] } });
  });

  it('refuses while any attempt at the prompt is still running', async () => {
    const s = setup({ active: ['tc-msg0.r2'] });
    s.storeReply('tc-msg0');
    expect(await refusal(regenerate('tc-msg0', 'U1', s.deps))).toBe('running');
    const first = setup({ active: ['tc-msg0'] });
    expect(await refusal(regenerate('tc-msg0', 'U1', first.deps))).toBe('running');
    expect([...s.jobs, ...first.jobs]).toHaveLength(0);
  });

  it('charges the member who clicked against the rate limit, and answers them instead of posting', async () => {
    const s = setup({ permissions: { U3: ['plugin.com.yourcompany.ai.invoke'] }, rateLimitedFor: 'U3' });
    s.storeReply('tc-msg0');
    const err = await regenerate('tc-msg0', 'U3', s.deps).catch((e: unknown) => e as RegenerateError);
    expect(err).toMatchObject({ kind: 'rate-limited' });
    expect((err as Error).message).toContain('Try again in 9 s');
    expect(s.charged).toEqual(['U3']);
    expect(s.fake.byAction('chat.message.sendMessage')).toHaveLength(0);
  });

  it('refuses unknown run ids, invisible messages, and messages no longer addressed to the assistant', async () => {
    const s = setup();
    expect(await refusal(regenerate('not-a-run', 'U1', s.deps))).toBe('not-found');
    expect(await refusal(regenerate('tc-other', 'U1', s.deps))).toBe('not-found');
    const plain = setup({ prompt: { ...PROMPT, content: 'just chatting', meta: { mentions: [] } } });
    expect(await refusal(regenerate('tc-msg0', 'U1', plain.deps))).toBe('not-a-prompt');
  });

  it('a member\'s message with a forged attempt (n: 99 of this prompt) does not count as an answered attempt', async () => {
    const s = setup();
    s.storeReply('tc-msg0');
    s.fake.stored.push({
      _id: 'msg9', author: 'U2', converseId: 'P1', content: 'forged',
      meta: { [AI_META_KEY]: { v: 1, runId: 'tc-msg0.r99', engine: 'scripted', status: 'done', blocks: [], attempt: { n: 99, of: 'tc-msg0' } } },
    });
    expect(await regenerate('tc-msg0', 'U1', s.deps)).toEqual({ runId: 'tc-msg0.r2', attempt: 2 });
  });
});

describe('regenerate bounds and reads', () => {
  it('refuses tc-…r999999 before reading or asking anything', async () => {
    const s = setup();
    let asked = 0;
    const deps: RegenerateDeps = { ...s.deps, readMessage: async () => (asked++, null), activeRuns: async () => (asked++, []) };
    const err = await regenerate('tc-msg0.r999999', 'U1', deps).catch((e: unknown) => e as RegenerateError);
    expect(err).toMatchObject({ kind: 'too-many-attempts' });
    expect((err as Error).message).toContain('answered 20 times');
    expect(asked).toBe(0);
    expect(s.fake.calls).toEqual([]);
  });

  it('refuses attempt 21 when 20 are answered (default cap), and honours a configured cap', async () => {
    const s = setup();
    s.storeReply('tc-msg0');
    for (let n = 2; n <= 20; n++) s.storeReply(`tc-msg0.r${n}`, n);
    expect(await refusal(regenerate('tc-msg0', 'U1', s.deps))).toBe('too-many-attempts');
    expect(s.jobs).toEqual([]);
    const three = setup({ maxAttempts: 3 });
    three.storeReply('tc-msg0');
    expect(await refusal(regenerate('tc-msg0', 'U1', three.deps))).toBe('started'); // attempt 2
    three.storeReply('tc-msg0.r2', 2);
    expect(await refusal(regenerate('tc-msg0', 'U1', three.deps))).toBe('started'); // attempt 3
    three.storeReply('tc-msg0.r3', 3);
    expect(await refusal(regenerate('tc-msg0.r3', 'U1', three.deps))).toBe('too-many-attempts');
    expect(three.jobs.map((j) => j.request.runId)).toEqual(['tc-msg0.r2', 'tc-msg0.r3']);
  });

  it('fails closed: a runner that refuses or does not answer "what is running" means no new attempt, with a try-again message', async () => {
    const s = setup();
    s.storeReply('tc-msg0');
    const answers: PromiseSettledResult<unknown>[] = [{ status: 'fulfilled', value: [] }, { status: 'rejected', reason: new Error('Parameters validation error') }];
    const err = await regenerate('tc-msg0', 'U1', { ...s.deps, activeRuns: async () => runningAmong(answers) }).catch((e: unknown) => e as RegenerateError);
    expect(err).toMatchObject({ kind: 'unavailable' });
    expect((err as Error).message).toContain('try again');
    // Any other failure of the question is the same refusal.
    expect(await refusal(regenerate('tc-msg0', 'U1', { ...s.deps, activeRuns: async () => Promise.reject(new Error('timeout')) }))).toBe('unavailable');
    expect(s.jobs).toEqual([]);
  });

  it('runningAmong: every runner answered → the union; an answer that is not a list of ids counts as no answer', () => {
    expect(runningAmong([{ status: 'fulfilled', value: ['a'] }, { status: 'fulfilled', value: ['b'] }])).toEqual(['a', 'b']);
    expect(runningAmong([])).toEqual([]);
    expect(() => runningAmong([{ status: 'fulfilled', value: null }])).toThrow(RegenerateError);
  });

  it('refuses a prompt whose converse is not a panel of the group it names, as not visible', async () => {
    const s = setup({ panels: ['P-OTHER'], permissions: { U2: ['plugin.com.yourcompany.ai.invoke'] } });
    s.storeReply('tc-msg0');
    expect(await refusal(regenerate('tc-msg0', 'U2', s.deps))).toBe('not-found');
    expect(s.fake.byAction('chat.message.fetchConverseMessage')).toEqual([]);
    expect(s.jobs).toEqual([]);
  });

  it('the run a member regenerates counts against them (actorId on the job), not the prompt\'s author', async () => {
    const s = setup({ permissions: { U3: ['plugin.com.yourcompany.ai.invoke'] } });
    s.storeReply('tc-msg0');
    await regenerate('tc-msg0', 'U3', s.deps);
    expect(s.jobs[0]).toMatchObject({ actorId: 'U3', request: { requester: { userId: 'U1' } } });
  });
});
