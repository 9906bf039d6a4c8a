/**
 * Which agents are members of a group. Membership is the rule: an agent answers in a group only
 * while its bot user is a member there, so Tailchat's own member list, its `@` picker and the
 * bundle agree, and removing the agent (here, or by kicking its bot in Tailchat) stops it.
 *
 * The chat side asks on every message of a group, so the answer is kept for a few seconds per
 * group (a kick in Tailchat's own UI takes effect within `ttlMs`); changes made through the
 * bundle take effect at once on the instance that made them.
 */
import { createExpiringMap } from '../state/expiring-map.js';
import type { TailchatHost } from '../tailchat/host.js';
import type { AgentDirectory, ResolvedAgent } from './directory.js';

export interface GroupAgents {
  /** The agents whose bot users are members of the group (none when the group is gone). */
  membersOf(groupId: string): Promise<ResolvedAgent[]>;
  /** Adds (the bot joins the group) or removes (the bot leaves it); true when something changed. */
  set(groupId: string, agent: ResolvedAgent, member: boolean): Promise<boolean>;
  /**
   * Another instance just added the agent (its default join was seen finishing): kept as a member
   * here at once, since this instance's answer, and Tailchat's own cache, may predate the join.
   */
  joinedElsewhere(groupId: string, agent: ResolvedAgent): Promise<void>;
  /** Groups whose answer is kept (for /metrics). */
  size(): number;
}

export interface GroupAgentsOptions {
  host: Pick<TailchatHost, 'getGroupInfo' | 'addGroupMember' | 'leaveGroup'>;
  directory: AgentDirectory;
  /** How long a group's answer is kept (default 10 s). */
  ttlMs?: number;
  /** Groups kept at most (default 10,000). */
  maxGroups?: number;
}

export class AgentMembershipError extends Error {}

export function createGroupAgents(o: GroupAgentsOptions): GroupAgents {
  const cache = createExpiringMap<string, Promise<ReadonlySet<string>>>({ ttlMs: o.ttlMs ?? 10_000, maxEntries: o.maxGroups ?? 10_000 });
  const agentUsers = new Set(o.directory.userIds);

  const memberUsers = (groupId: string): Promise<ReadonlySet<string>> => {
    let pending = cache.get(groupId);
    if (!pending) {
      pending = o.host.getGroupInfo(groupId).then((group) => new Set((group?.members ?? []).map((m) => m.userId).filter((id) => agentUsers.has(id))));
      // A failed look-up is not kept: the next message asks again.
      pending.catch(() => cache.delete(groupId));
      cache.set(groupId, pending);
    }
    return pending;
  };

  return {
    async membersOf(groupId) {
      const users = await memberUsers(groupId);
      return o.directory.agents.filter((a) => users.has(a.userId));
    },
    async set(groupId, agent, member) {
      const group = await o.host.getGroupInfo(groupId);
      if (!group) throw new AgentMembershipError('That group does not exist.');
      const users = new Set((group.members ?? []).map((m) => m.userId).filter((id) => agentUsers.has(id)));
      const isMember = users.has(agent.userId);
      let changed = false;
      if (member && !isMember) changed = await o.host.addGroupMember(groupId, agent.userId);
      if (!member && isMember) {
        // Tailchat's "quit" by the owner deletes the group: a bot never owns one, but never risk it.
        if (group.owner === agent.userId) throw new AgentMembershipError('The agent owns this group and cannot leave it.');
        await o.host.leaveGroup(groupId, agent.userId);
        changed = true;
      }
      // What we just did is the truth: Tailchat's own cache of the group (a Redis cacher clears it
      // asynchronously) may still answer the old member list for a moment.
      if (member) users.add(agent.userId);
      else users.delete(agent.userId);
      cache.set(groupId, Promise.resolve(users));
      return changed;
    },
    async joinedElsewhere(groupId, agent) {
      const users = new Set(await memberUsers(groupId).catch(() => new Set<string>()));
      users.add(agent.userId);
      cache.set(groupId, Promise.resolve(users));
    },
    size: () => cache.size,
  };
}

/**
 * Bot mode: the app's bot is the one agent, and it hears only the groups it was added to, so it is
 * a member wherever a message comes from. Membership is changed in Tailchat (the group's bot list).
 */
export function botModeGroupAgents(agent: ResolvedAgent): GroupAgents {
  return {
    membersOf: async () => [agent],
    set: async () => {
      throw new AgentMembershipError("In bot mode the app's bot is added to groups in Tailchat itself.");
    },
    joinedElsewhere: async () => undefined,
    size: () => 0,
  };
}
