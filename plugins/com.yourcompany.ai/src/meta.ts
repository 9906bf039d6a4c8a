/**
 * Cheap test run for every message the host renders (no zod here: the entry chunk stays small).
 * Full validation happens in the lazily loaded message view.
 */
import { AI_META_KEY } from './constants';

/** The fields of Tailchat's message payload read here (no host types: unit tests import this file). */
interface MessageLike {
  author?: string;
  meta?: Record<string, unknown>;
}

export function hasAiMeta(message: MessageLike | null | undefined): boolean {
  const meta = message?.meta;
  if (!meta || typeof meta !== 'object') return false;
  const value = (meta as Record<string, unknown>)[AI_META_KEY];
  return typeof value === 'object' && value !== null;
}

/**
 * Whether the message speaks for the agent: our meta on a message of one of the agent users.
 * Any member can post a message with any meta, so on anyone else's message (or while the agent
 * users are not known yet) it is only that message's plain text.
 */
export function isAgentReply(message: MessageLike | null | undefined, agents: ReadonlySet<string> | undefined): boolean {
  return !!message && !!agents && typeof message.author === 'string' && agents.has(message.author) && hasAiMeta(message);
}
