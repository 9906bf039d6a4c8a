import { agent, oneAgent, someAgents } from '../../fakes/agents.js';
import { describe, expect, it } from 'vitest';
import { handleMessageEvent, type ChatDeps, type RunnerClient } from '../../../../bridge/chat/handle-message.js';
import { createPermissionChecker } from '../../../../bridge/permission/check.js';
import { createGroupSettingsStore, SETTINGS_DATA_NAME } from '../../../../bridge/settings/group-settings.js';
import type { RunJob } from '../../../../bridge/run/execute.js';
import { createFakeHost, recordingLogger, type FakeHostOptions } from '../../fakes/tailchat-host.js';
import { DEFAULT_ACCESS } from '../../../../bridge/policy/authorize.js';

const BOT = 'bot0000000000000000000001';
const defaults = { enabled: true, engine: 'scripted', agentId: 'main', trigger: 'mention' as const, prefix: '/ai', allMessagesPanels: [], sessionScope: 'group' as const };

function setup(opts: FakeHostOptions & { invokeByDefault?: boolean; agents?: ReturnType<typeof someAgents> } = {}) {
  const fake = createFakeHost(opts);
  const jobs: RunJob[] = [];
  const aborted: string[] = [];
  const resets: string[] = [];
  const runner: RunnerClient = {
    start: async (j) => void jobs.push(j),
    abortSession: async (k, requester) => (aborted.push(requester ? `${k} (runs of ${requester})` : k), true),
    reset: async (_e, k) => void resets.push(k),
    stats: async (e, u) => `stats of ${u} from ${e}`,
  };
  const { lines, logger } = recordingLogger();
  const deps: ChatDeps = {
    host: fake.host, botUserId: BOT, ...(opts.agents ?? oneAgent(BOT)),
    settings: createGroupSettingsStore(fake.host, defaults),
    can: createPermissionChecker(fake.host, { invokeByDefault: opts.invokeByDefault ?? true }),
    runner, isBot: async (u) => opts.users?.[u]?.type === 'pluginBot', access: DEFAULT_ACCESS, maxPromptChars: 100,
    defaultEngine: 'scripted', dmAgentId: 'main', logger,
  };
  return { fake, jobs, aborted, resets, deps, lines };
}
const add = (content: string, extra: Record<string, unknown> = {}) => ({
  type: 'add', groupId: 'G1', converseId: 'P1', messageId: 'M1', author: 'U1', content, meta: { mentions: [BOT] }, ...extra,
});
const sent = (fake: ReturnType<typeof createFakeHost>) => fake.byAction('chat.message.sendMessage').map((c) => c.params.content as string);

