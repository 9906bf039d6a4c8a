/**
 * The agents with their Tailchat bot users: each agent is a plugin bot (`user.ensurePluginBot`),
 * resolved once per process. Both services need it: the chat side to know who a message is for,
 * the runner to post each reply as its agent.
 */
import type { TailchatHost } from '../tailchat/host.js';
import { resolveBotUserId } from '../tailchat/bot-user.js';
import type { AgentRef } from '../trigger/decide.js';
import type { Agent, Roster } from './roster.js';

export interface ResolvedAgent extends Agent {
  userId: string;
}

export interface AgentDirectory {
  readonly agents: readonly ResolvedAgent[];
  readonly defaultAgent: ResolvedAgent;
  /** Every agent's bot user: their messages are the agents' replies (bridge/message/agent-reply.ts). */
  readonly userIds: readonly string[];
  byId(agentId: string): ResolvedAgent | undefined;
  byUserId(userId: string): ResolvedAgent | undefined;
  /** What the trigger needs of some of them. */
  refs(agents?: readonly ResolvedAgent[]): AgentRef[];
}

export function directoryOf(agents: readonly ResolvedAgent[]): AgentDirectory {
  const ids = new Map(agents.map((a) => [a.id, a]));
  const users = new Map(agents.map((a) => [a.userId, a]));
  return {
    agents,
    defaultAgent: agents.find((a) => a.isDefault) ?? agents[0]!,
    userIds: agents.map((a) => a.userId),
    byId: (id) => ids.get(id),
    byUserId: (userId) => users.get(userId),
    refs: (list = agents) => list.map((a) => ({ agentId: a.id, userId: a.userId, nickname: a.nickname })),
  };
}

/** Every agent's bot user made (or found) in Tailchat. */
export async function resolveAgentDirectory(host: Pick<TailchatHost, 'ensurePluginBot'>, roster: Roster): Promise<AgentDirectory> {
  const resolved = await Promise.all(
    roster.agents.map(async (agent) => ({
      ...agent,
      userId: await resolveBotUserId(host, { id: agent.botId, nickname: agent.nickname, ...(agent.avatar ? { avatar: agent.avatar } : {}) }),
    })),
  );
  return directoryOf(resolved);
}
