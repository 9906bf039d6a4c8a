/**
 * The groups as the bot sees them. Over HTTP the bot cannot ask Tailchat for another member's
 * permissions (`group.getUserAllPermissions` and `group.getGroupInfo` are broker-only), but it
 * does see its own groups in full: owner, members with their role ids, roles with their
 * permissions, and the group's fallback permissions (`group.getUserGroups`). Permissions are
 * computed from that exactly as Tailchat's `getGroupUserPermission` does for non-owners.
 *
 * Kept fresh by Tailchat's own pushes to the group room (`notify:group.updateInfo` carries the
 * whole group after every role, member or panel change; `…add` / `…remove` when the bot joins
 * or leaves), reloaded after every (re)connect (pushes may have been missed), on a miss, and
 * after maxAgeMs as a safety net.
 */
import { z } from 'zod';
import type { Logger } from '../run/execute.js';
import type { OpenPlatformClient } from './client.js';
import { groupView, type GroupView } from './schemas.js';

export interface GroupDirectoryOptions {
  logger: Logger;
  /** Reload everything at least this often (default 60 s). */
  maxAgeMs?: number;
  /** A group not in the directory triggers at most one reload per this interval (default 1 s). */
  missReloadMs?: number;
  now?: () => number;
}

export class NotAMemberError extends Error {
  constructor(groupId: string, userId: string) {
    super(`user ${userId} is not a member of group ${groupId} (as the bot sees it)`);
    this.name = 'NotAMemberError';
  }
}

export interface GroupDirectory {
  get(groupId: string): Promise<GroupView | undefined>;
  /** The user's permission keys in the group; throws NotAMemberError. */
  permissionsOf(groupId: string, userId: string): Promise<string[]>;
  reload(): Promise<void>;
  size(): number;
}

export function createGroupDirectory(client: Pick<OpenPlatformClient, 'call' | 'onEvent' | 'onConnected'>, o: GroupDirectoryOptions): GroupDirectory {
  const now = o.now ?? Date.now;
  const maxAgeMs = o.maxAgeMs ?? 60_000;
  const missReloadMs = o.missReloadMs ?? 1000;
  const groups = new Map<string, GroupView>();
  let loadedAt = -Infinity;
  let loading: Promise<void> | undefined;
  /** Bumped by every push: a reload that started before a push must not overwrite it. */
  let version = 0;

  const reload = (): Promise<void> => {
    loading ??= (async () => {
      const startedAt = version;
      try {
        const list = await client.call('group.getUserGroups', {}, z.array(z.unknown()));
        const next = new Map<string, GroupView>();
        for (const raw of list) {
          const g = groupView.safeParse(raw);
          if (g.success) next.set(g.data._id, g.data);
          else o.logger.warn('ignored a group the bot cannot read', { error: g.error.issues[0]?.message });
        }
        if (version === startedAt) {
          groups.clear();
          for (const [id, g] of next) groups.set(id, g);
        } else {
          for (const [id, g] of next) if (!groups.has(id)) groups.set(id, g);
        }
        loadedAt = now();
      } finally {
        loading = undefined;
      }
    })();
    return loading;
  };

  const put = (raw: unknown) => {
    const g = groupView.safeParse(raw);
    if (!g.success) return;
    version++;
    groups.set(g.data._id, g.data);
  };
  client.onEvent('notify:group.updateInfo', put);
  client.onEvent('notify:group.add', put);
  client.onEvent('notify:group.remove', (data) => {
    const id = (data as { groupId?: unknown } | null)?.groupId;
    if (typeof id === 'string') {
      version++;
      groups.delete(id);
    }
  });
  client.onConnected(() => reload());

  const get = async (groupId: string): Promise<GroupView | undefined> => {
    if (loading) await loading;
    if (now() - loadedAt > maxAgeMs) await reload();
    if (!groups.has(groupId) && now() - loadedAt > missReloadMs) await reload();
    return groups.get(groupId);
  };

  return {
    get,
    async permissionsOf(groupId, userId) {
      const g = await get(groupId);
      const member = g?.members.find((m) => m.userId === userId);
      if (!g || !member) throw new NotAMemberError(groupId, userId);
      const byRole = member.roles.flatMap((roleId) => g.roles.find((r) => r._id === roleId)?.permissions ?? []);
      return [...new Set([...byRole, ...g.fallbackPermissions])];
    },
    reload,
    size: () => groups.size,
  };
}
