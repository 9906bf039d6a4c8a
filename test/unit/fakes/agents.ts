/**
 * The agents of a unit test: one agent (today's "AI Assistant") whose bot user is a member of
 * every group, or several, each a member where the test says.
 */
import { directoryOf, type ResolvedAgent } from '../../../bridge/agents/directory.js';
import { botModeGroupAgents, type GroupAgents } from '../../../bridge/agents/membership.js';
import { LEGACY_AGENT_ID } from '../../../bridge/agents/roster.js';

export function agent(id: string, userId: string, nickname: string, extra: Partial<ResolvedAgent> = {}): ResolvedAgent {
  return { id, botId: `com.yourcompany.ai.${id}`, userId, nickname, starterPrompts: [], joinGroups: false, isDefault: false, ...extra };
}

/** The one agent made of `bot`, a member everywhere. */
export function oneAgent(userId: string, nickname = 'AI Assistant') {
  const only = agent(LEGACY_AGENT_ID, userId, nickname, { botId: 'com.yourcompany.ai', joinGroups: true, isDefault: true });
  return { agents: directoryOf([only]), groupAgents: botModeGroupAgents(only) };
}

/** Several agents (the first is the default); `members` says which agent ids are in which group (any group not listed: all of them). */
export function someAgents(list: ResolvedAgent[], members: Record<string, string[]> = {}): { agents: ReturnType<typeof directoryOf>; groupAgents: GroupAgents } {
  const all = list.map((a, i) => ({ ...a, isDefault: i === 0 }));
  const groupAgents: GroupAgents = {
    membersOf: async (groupId) => all.filter((a) => (members[groupId] ?? all.map((x) => x.id)).includes(a.id)),
    set: async () => true,
    joinedElsewhere: async () => undefined,
    size: () => 0,
  };
  return { agents: directoryOf(all), groupAgents };
}
