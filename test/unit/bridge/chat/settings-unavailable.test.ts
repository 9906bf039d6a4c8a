/**
 * When a group's settings cannot be read (the plugin's database is away), nothing runs on
 * guessed settings, and a member who mentioned the agent is told it is unavailable.
 */
import { oneAgent } from '../../fakes/agents.js';
import { DEFAULT_ACCESS } from '../../../../bridge/policy/authorize.js';
import { describe, expect, it } from 'vitest';
import { handleMessageEvent, type ChatDeps } from '../../../../bridge/chat/handle-message.js';
import { TEXT } from '../../../../bridge/chat/texts.js';
import { createPermissionChecker } from '../../../../bridge/permission/check.js';
import { createSettingsStore } from '../../../../bridge/settings/group-settings.js';
import type { RunJob } from '../../../../bridge/run/execute.js';
import { createFakeHost, recordingLogger } from '../../fakes/tailchat-host.js';

const BOT = 'bot0000000000000000000001';
const defaults = { enabled: true, engine: 'scripted', agentId: 'main', trigger: 'mention' as const, prefix: '/ai', allMessagesPanels: [], sessionScope: 'group' as const };

function setup() {
  const fake = createFakeHost();
  const jobs: RunJob[] = [];
  const { lines, logger } = recordingLogger();
  const unreadable = createSettingsStore({ kind: 'mongo', read: () => Promise.reject(new Error('Server selection timed out after 3000 ms')), write: async () => {} }, defaults);
  const deps: ChatDeps = {
    host: fake.host, botUserId: BOT, ...oneAgent(BOT), settings: unreadable,
    can: createPermissionChecker(fake.host, { invokeByDefault: true }),
    runner: { start: async (j) => void jobs.push(j), abortSession: async () => false, reset: async () => {}, stats: async () => '' },
    isBot: async () => false, access: DEFAULT_ACCESS, maxPromptChars: 100, defaultEngine: 'scripted', dmAgentId: 'main', logger,
  };
  return { fake, jobs, deps, lines };
}
const add = (content: string, meta: Record<string, unknown>) => ({ type: 'add', groupId: 'G1', converseId: 'P1', messageId: 'M1', author: 'U1', content, meta });
const sent = (fake: ReturnType<typeof createFakeHost>) => fake.byAction('chat.message.sendMessage').map((c) => c.params.content as string);

describe('group settings unreadable', () => {
  it('a mention gets "unavailable" and starts no run; other messages get nothing', async () => {
    const s = setup();
    expect(await handleMessageEvent(add(`[at=${BOT}]AI[/at] hello`, { mentions: [BOT] }), s.deps)).toEqual({ kind: 'refused', reason: 'settings-unavailable' });
    expect(sent(s.fake)).toEqual([TEXT.unavailable]);
    expect(await handleMessageEvent(add('just chatting', {}), s.deps)).toEqual({ kind: 'refused', reason: 'settings-unavailable' });
    expect(sent(s.fake)).toHaveLength(1);
    expect(s.jobs).toEqual([]);
    expect(s.lines.find((l) => l.level === 'error')).toMatchObject({ msg: 'group settings unreadable; message not handled', fields: { groupId: 'G1' } });
  });
});
