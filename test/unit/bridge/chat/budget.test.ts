/** The monthly token budget on the chat side: prompts and /summarize are refused once used up; commands are not. */
import { agent, oneAgent, someAgents } from '../../fakes/agents.js';
import { describe, expect, it } from 'vitest';
import { handleMessageEvent, type ChatDeps, type RunnerClient } from '../../../../bridge/chat/handle-message.js';
import { createPermissionChecker } from '../../../../bridge/permission/check.js';
import type { RunJob } from '../../../../bridge/run/execute.js';
import { createGroupSettingsStore } from '../../../../bridge/settings/group-settings.js';
import { createBudgetCheck } from '../../../../bridge/usage/budget.js';
import { createGroupDataUsageStore } from '../../../../bridge/usage/store.js';
import { createFakeHost, recordingLogger } from '../../fakes/tailchat-host.js';
import { DEFAULT_ACCESS } from '../../../../bridge/policy/authorize.js';

const BOT = 'bot0000000000000000000001';
const MAY = Date.UTC(2026, 4, 10);
const defaults = { enabled: true, engine: 'scripted', agentId: 'main', trigger: 'mention' as const, prefix: '/ai', allMessagesPanels: [], sessionScope: 'group' as const };

async function setup(budget: number | null, usedTokens: number, o: { agentBudgets?: Record<string, number>; counters?: Record<string, number>; agents?: ReturnType<typeof someAgents> } = {}) {
  const fake = createFakeHost();
  const settings = createGroupSettingsStore(fake.host, defaults);
  await settings.save('G1', { monthlyTokenBudget: budget, ...(o.agentBudgets ? { agentTokenBudgets: o.agentBudgets } : {}) });
  const usage = createGroupDataUsageStore(fake.host);
  await usage.add({ groupId: 'G1' }, '2026-05', { runs: 3, total: usedTokens, ...o.counters });
  const jobs: RunJob[] = [];
  const runner: RunnerClient = { start: async (j) => void jobs.push(j), abortSession: async () => false, reset: async () => {}, stats: async () => 'stats' };
  const { lines, logger } = recordingLogger();
  const deps: ChatDeps = {
    host: fake.host, botUserId: BOT, ...(o.agents ?? oneAgent(BOT)), settings,
    can: createPermissionChecker(fake.host, { invokeByDefault: true }),
    runner, isBot: async () => false, access: DEFAULT_ACCESS, maxPromptChars: 1000, defaultEngine: 'scripted', dmAgentId: 'main', logger,
    budget: createBudgetCheck(usage, async (g) => { const s = await settings.get(g); return { group: s.monthlyTokenBudget ?? null, ...(s.agentTokenBudgets ? { agents: s.agentTokenBudgets } : {}) }; }, logger, () => MAY),
  };
  return { fake, jobs, deps, lines };
}
let n = 0;
const add = (content: string, extra: Record<string, unknown> = {}) => ({
  type: 'add', groupId: 'G1', converseId: 'P1', messageId: `M${++n}`, author: 'U1', content: `[at=${BOT}]AI[/at] ${content}`, meta: { mentions: [BOT] }, ...extra,
});
const sent = (fake: ReturnType<typeof createFakeHost>) => fake.byAction('chat.message.sendMessage').map((c) => c.params.content as string);

describe('monthly token budget', () => {
  it('under budget (or without one) prompts run', async () => {
    for (const [budget, used] of [[10_000, 9_999], [null, 1e9]] as const) {
      const s = await setup(budget, used);
      expect(await handleMessageEvent(add('hello'), s.deps)).toMatchObject({ kind: 'started' });
    }
  });

  it('used up: one clear reply instead of a run, and a log line; /help and /new still work', async () => {
    const s = await setup(50_000, 51_200);
    expect(await handleMessageEvent(add('hello'), s.deps)).toEqual({ kind: 'refused', reason: 'budget' });
    expect(await handleMessageEvent(add('/summarize 10'), s.deps)).toEqual({ kind: 'refused', reason: 'budget' });
    expect(s.jobs).toHaveLength(0);
    expect(sent(s.fake)[0]).toContain('This group has used its AI budget for May 2026 (51,200 of 50,000 tokens). It renews on 2026-06-01; an admin can raise it in the AI settings.');
    expect(s.lines.find((l) => l.msg.includes('budget'))?.fields).toMatchObject({ groupId: 'G1', used: 51_200, budget: 50_000 });
    expect(await handleMessageEvent(add('/help'), s.deps)).toEqual({ kind: 'command', command: 'help' });
    expect(await handleMessageEvent(add('/new'), s.deps)).toEqual({ kind: 'command', command: 'new' });
  });

  it('direct messages have no group budget', async () => {
    const s = await setup(1, 100);
    expect(await handleMessageEvent(add('hello', { groupId: undefined, converseId: 'DM1', meta: {} }), s.deps)).toMatchObject({ kind: 'started' });
  });

  it("an agent's own budget in the group: only that agent stops, and says it is its budget", async () => {
    const REVIEWER = 'bot0000000000000000000002';
    const agents = someAgents([agent('assistant', BOT, 'AI Assistant'), agent('reviewer', REVIEWER, 'Code Reviewer')]);
    const s = await setup(null, 30_000, { agentBudgets: { reviewer: 10_000 }, counters: { 'agent|assistant|total': 19_000, 'agent|reviewer|total': 11_000 }, agents });
    const toReviewer = { content: `[at=${REVIEWER}]R[/at] review`, meta: { mentions: [REVIEWER] } };
    expect(await handleMessageEvent(add('', toReviewer), s.deps)).toEqual({ kind: 'refused', reason: 'budget' });
    expect(sent(s.fake)[0]).toContain('Code Reviewer has used its budget in this group for May 2026 (11,000 of 10,000 tokens)');
    expect(await handleMessageEvent(add('hello'), s.deps)).toMatchObject({ kind: 'started' });
    // The group's own budget still covers every agent.
    const g = await setup(20_000, 30_000, { agentBudgets: { reviewer: 1e9 }, agents });
    expect(await handleMessageEvent(add('', toReviewer), g.deps)).toEqual({ kind: 'refused', reason: 'budget' });
  });
});
