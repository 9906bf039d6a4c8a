/**
 * The configured agents as `getAgentUsers` names them, checked by hand (this file ships in the
 * start-up chunk, which may not import zod). No host imports: unit tests import this file.
 */
import type { AgentView } from '../../../protocol/actions';

export type { AgentView };

export interface KnownAgents {
  /** The users whose messages speak for an agent: only their messages render as panels. */
  userIds: ReadonlySet<string>;
  /** Empty when the server names only the users (a backend from before named agents). */
  agents: readonly AgentView[];
}

const text = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** One entry of `agents`, or undefined when it is not an agent view (it is then left out, not fatal). */
function agentViewOf(raw: unknown): AgentView | undefined {
  const a = raw as Partial<Record<keyof AgentView, unknown>> | null;
  if (!a || typeof a !== 'object' || !text(a.agentId) || !text(a.userId) || !text(a.nickname)) return undefined;
  const prompts = Array.isArray(a.starterPrompts) ? a.starterPrompts.filter(text).slice(0, 4) : [];
  return {
    agentId: a.agentId,
    userId: a.userId,
    nickname: a.nickname,
    ...(text(a.avatar) ? { avatar: a.avatar } : {}),
    starterPrompts: prompts,
    isDefault: a.isDefault === true,
  };
}

/** The server's answer (`agentUsersView` in protocol/actions.ts); throws when it names no user. */
export function parseAgentUsers(data: unknown): KnownAgents {
  const body = data as { userIds?: unknown; agents?: unknown } | undefined;
  const ids = body?.userIds;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every(text)) throw new Error('unexpected getAgentUsers answer');
  const userIds = new Set(ids as string[]);
  // An agent whose bot is not among the users does not speak for the agent: never labelled as one.
  const agents = (Array.isArray(body?.agents) ? body.agents : []).map(agentViewOf).filter((a): a is AgentView => !!a && userIds.has(a.userId));
  return { userIds, agents };
}

/** The agent whose bot wrote a message (undefined: not an agent's, or the server did not name it). */
export function agentOfAuthor(known: KnownAgents | undefined, author: string | undefined): AgentView | undefined {
  if (!known || !author || !known.userIds.has(author)) return undefined;
  return known.agents.find((a) => a.userId === author);
}