describe('handleMessageEvent', () => {
  it('a bare "stop" in a group stops the running reply without a mention, and says nothing when none runs', async () => {
    const s = setup();
    expect(await handleMessageEvent(add('stop', { meta: {} }), s.deps)).toEqual({ kind: 'command', command: 'stop' });
    expect(s.aborted).toEqual(['agent:main:tailchat:group:g1 (runs of U1)']);
    s.deps.runner.abortSession = async () => false;
    expect(await handleMessageEvent(add('停止', { meta: {}, messageId: 'M2' }), s.deps)).toEqual({ kind: 'command', command: 'stop' });
    expect(sent(s.fake)).toEqual([]); // addressed "/stop" with nothing running would say so; a bare word does not
    // The Stop button's rule: a member without "approve" stops only their own runs, invoke or not.
    const noInvoke = setup({ invokeByDefault: false });
    expect(await handleMessageEvent(add('stop', { meta: {} }), noInvoke.deps)).toEqual({ kind: 'command', command: 'stop' });
    expect(noInvoke.aborted).toEqual(['agent:main:tailchat:group:g1 (runs of U1)']);
    expect(sent(noInvoke.fake)).toEqual([]);
  });

  it('starts a run keyed by group, with a run id from the message id', async () => {
    const s = setup();
    const out = await handleMessageEvent(add(`[at=${BOT}]AI[/at] explain closures`), s.deps);
    expect(out).toEqual({ kind: 'started', runId: 'tc-M1', sessionKey: 'agent:main:tailchat:group:g1', engine: 'scripted' });
    expect(s.jobs[0]).toMatchObject({ engineId: 'scripted', request: { prompt: 'explain closures', requester: { userId: 'U1' } }, target: { audience: { room: 'P1' } } });
  });

  it('logs and drops a malformed event without throwing', async () => {
    const s = setup();
    expect(await handleMessageEvent({ type: 'add', converseId: 5 }, s.deps)).toMatchObject({ kind: 'invalid' });
    expect(s.lines.find((l) => l.level === 'warn')?.msg).toContain('malformed');
    expect(s.jobs).toHaveLength(0);
  });

  it('never answers itself, the system user or another bot', async () => {
    const s = setup({ users: { OTHERBOT: { type: 'pluginBot' } } });
    expect(await handleMessageEvent(add('x', { author: BOT }), s.deps)).toMatchObject({ kind: 'ignored' });
    expect(await handleMessageEvent(add('x', { author: '000000000000000000000000' }), s.deps)).toMatchObject({ kind: 'ignored' });
    expect(await handleMessageEvent(add('x', { author: 'OTHERBOT' }), s.deps)).toEqual({ kind: 'ignored', reason: 'bot-author' });
    expect(s.jobs).toHaveLength(0);
    expect(sent(s.fake)).toHaveLength(0);
  });

  it('refuses users without the invoke permission with a short message', async () => {
    const s = setup({ invokeByDefault: false, permissions: { U1: ['core.message'] } });
    expect(await handleMessageEvent(add('hi'), s.deps)).toEqual({ kind: 'refused', reason: 'missing-permission' });
    expect(sent(s.fake)[0]).toContain('do not have permission');
    const allowed = setup({ invokeByDefault: false, permissions: { U1: ['plugin.com.yourcompany.ai.invoke'] } });
    expect(await handleMessageEvent(add('hi'), allowed.deps)).toMatchObject({ kind: 'started' });
    const owner = setup({ invokeByDefault: false, owner: 'U1' });
    expect(await handleMessageEvent(add('hi'), owner.deps)).toMatchObject({ kind: 'started' });
  });

  it('refuses an oversized prompt and says the limit', async () => {
    const s = setup();
    expect(await handleMessageEvent(add('x'.repeat(101)), s.deps)).toEqual({ kind: 'refused', reason: 'prompt-too-long' });
    expect(sent(s.fake)[0]).toContain('limit 100');
  });

  it('follows the group settings stored in Tailchat', async () => {
    const s = setup({ groupData: { [`G1/${SETTINGS_DATA_NAME}`]: JSON.stringify({ sessionScope: 'panel', agentId: 'coder', trigger: 'prefix' }) } });
    const out = await handleMessageEvent(add('/ai hi', { meta: {} }), s.deps);
    expect(out).toMatchObject({ kind: 'started', sessionKey: 'agent:coder:tailchat:group:g1:channel:p1' });
  });

  it('runs /stop, /new and /help (the group owner\'s /stop stops every run of the session)', async () => {
    const s = setup({ owner: 'U1' });
    await handleMessageEvent(add(`[at=${BOT}]AI[/at] /stop`), s.deps);
    await handleMessageEvent(add(`[at=${BOT}]AI[/at] /new`), s.deps);
    await handleMessageEvent(add(`[at=${BOT}]AI[/at] /help`), s.deps);
    await handleMessageEvent(add(`[at=${BOT}]AI[/at] /stats`), s.deps);
    expect(s.aborted).toEqual(['agent:main:tailchat:group:g1']);
    expect(s.resets).toEqual(['agent:main:tailchat:group:g1']);
    expect(sent(s.fake)).toEqual([expect.stringContaining('new conversation'), expect.stringContaining('Commands:'), 'stats of U1 from scripted']);
  });

  it('engine text the bot says (/stats) is stored inert as BBCode', async () => {
    const s = setup();
    s.deps.runner.stats = async () => 'memory: [img\turl=https://x.example/p.png]https://x.example/p.png[/img] [at=all]all[/at]';
    await handleMessageEvent(add(`[at=${BOT}]AI[/at] /stats`), s.deps);
    expect(sent(s.fake)).toEqual(['memory: ［img\turl=https://x.example/p.png］https://x.example/p.png［/img］ ［at=all］all［/at］']);
  });

  it('/stop without "approve" stops only your own runs, and says so when none of yours runs', async () => {
    const s = setup();
    s.deps.runner.abortSession = async (k, requester) => (s.aborted.push(`${k} (runs of ${requester})`), false);
    expect(await handleMessageEvent(add(`[at=${BOT}]AI[/at] /stop`), s.deps)).toEqual({ kind: 'command', command: 'stop' });
    expect(s.aborted).toEqual(['agent:main:tailchat:group:g1 (runs of U1)']);
    expect(sent(s.fake)).toEqual([expect.stringContaining('None of your replies is running')]);
  });

  it('DMs: "listed" admits only the listed users (others are told), "nobody" stays silent', async () => {
    const dm = (author: string) => ({ type: 'add', converseId: 'D1', messageId: `M-${author}`, author, content: 'hello', meta: {} });
    const s = setup();
    s.deps.access = { dm: { access: 'listed', allowedUsers: ['U1'] }, globalApprovers: [] };
    expect(await handleMessageEvent(dm('U1'), s.deps)).toMatchObject({ kind: 'started' });
    expect(await handleMessageEvent(dm('U2'), s.deps)).toEqual({ kind: 'refused', reason: 'dm-not-allowed' });
    expect(sent(s.fake)).toEqual([expect.stringContaining('does not answer your direct messages')]);
    s.deps.access = { dm: { access: 'nobody', allowedUsers: ['U1'] }, globalApprovers: [] };
    expect(await handleMessageEvent(dm('U1'), s.deps)).toEqual({ kind: 'ignored', reason: 'dm-disabled' });
    expect(s.jobs).toHaveLength(1);
  });

  it('DM runs carry whether their requester may approve them: only global approvers', async () => {
    const dm = (author: string) => ({ type: 'add', converseId: 'D1', messageId: `M-${author}`, author, content: 'run it', meta: {} });
    const s = setup({ dmMembers: ['U1', 'U2', BOT] }); // both write in the DM (a group DM with the agent)
    s.deps.access = { dm: { access: 'everyone', allowedUsers: [] }, globalApprovers: ['U1'] };
    await handleMessageEvent(dm('U1'), s.deps);
    await handleMessageEvent(dm('U2'), s.deps);
    expect(s.jobs.map((j) => [j.request.requester.userId, j.selfApproval])).toEqual([['U1', true], ['U2', false]]);
    await handleMessageEvent(add(`[at=${BOT}]AI[/at] in a group`, { messageId: 'M9' }), s.deps);
    expect(s.jobs[2]!.selfApproval).toBeUndefined();
  });

  it('tells the user when no runner can take the run', async () => {
    const s = setup();
    s.deps.runner = { ...s.deps.runner, start: async () => { throw new Error('Service not found'); } };
    expect(await handleMessageEvent(add('hi'), s.deps)).toEqual({ kind: 'refused', reason: 'runner-unavailable' });
    expect(sent(s.fake)[0]).toContain('unavailable');
  });
});

