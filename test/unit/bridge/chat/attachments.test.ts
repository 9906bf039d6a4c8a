/** The chat side of attachments: links go into the run job, too many are refused at once, an image alone is a prompt. */
import { oneAgent } from '../../fakes/agents.js';
import { describe, expect, it } from 'vitest';
import { handleMessageEvent, type ChatDeps, type RunnerClient } from '../../../../bridge/chat/handle-message.js';
import { ATTACHMENT_TEXT } from '../../../../bridge/attachments/policy.js';
import { createPermissionChecker } from '../../../../bridge/permission/check.js';
import { parseRunJob } from '../../../../bridge/run/job.js';
import type { RunJob } from '../../../../bridge/run/execute.js';
import { createGroupSettingsStore } from '../../../../bridge/settings/group-settings.js';
import { createFakeHost, recordingLogger } from '../../fakes/tailchat-host.js';
import { DEFAULT_ACCESS } from '../../../../bridge/policy/authorize.js';

const BOT = 'bot0000000000000000000001';
const IMG = '{BACKEND}/static/files/u1/3f2a.png';
const defaults = { enabled: true, engine: 'openclaw', agentId: 'main', trigger: 'mention' as const, prefix: '/ai', allMessagesPanels: [], sessionScope: 'group' as const };

function setup(maxCount = 2) {
  const fake = createFakeHost();
  const jobs: RunJob[] = [];
  const runner: RunnerClient = { start: async (j) => void jobs.push(j), abortSession: async () => false, reset: async () => undefined, stats: async () => '' };
  const { lines, logger } = recordingLogger();
  const deps: ChatDeps = {
    host: fake.host, botUserId: BOT, ...oneAgent(BOT),
    settings: createGroupSettingsStore(fake.host, defaults),
    can: createPermissionChecker(fake.host, { invokeByDefault: true }),
    runner, isBot: async () => false, access: DEFAULT_ACCESS, maxPromptChars: 1000,
    attachments: { maxCount },
    defaultEngine: 'openclaw', dmAgentId: 'main', logger,
  };
  return { fake, jobs, deps, lines };
}
const add = (content: string, extra: Record<string, unknown> = {}) => ({
  type: 'add', groupId: 'G1', converseId: 'P1', messageId: 'M1', author: 'U1', content, meta: { mentions: [BOT] }, ...extra,
});
const sent = (fake: ReturnType<typeof createFakeHost>) => fake.byAction('chat.message.sendMessage').map((c) => c.params.content as string);

describe('attachments on the chat side', () => {
  it('puts the links into the run job (not the prompt), and the job survives its validation', async () => {
    const s = setup();
    const out = await handleMessageEvent(add(`[at=${BOT}]AI[/at] what is this? [img height=16 width=24]${IMG}[/img]`), s.deps);
    expect(out).toMatchObject({ kind: 'started' });
    expect(s.jobs[0]!.request.prompt).toBe('what is this?');
    expect(s.jobs[0]!.request.attachments).toEqual([{ kind: 'image', url: IMG, name: 'image.png', width: 24, height: 16 }]);
    expect(parseRunJob(JSON.parse(JSON.stringify(s.jobs[0]))).request.attachments).toEqual(s.jobs[0]!.request.attachments);
  });

  it('a message with no files gets no attachments field', async () => {
    const s = setup();
    await handleMessageEvent(add(`[at=${BOT}]AI[/at] hello`), s.deps);
    expect(s.jobs[0]!.request).not.toHaveProperty('attachments');
  });

  it('refuses more than the limit with one reply naming it, and starts nothing', async () => {
    const s = setup(2);
    const three = [1, 2, 3].map((i) => `[img]{BACKEND}/static/files/u1/${i}.png[/img]`).join('');
    expect(await handleMessageEvent(add(`[at=${BOT}]AI[/at] compare ${three}`), s.deps)).toEqual({ kind: 'refused', reason: 'attachments-too-many' });
    expect(sent(s.fake)).toEqual([ATTACHMENT_TEXT.tooMany(2, 3)]);
    expect(s.jobs).toEqual([]);
    expect(s.lines.some((l) => l.msg === 'refused: attachments')).toBe(true);
  });

  it('an image alone in a DM with the agent is a prompt about the image, not a request for help', async () => {
    const s = setup();
    const out = await handleMessageEvent({ type: 'add', converseId: 'D1', messageId: 'M2', author: 'U1', content: `[img height=1 width=1]${IMG}[/img]`, plain: '[图片]', meta: {} }, s.deps);
    expect(out).toMatchObject({ kind: 'started' });
    expect(s.jobs[0]!.request).toMatchObject({ prompt: 'Please look at the attached file.', attachments: [{ kind: 'image', url: IMG }] });
  });

  it('a mention replying to an image message carries that image (as Tailchat stored it)', async () => {
    const s = setup();
    s.fake.stored.push({ _id: 'M0', author: 'U2', converseId: 'P1', content: `[img]${IMG}[/img]` });
    await handleMessageEvent(add(`[at=${BOT}]AI[/at] describe it`, { meta: { mentions: [BOT], reply: { _id: 'M0', author: 'U2', content: 'whatever the sender wrote here' } } }), s.deps);
    expect(s.jobs[0]!.request).toMatchObject({ prompt: 'describe it', attachments: [{ kind: 'image', url: IMG }] });
  });

  it('a reply naming a message of another converse (or one that does not exist) carries no attachment, whatever meta.reply.content claims', async () => {
    const s = setup();
    s.fake.stored.push({ _id: 'M9', author: 'U9', converseId: 'P-OTHER-GROUP', content: `[img]${IMG}[/img]` });
    const claim = { mentions: [BOT], reply: { _id: 'M9', author: 'U9', content: `[img]${IMG}[/img]` } };
    await handleMessageEvent(add(`[at=${BOT}]AI[/at] describe it`, { meta: claim }), s.deps);
    await handleMessageEvent(add(`[at=${BOT}]AI[/at] describe it`, { messageId: 'M3', meta: { ...claim, reply: { ...claim.reply, _id: 'NOPE' } } }), s.deps);
    expect(s.jobs.map((j) => j.request.attachments)).toEqual([undefined, undefined]);
  });
});
