/**
 * The one rule for every read the plugin does on behalf of a user (summaries, history pages,
 * Regenerate, attachments of a prompt): this user may see this converse, and the converse belongs
 * to the group the message names.
 *
 * Tailchat does not enforce either for us: `chat.message.fetchConverseMessage` checks nothing,
 * `sendMessage` checks membership of the group the caller *names*, not that the converse is one
 * of its panels (a member of group A can post into a panel of group B, or into someone else's DM,
 * by naming A), and the plugin's bot may read everything. So the `groupId`/`converseId` pair of a
 * message is a claim, checked here against the group's own panel list.
 *
 * Readers take a `ReadGrant`, which only `checkRead` hands out: a read path that skipped the
 * check does not compile.
 */
import type { TailchatHost } from '../tailchat/host.js';

export type ReadRefusal =
  /** The group does not exist, or Tailchat could not say. */
  | 'no-group'
  | 'not-in-group'
  /** The converse is not a panel of the group the message names. */
  | 'converse-not-in-group'
  | 'not-converse-member';

declare const granted: unique symbol;

/** Proof that `userId` may read `converseId` (of `groupId`); made only by checkRead. */
export interface ReadGrant {
  readonly userId: string;
  readonly converseId: string;
  readonly groupId?: string;
  readonly [granted]: true;
}

export type ReadCheck = { allowed: true; grant: ReadGrant } | { allowed: false; reason: ReadRefusal };

export interface ReadRequest {
  userId: string;
  converseId: string;
  /** Absent: a direct message (its members are the readers). */
  groupId?: string | undefined;
}

export type ReadHost = Pick<TailchatHost, 'getGroupInfo' | 'getUserPermissions' | 'isConverseMember'>;

/** Fails closed: anything Tailchat cannot confirm is a refusal. */
export async function checkRead(host: ReadHost, who: ReadRequest): Promise<ReadCheck> {
  const refuse = (reason: ReadRefusal): ReadCheck => ({ allowed: false, reason });
  if (who.groupId === undefined) {
    if (!(await host.isConverseMember(who.converseId, who.userId))) return refuse('not-converse-member');
    return { allowed: true, grant: { userId: who.userId, converseId: who.converseId } as ReadGrant };
  }
  const group = await host.getGroupInfo(who.groupId).catch(() => null);
  if (!group) return refuse('no-group');
  // Membership as the permission checker sees it (Tailchat throws for non-members), so
  // "member" means the same thing for invoking and for reading.
  const member = await host.getUserPermissions(who.groupId, who.userId).then(
    () => true,
    () => false,
  );
  if (!member) return refuse('not-in-group');
  if (!(group.panels ?? []).some((p) => p.id === who.converseId)) return refuse('converse-not-in-group');
  return { allowed: true, grant: { userId: who.userId, converseId: who.converseId, groupId: who.groupId } as ReadGrant };
}

/**
 * The stored content of one message of the granted converse, or undefined (not found, not
 * readable, or in another converse). For what a prompt refers to by id (`meta.reply._id`): the
 * copy in `meta.reply.content` is whatever the sender wrote there.
 */
export async function readMessageIn(host: Pick<TailchatHost, 'getMessage'>, grant: ReadGrant, messageId: string): Promise<string | undefined> {
  const message = await host.getMessage(messageId, grant.userId).catch(() => undefined);
  return message && message.converseId === grant.converseId ? message.content : undefined;
}