describe('a message that names a place its author may not read (hand-made API call)', () => {
  // Tailchat's sendMessage checks membership of the group named, not that the converse is its panel.
  it('a /summarize posted into another group\'s panel under the author\'s own group reads nothing and starts nothing', async () => {
    const s = setup({ panels: ['P1'] });
    s.fake.stored.push({ _id: 'M0', author: 'U9', converseId: 'PB', content: 'the other group\'s secret' });
    const out = await handleMessageEvent(add(`[at=${BOT}]AI[/at] /summarize`, { converseId: 'PB' }), s.deps);
    expect(out).toEqual({ kind: 'refused', reason: 'converse-not-in-group' });
    expect(s.fake.byAction('chat.message.fetchConverseMessage')).toEqual([]);
    expect(s.jobs).toEqual([]);
    // Nothing is posted into the other group's panel either.
    expect(sent(s.fake)).toEqual([]);
    expect(s.lines.find((l) => l.level === 'warn')?.fields).toMatchObject({ reason: 'converse-not-in-group', converseId: 'PB', userId: 'U1' });
  });

  it('a prompt into someone else\'s DM under a group the author is in starts nothing', async () => {
    const s = setup({ panels: ['P1'] });
    expect(await handleMessageEvent(add(`[at=${BOT}]AI[/at] hi`, { converseId: 'D-OTHERS' }), s.deps)).toEqual({ kind: 'refused', reason: 'converse-not-in-group' });
    expect(s.jobs).toEqual([]);
  });

  it('a summary in the author\'s own panel reads that panel as them', async () => {
    const s = setup({ panels: ['P1'] });
    s.fake.stored.push({ _id: 'M0', author: 'U2', converseId: 'P1', content: 'we ship friday' });
    expect(await handleMessageEvent(add(`[at=${BOT}]AI[/at] /summarize`), s.deps)).toEqual({ kind: 'command', command: 'summarize' });
    expect(s.fake.byAction('chat.message.fetchConverseMessage')[0]).toMatchObject({ params: { converseId: 'P1' }, meta: { userId: 'U1' } });
    expect(s.jobs[0]!.request.prompt).toContain('we ship friday');
  });
});

