/**
 * The TailchatHost of bot mode: the same typed host the in-cluster service uses
 * (bridge/tailchat/host.ts), over the open platform's HTTP API as the bot instead of over the
 * broker. What HTTP cannot reach is provided differently:
 *
 * - `group.getUserAllPermissions`, `group.getGroupInfo` (broker-only) → the bot's own view of
 *   the group (groups.ts): the same members, roles and fallback permissions.
 * - `gateway.notify` (broker-only) → no live drafts (`liveDrafts: false`); the reply publisher
 *   then stores only the final message. `notify` itself is a no-op.
 * - `meta.userId` (acting as another user) does not exist over HTTP: everything is done as the
 *   bot. The system user (group settings writes) maps to the bot too, which then needs the
 *   group's "manage group" permission for such a write.
 */
import { SYSTEM_USER_ID } from '../message/incoming.js';
import { createTailchatHost, type BotIdentity, type TailchatHost } from '../tailchat/host.js';
import type { OpenPlatformClient } from './client.js';
import type { GroupDirectory } from './groups.js';

export function createBotModeHost(client: Pick<OpenPlatformClient, 'call'>, botUserId: string, groups: GroupDirectory): TailchatHost {
  const base = createTailchatHost(
    async (action, params, opts) => {
      const as = opts?.meta?.userId;
      if (typeof as === 'string' && as !== botUserId && as !== SYSTEM_USER_ID) {
        throw new Error(`bot mode acts only as the bot itself, not as user ${as} (${action})`);
      }
      return client.call(action, params);
    },
    { liveDrafts: false },
  );
  return {
    ...base,
    async ensurePluginBot(_bot: BotIdentity): Promise<string> {
      // The open-platform login already made (or found) the bot user.
      return botUserId;
    },
    async getUserPermissions(groupId, userId) {
      return groups.permissionsOf(groupId, userId);
    },
    /** Read as the bot (it cannot act as the user); the caller still checks where the message is. */
    async getMessage(messageId) {
      return base.getMessage(messageId, botUserId);
    },
    /** A DM's members as the bot sees them (it cannot ask as the user). */
    async isConverseMember(converseId, userId) {
      return base.getConverseMembers(converseId, botUserId).then(
        (members) => members.includes(userId),
        () => false,
      );
    },
    async getGroupInfo(groupId) {
      const g = await groups.get(groupId);
      return g ? { ...g, members: g.members.map((m) => ({ ...m })) } : null;
    },
    async notify() {
      // Unreachable over HTTP; liveDrafts is false, so the publisher never asks.
    },
  };
}
