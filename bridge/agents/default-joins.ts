/**
 * Agents join groups by themselves once: the agents configured with `joinGroups` (by default only
 * the first) become members of every group where the assistant is enabled — the groups that
 * existed when this version was installed (the upgrade's migration: their `@` picker offers the
 * agent and they keep working) and every group created later. Once per (group, agent): the join is
 * recorded, so an admin who removed the agent from a group does not see it come back.
 *
 * Two ways in, the same work: the first message this instance sees in a group (so a prompt in a
 * brand-new group is answered, not lost to a race with the scan), and the scan of Tailchat's groups
 * (services/agents-start.ts), which reaches groups nobody wrote in yet. A group whose assistant is
 * switched off is not recorded: it is looked at again, and joined once an admin switches it on.
 */
import type { GroupSettingsStore } from '../settings/group-settings.js';
import type { EngineLogger } from '../engine/logger.js';
import { createExpiringMap } from '../state/expiring-map.js';
import type { AgentDirectory } from './directory.js';
import type { GroupAgents } from './membership.js';

/** The record of which default joins were done, kept in the plugin's database. */
export interface JoinRecords {
  /** Takes (group, agent) for its join; false when it was done, or another instance is doing it. */
  claim(groupId: string, agentId: string, node: string, leaseMs: number): Promise<boolean>;
  done(groupId: string, agentId: string): Promise<void>;
  /** The agents whose join in the group is done. */
  doneIn(groupId: string): Promise<ReadonlySet<string>>;
}

export interface DefaultJoins {
  /** Makes sure the group got its default agents (when its assistant is enabled); cheap once done. */
  ensure(groupId: string): Promise<void>;
  /** Groups known to be done on this instance (for /metrics). */
  size(): number;
}

export interface DefaultJoinsOptions {
  records: JoinRecords;
  groupAgents: GroupAgents;
  directory: AgentDirectory;
  settings: Pick<GroupSettingsStore, 'get'>;
  node: string;
  logger: EngineLogger;
  /** A join another instance took and did not finish in this long is taken over (default 60 s). */
  leaseMs?: number;
  /** How long a message waits for another instance's join of its group to finish (default 5 s). */
  waitForOthersMs?: number;
}

export function createDefaultJoins(o: DefaultJoinsOptions): DefaultJoins {
  const joining = o.directory.agents.filter((a) => a.joinGroups);
  // Groups whose joins are all recorded: the common case costs one lookup in this map.
  const settled = createExpiringMap<string, true>({ ttlMs: 60 * 60_000, maxEntries: 50_000 });
  const inFlight = new Map<string, Promise<void>>();

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** True once the other instance recorded the join (within waitForOthersMs). */
  const joinFinishedElsewhere = async (groupId: string, agentId: string): Promise<boolean> => {
    const until = Date.now() + (o.waitForOthersMs ?? 5_000);
    for (;;) {
      if ((await o.records.doneIn(groupId)).has(agentId)) return true;
      if (Date.now() >= until) return false;
      await sleep(100);
    }
  };

  const work = async (groupId: string): Promise<void> => {
    const done = await o.records.doneIn(groupId);
    const missing = joining.filter((a) => !done.has(a.id));
    if (missing.length === 0) return void settled.set(groupId, true);
    if (!(await o.settings.get(groupId)).enabled) return;
    let all = true;
    for (const agent of missing) {
      if (!(await o.records.claim(groupId, agent.id, o.node, o.leaseMs ?? 60_000))) {
        // Another instance is joining it right now (the first messages of a new group reach
        // several instances at once): wait for that join, so this message is not ignored as
        // "not a member" while the bot is being added.
        if (await joinFinishedElsewhere(groupId, agent.id)) await o.groupAgents.joinedElsewhere(groupId, agent);
        else all = false; // looked at again next time
        continue;
      }
      const joined = await o.groupAgents.set(groupId, agent, true);
      await o.records.done(groupId, agent.id);
      if (joined) o.logger.info('agent joined a group by default', { groupId, agentId: agent.id });
    }
    if (all) settled.set(groupId, true);
  };

  return {
    async ensure(groupId) {
      if (joining.length === 0 || settled.has(groupId)) return;
      let pending = inFlight.get(groupId);
      if (!pending) {
        pending = work(groupId).finally(() => inFlight.delete(groupId));
        inFlight.set(groupId, pending);
      }
      await pending;
    },
    size: () => settled.size,
  };
}

/** Without the plugin's database: the records live as long as the process (README "Agents"). */
export function createMemoryJoinRecords(): JoinRecords {
  const groups = new Map<string, Map<string, 'joining' | 'joined'>>();
  const of = (groupId: string) => groups.get(groupId) ?? groups.set(groupId, new Map()).get(groupId)!;
  return {
    async claim(groupId, agentId) {
      const agents = of(groupId);
      if (agents.has(agentId)) return false;
      agents.set(agentId, 'joining');
      return true;
    },
    async done(groupId, agentId) {
      of(groupId).set(agentId, 'joined');
    },
    async doneIn(groupId) {
      return new Set([...(groups.get(groupId) ?? [])].filter(([, state]) => state === 'joined').map(([agentId]) => agentId));
    },
  };
}