describe('handleMessageEvent with the intake journal', () => {
  const journalled = (s: ReturnType<typeof setup>, held = new Set<string>()) => {
    const marks: string[] = [];
    s.deps.intake = {
      take: async (id) => !held.has(id),
      mark: async (id, state) => void marks.push(`${id} ${state}`),
    };
    return marks;
  };

  it('takes a prompt before anything is done with it, and records that a runner has it', async () => {
    const s = setup();
    const marks = journalled(s);
    expect(await handleMessageEvent(add(`[at=${BOT}]AI[/at] hello`), s.deps)).toMatchObject({ kind: 'started' });
    expect(marks).toEqual(['M1 handed']);
  });

  it('does nothing at all with a message another instance (or the sweep) holds: no run, no reply', async () => {
    const s = setup({ invokeByDefault: false, permissions: { U1: ['core.message'] } });
    const marks = journalled(s, new Set(['M1']));
    expect(await handleMessageEvent(add(`[at=${BOT}]AI[/at] hello`), s.deps)).toEqual({ kind: 'ignored', reason: 'taken-elsewhere' });
    expect(s.jobs).toHaveLength(0);
    expect(sent(s.fake)).toEqual([]); // not even the refusal this user would get
    expect(marks).toEqual([]);
  });

  it('settles refusals and commands; a run a runner already had counts as handed; people talking are not journalled', async () => {
    const s = setup({ invokeByDefault: false, permissions: { U1: ['core.message'] } });
    const marks = journalled(s);
    await handleMessageEvent(add(`[at=${BOT}]AI[/at] hello`), s.deps);
    await handleMessageEvent(add('just chatting', { messageId: 'M2', meta: {} }), s.deps);
    const ok = setup();
    const okMarks = journalled(ok);
    ok.deps.runner.start = async () => false; // a redelivery: some runner has tc-M3
    expect(await handleMessageEvent(add(`[at=${BOT}]AI[/at] again`, { messageId: 'M3' }), ok.deps)).toMatchObject({ kind: 'refused', reason: 'already-started' });
    expect(await handleMessageEvent(add(`[at=${BOT}]AI[/at] /help`, { messageId: 'M4' }), ok.deps)).toEqual({ kind: 'command', command: 'help' });
    expect(marks).toEqual(['M1 settled']);
    expect(okMarks).toEqual(['M3 handed', 'M4 settled']);
  });

  it('leaves a message it failed on taken (the sweep takes it over after the lease), and answers when the journal is away', async () => {
    const s = setup();
    const marks = journalled(s);
    s.deps.can = async () => {
      throw new Error('Tailchat unreachable');
    };
    await expect(handleMessageEvent(add(`[at=${BOT}]AI[/at] hello`), s.deps)).rejects.toThrow('Tailchat unreachable');
    const away = setup();
    away.deps.intake = { take: async () => Promise.reject(new Error('database away')), mark: async () => Promise.reject(new Error('database away')) };
    expect(await handleMessageEvent(add(`[at=${BOT}]AI[/at] hello`), away.deps)).toMatchObject({ kind: 'started' });
    expect(away.lines.some((l) => l.level === 'warn' && l.msg.includes('intake journal unavailable'))).toBe(true);
    expect(marks).toEqual([]);
  });

  it('a recovered prompt is not counted against the rate limit again, and its job says it is a recovery', async () => {
    const s = setup();
    let counted = 0;
    s.deps.rateLimit = async () => (counted++, { allowed: false, scope: 'user', retryAfterMs: 1000 });
    s.deps.recovery = 'started';
    expect(await handleMessageEvent(add(`[at=${BOT}]AI[/at] hello`), s.deps)).toMatchObject({ kind: 'started' });
    expect(counted).toBe(0);
    expect(s.jobs[0]?.recovery).toBe('started');
  });

  it('a swept prompt no instance took was never counted: the sweep counts it (and refuses it over the limit)', async () => {
    const s = setup();
    let counted = 0;
    s.deps.rateLimit = async () => (counted++, { allowed: false, scope: 'user', retryAfterMs: 1000 });
    s.deps.recovery = 'unstarted';
    s.deps.countRateLimit = true;
    expect(await handleMessageEvent(add(`[at=${BOT}]AI[/at] hello`), s.deps)).toEqual({ kind: 'refused', reason: 'rate-limit-user' });
    expect(counted).toBe(1);
  });
});

