/**
 * What the chat side does with its stores at start: says which store keeps what (once, in the
 * log), and moves data that earlier versions kept in Tailchat's group data into the plugin's own
 * collections (bridge/store/move-group-data.ts). Kept out of ai.service.ts, which is the message
 * path.
 */
import type { EngineLogger } from '../bridge/engine/logger.js';
import { moveGroupDataIntoStore } from '../bridge/store/move-group-data.js';
import type { PluginStore } from '../bridge/store/plugin-store.js';
import type { TailchatHost } from '../bridge/tailchat/host.js';

/** Tailchat's system user passes group.extra's own core.groupConfig check. */
const SYSTEM_USER_ID = '000000000000000000000000';
/** Settings reads wait for the move at most this long (a slow move must not hold every prompt). */
export const MOVE_GATE_MS = 10_000;

export interface StoreStartDeps {
  store: PluginStore | undefined;
  host: Pick<TailchatHost, 'saveGroupData'>;
  /** Whether AI_REDIS_URL is set (usage and audit go there without a database). */
  redis: boolean;
  /** Resolves once Tailchat's group.extra service answers. */
  tailchatReady: () => Promise<void>;
  logger: EngineLogger;
}

/** Resolves when the move is over, failed, or MOVE_GATE_MS passed; never rejects. */
export function startGroupDataMove(deps: StoreStartDeps): Promise<void> {
  const { store, logger } = deps;
  if (!store) {
    const elsewhere = deps.redis ? 'usage and the audit log in Redis' : 'usage and the audit log in group data too';
    logger.warn(`no plugin database (AI_MONGO_URL): group settings are kept in Tailchat's group data, ${elsewhere}; any member can read group data and holders of core.groupConfig can rewrite it (docs/SECURITY.md)`);
    return Promise.resolve();
  }
  logger.info('plugin data in its own collections in Tailchat\'s MongoDB: group settings, usage, audit log');
  const move = (async () => {
    await deps.tailchatReady();
    const report = await moveGroupDataIntoStore({
      db: store.db,
      settings: store.settings,
      audit: store.audit,
      usage: store.usage,
      blank: (groupId, name) => deps.host.saveGroupData(groupId, name, '', SYSTEM_USER_ID),
      logger,
    });
    if (report.moved + report.unreadable + report.failed > 0) logger.info('group data of earlier versions moved into the plugin store', { ...report });
  })().catch((err) => logger.warn('group data not moved into the plugin store; tried again at the next start', { error: err instanceof Error ? err.message : String(err) }));
  let timer: NodeJS.Timeout | undefined;
  const gate = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, MOVE_GATE_MS);
    timer.unref();
  });
  return Promise.race([move, gate]).finally(() => clearTimeout(timer));
}
