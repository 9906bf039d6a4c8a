/**
 * The agents of the chat service: their bot users resolved once, which agents each group has, and
 * the scan of Tailchat's groups that brings the default agents into every group (at start-up: the
 * upgrade's migration; then every `scanMs`: groups created since). The scan needs the plugin's
 * database (Tailchat's, where its `groups` collection is); without it the default agents join a
 * group when its first message is seen (bridge/agents/default-joins.ts).
 */
import type { ServiceBroker } from 'moleculer';
import type { Db } from 'mongodb';
import { createDefaultJoins, createMemoryJoinRecords, type DefaultJoins } from '../bridge/agents/default-joins.js';
import { resolveAgentDirectory, type AgentDirectory } from '../bridge/agents/directory.js';
import { createGroupAgents, type GroupAgents } from '../bridge/agents/membership.js';
import type { Roster } from '../bridge/agents/roster.js';
import { createGroupIdReader, scanGroups } from '../bridge/agents/tailchat-groups.js';
import type { EngineLogger } from '../bridge/engine/logger.js';
import type { GroupSettingsStore } from '../bridge/settings/group-settings.js';
import { createMongoJoinRecords } from '../bridge/store/agent-joins.js';
import type { TailchatHost } from '../bridge/tailchat/host.js';

export interface ChatAgents {
  directory: AgentDirectory;
  groupAgents: GroupAgents;
  defaultJoins: DefaultJoins;
}

export interface ChatAgentsOptions {
  broker: ServiceBroker;
  host: TailchatHost;
  roster: Roster;
  settings: GroupSettingsStore;
  /** Tailchat's database (the plugin store's); absent = join records in memory, no scan. */
  db?: Db;
  /** How often the groups are scanned for new ones (0 = only at start-up). */
  scanMs: number;
  logger: EngineLogger;
  /** Settles when group settings may be read (earlier versions' group data moved). */
  ready(): Promise<void>;
}

/** Resolves the agents' bot users (waits for Tailchat's `user` service; retried by the caller on failure). */
export async function resolveChatAgents(o: ChatAgentsOptions): Promise<ChatAgents> {
  await o.broker.waitForServices(['user'], 60_000);
  const directory = await resolveAgentDirectory(o.host, o.roster);
  const groupAgents = createGroupAgents({ host: o.host, directory });
  const defaultJoins = createDefaultJoins({
    records: o.db ? createMongoJoinRecords(o.db) : createMemoryJoinRecords(),
    groupAgents,
    directory,
    settings: o.settings,
    node: o.broker.nodeID,
    logger: o.logger,
  });
  return { directory, groupAgents, defaultJoins };
}

/** The scan on a timer; returns its stop. Nothing to do without the database or without joining agents. */
export function startGroupScan(o: ChatAgentsOptions, agents: () => Promise<ChatAgents>): () => Promise<void> {
  if (!o.db || !o.roster.agents.some((a) => a.joinGroups)) return async () => undefined;
  const reader = createGroupIdReader(o.db);
  const scan: { position?: string } = {};
  let stopped = false;
  let running: Promise<void> | undefined;
  const pass = async () => {
    try {
      await o.ready();
      await o.broker.waitForServices(['group'], 60_000);
      const { defaultJoins } = await agents();
      const before = scan.position;
      await scanGroups(reader, scan, (groupId) => defaultJoins.ensure(groupId));
      if (before === undefined) o.logger.info('agents: every group scanned for its default agents');
    } catch (err) {
      o.logger.warn('agents: group scan failed; going on from there at the next one', { error: err instanceof Error ? err.message : String(err) });
    }
  };
  const run = () => {
    if (stopped || running) return;
    running = pass().finally(() => (running = undefined));
  };
  run();
  const timer = o.scanMs > 0 ? setInterval(run, o.scanMs) : undefined;
  timer?.unref();
  return async () => {
    stopped = true;
    if (timer) clearInterval(timer);
    await running;
  };
}
