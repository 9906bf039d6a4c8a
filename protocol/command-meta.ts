/**
 * Meta the web plugin's own actions put on the command message they send for the user
 * ("Summarize unread", "Summarize last 50", "Summarize thread"). It addresses the message to the
 * agent without a mention, and carries what only the browser knows: where the user's read
 * position was when the panel was opened, before the web client marked the panel read.
 */
import { z } from 'zod';

export const AI_COMMAND_META_KEY = 'com.yourcompany.ai.command';

const messageId = z.string().regex(/^[0-9a-f]{24}$/i, 'not a message id');

export const commandMeta = z.object({
  v: z.literal(1),
  /**
   * The last message the user had read in this panel when they opened it: an id; `null` = they
   * had never read it; absent = the browser does not know (the server then reads Tailchat's).
   */
  readUpTo: messageId.nullable().optional(),
});
export type CommandMeta = z.infer<typeof commandMeta>;

/** The command meta of a message, if it carries a valid one. */
export function commandMetaOf(meta: Record<string, unknown> | undefined): CommandMeta | undefined {
  const parsed = commandMeta.safeParse(meta?.[AI_COMMAND_META_KEY]);
  return parsed.success ? parsed.data : undefined;
}