describe('handleMessageEvent with several agents', () => {
  const REVIEWER = 'bot0000000000000000000002';
  const agents = () =>
    someAgents([agent('assistant', BOT, 'AI Assistant'), agent('reviewer', REVIEWER, 'Reviewer', { engine: 'mbe', engineAgentId: 'review', instructions: 'Review code.' })], { G2: ['assistant'] });
  const mention = (userId: string, text: string, extra: Record<string, unknown> = {}) => ({
    type: 'add', groupId: 'G1', converseId: 'P1', messageId: 'M1', author: 'U1', content: `[at=${userId}]x[/at] ${text}`, meta: { mentions: [userId] }, ...extra,
  });

  it('a mention starts a run of that agent: its engine, its engine agent, its instructions, its own session', async () => {
    const s = setup({ agents: agents() });
    await handleMessageEvent(mention(BOT, 'hi'), s.deps);
    await handleMessageEvent(mention(REVIEWER, 'check this', { messageId: 'M2' }), s.deps);
    expect(s.jobs.map((j) => [j.agent, j.engineId, j.request.agentId, j.request.sessionKey, j.request.instructions])).toEqual([
      ['assistant', 'scripted', 'main', 'agent:main:tailchat:group:g1', undefined],
      ['reviewer', 'mbe', 'review', 'agent:review:tailchat-reviewer:group:g1', 'Review code.'],
    ]);
  });

  it('two agents on the same engine agent still keep separate sessions', async () => {
    const s = setup({ agents: someAgents([agent('assistant', BOT, 'AI Assistant'), agent('helper', REVIEWER, 'Helper')]) });
    await handleMessageEvent(mention(BOT, 'hi'), s.deps);
    await handleMessageEvent(mention(REVIEWER, 'hi', { messageId: 'M2' }), s.deps);
    expect(new Set(s.jobs.map((j) => j.request.sessionKey)).size).toBe(2);
  });

  it('an agent that is not a member of the group does not answer there, not even a refusal', async () => {
    const s = setup({ agents: agents(), permissions: { U1: [] }, invokeByDefault: false });
    expect(await handleMessageEvent({ ...mention(REVIEWER, 'hi'), groupId: 'G2' }, s.deps)).toEqual({ kind: 'ignored', reason: 'not-addressed' });
    expect(s.jobs).toEqual([]);
    expect(s.fake.byAction('chat.message.sendMessage')).toEqual([]);
  });

  it("refusals and short answers come from the agent addressed; a bare stop stops every agent's run there", async () => {
    const s = setup({ agents: agents() });
    await handleMessageEvent(mention(REVIEWER, '/help'), s.deps);
    expect(s.fake.byAction('chat.message.sendMessage').map((c) => c.meta?.userId)).toEqual([REVIEWER]);
    await handleMessageEvent({ type: 'add', groupId: 'G1', converseId: 'P1', messageId: 'M3', author: 'U1', content: 'stop', meta: {} }, s.deps);
    expect(s.aborted).toEqual(['agent:main:tailchat:group:g1 (runs of U1)', 'agent:review:tailchat-reviewer:group:g1 (runs of U1)']);
  });

  it('never answers another agent (no loops between agents)', async () => {
    const s = setup({ agents: agents() });
    expect(await handleMessageEvent({ ...mention(BOT, 'hi'), author: REVIEWER }, s.deps)).toEqual({ kind: 'ignored', reason: 'own-or-system' });
  });
});
