/** limits.maxIntakeChars (issue #18 item 5): only the start of a message is read at all. */
import { oneAgent } from '../../fakes/agents.js';
import { DEFAULT_ACCESS } from '../../../../bridge/policy/authorize.js';
import { describe, expect, it } from 'vitest';
import { handleMessageEvent, type ChatDeps, type RunnerClient } from '../../../../bridge/chat/handle-message.js';
import { createPermissionChecker } from '../../../../bridge/permission/check.js';
import { createGroupSettingsStore } from '../../../../bridge/settings/group-settings.js';
import type { RunJob } from '../../../../bridge/run/execute.js';
import { createFakeHost, recordingLogger } from '../../fakes/tailchat-host.js';

const BOT = 'bot0000000000000000000001';
const CAP = 1000;
const defaults = { enabled: true, engine: 'scripted', agentId: 'main', trigger: 'mention' as const, prefix: '/ai', allMessagesPanels: [], sessionScope: 'group' as const };

function setup() {
  const fake = createFakeHost({});
  const jobs: RunJob[] = [];
  const runner: RunnerClient = { start: async (j) => void jobs.push(j), abortSession: async () => false, reset: async () => {}, stats: async () => '' };
  const deps: ChatDeps = {
    host: fake.host, botUserId: BOT, ...oneAgent(BOT),
    settings: createGroupSettingsStore(fake.host, defaults),
    can: createPermissionChecker(fake.host, { invokeByDefault: true }),
    runner, isBot: async () => false, access: DEFAULT_ACCESS, maxPromptChars: 16_000, maxIntakeChars: CAP,
    defaultEngine: 'scripted', dmAgentId: 'main', logger: recordingLogger().logger,
  };
  const sent = () => fake.byAction('chat.message.sendMessage').map((c) => c.params.content as string);
  return { deps, jobs, sent };
}
const add = (content: string, meta: Record<string, unknown> = {}) => ({ type: 'add', groupId: 'G1', converseId: 'P1', messageId: 'M1', author: 'U1', content, meta });
const mention = `[at=${BOT}]AI Assistant[/at]`;

describe('intake cap', () => {
  it('a mention beyond the cap does not address the agent: ignored, nothing said', async () => {
    const s = setup();
    for (const late of [mention, '@AI Assistant']) {
      const out = await handleMessageEvent(add(`${'x'.repeat(CAP)} ${late} what is this?`), s.deps);
      expect(out).toEqual({ kind: 'ignored', reason: 'not-addressed' });
    }
    expect(s.sent()).toEqual([]);
    expect(s.jobs).toEqual([]);
  });

  it('an addressed message longer than the cap gets the too-long reply and starts nothing', async () => {
    const s = setup();
    const content = `${mention} summarise: ${'y'.repeat(CAP)}`;
    expect(await handleMessageEvent(add(content), s.deps)).toEqual({ kind: 'refused', reason: 'prompt-too-long' });
    expect(s.sent()).toEqual([`Your message is too long for the assistant (${content.length} characters, limit ${CAP}). · 消息过长（${content.length} 字符，上限 ${CAP}）。`]);
    expect(s.jobs).toEqual([]);
    // Addressed through Tailchat's own mention list too.
    expect(await handleMessageEvent(add(`${'z'.repeat(CAP + 1)}`, { mentions: [BOT] }), s.deps)).toEqual({ kind: 'refused', reason: 'prompt-too-long' });
  });

  it('a message within the cap is read as before', async () => {
    const s = setup();
    expect(await handleMessageEvent(add(`${mention} hello`), s.deps)).toMatchObject({ kind: 'started' });
    expect(s.jobs[0]?.request.prompt).toBe('hello');
  });
});
