/**
 * Which agents a place offers starter prompts for, and the message a chosen prompt becomes.
 * No host imports: unit tests import this file.
 */
import type { AgentView, GroupAgentsView } from '../../../../protocol/actions';
import type { KnownAgents } from '../agents';

/** In a group: the agents that are members (only they answer there) and have prompts, in the config's order. */
export function groupStarterAgents(view: Pick<GroupAgentsView, 'agents'>): AgentView[] {
  return view.agents.filter((a) => a.member && a.starterPrompts.length > 0).map(({ member: _member, ...agent }) => agent);
}

/** In a DM (or a multi-person DM): the agents whose bot is one of its members. */
export function dmAgents(known: KnownAgents, members: readonly string[]): AgentView[] {
  return known.agents.filter((a) => known.userIds.has(a.userId) && members.includes(a.userId));
}

export interface StarterMessage {
  content: string;
  meta?: { mentions: string[] };
}

/**
 * A prompt for an agent in a group: a real mention, exactly what Tailchat's @ picker puts in the
 * message (`[at=<userId>]<nickname>[/at] ` and `meta.mentions`), so the server and every client
 * read it as one. Brackets in a nickname would end the tag early: they are left out of its text.
 */
export function groupStarterMessage(agent: Pick<AgentView, 'userId' | 'nickname'>, prompt: string): StarterMessage {
  const name = agent.nickname.replace(/[[\]]/g, '') || agent.userId;
  return { content: `[at=${agent.userId}]${name}[/at] ${prompt}`, meta: { mentions: [agent.userId] } };
}

/** In a DM every message is for the agent: the prompt as it reads. */
export function dmStarterMessage(prompt: string): StarterMessage {
  return { content: prompt };
}

/**
 * Starter chips belong where the conversation begins: shown until someone who is not an agent
 * has written in the DM (an agent's greeting alone does not end the start).
 */
export function dmConversationStarting(messages: ReadonlyArray<{ author?: string }> | undefined, agentUsers: ReadonlySet<string>): boolean {
  return (messages ?? []).every((m) => typeof m.author === 'string' && agentUsers.has(m.author));
}
