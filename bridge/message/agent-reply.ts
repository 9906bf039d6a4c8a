/**
 * The one rule for our meta on stored messages: `meta['com.yourcompany.ai']` speaks for the agent
 * only on a message written by one of the agent's bot users. Tailchat stores whatever meta a
 * member sends, so the same meta on anyone else's message is that member's text and nothing more:
 * never a reply of a run, an attempt of a prompt, or a stored final. Every server path that reads
 * our meta from a stored message goes through here.
 */
import { z } from 'zod';
import { AI_META_KEY } from '../../protocol/blocks.js';

/** The bot user ids that speak for the agent (one today; the agents issue adds more). */
export type AgentUsers = readonly string[];

/** What the server needs of a stored reply's meta; the panels validate the whole of it. */
const replyRef = z.looseObject({
  runId: z.string().min(1),
  part: z.looseObject({ index: z.number().int().min(1) }).optional().catch(undefined),
});

export interface AgentReplyRef {
  runId: string;
  /** 1 unless the reply was split over several messages. */
  partIndex: number;
}

interface StoredMessage {
  author?: string | null;
  meta?: Record<string, unknown> | null;
}

/** True when the message carries our meta at all (from anyone). */
export function carriesAgentMeta(meta: Record<string, unknown> | null | undefined): boolean {
  const value = meta?.[AI_META_KEY];
  return typeof value === 'object' && value !== null;
}

/** The run a stored message is a reply of, only when an agent's bot user wrote it. */
export function agentReplyOf(message: StoredMessage, agents: AgentUsers): AgentReplyRef | undefined {
  if (!message.author || !agents.includes(message.author)) return undefined;
  const parsed = replyRef.safeParse(message.meta?.[AI_META_KEY]);
  if (!parsed.success) return undefined;
  return { runId: parsed.data.runId, partIndex: parsed.data.part?.index ?? 1 };
}
