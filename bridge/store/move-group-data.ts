/**
 * The one-time move of the plugin's data out of Tailchat's group data (`group.extra`), where
 * earlier versions kept settings, usage and the audit log, into the plugin's own collections.
 * Run by the chat side at every start; after the first it finds nothing left to move.
 *
 * Which groups have such data: read from Tailchat's own `groupextras` collection (the model
 * behind `group.extra`), read-only, by our three names — one query finds every entry, also of
 * groups the bot is not in (`group.getUserGroups` lists only a user's groups, and there is no
 * action that lists all groups). Writes to Tailchat go through its action
 * (`group.extra.saveGroupData`), so Tailchat's cache of `getGroupData` is cleared as well.
 *
 * Safe to run on several instances at once and again after a crash, without unique indexes:
 * every copy is keyed by its source (settings: insert only if the group has none; usage and
 * audit: keys derived from the copied text), so a second copy adds nothing; only then is the
 * entry blanked (`''`: Tailchat has no delete). An entry whose copy failed stays, for the next
 * start.
 */
import type { Db } from 'mongodb';
import { AUDIT_DATA_NAME, readAuditEntry } from '../audit/log.js';
import type { EngineLogger } from '../engine/logger.js';
import { SETTINGS_DATA_NAME, validSettingsFields } from '../settings/group-settings.js';
import { USAGE_DATA_NAME, usageDoc } from '../usage/store.js';
import type { createMongoAuditLog } from './audit.js';
import { digest } from './collections.js';
import type { mongoSettingsBackend } from './settings.js';
import type { createMongoUsageStore } from './usage.js';

/** Tailchat 1.11's collection of `group.extra` data (typegoose model GroupExtra). */
export const GROUP_EXTRA_COLLECTION = 'groupextras';
export const MOVED_NAMES = [SETTINGS_DATA_NAME, USAGE_DATA_NAME, AUDIT_DATA_NAME] as const;

export interface MoveDeps {
  /** Tailchat's database (the plugin's collections live there too). */
  db: Db;
  settings: ReturnType<typeof mongoSettingsBackend>;
  audit: ReturnType<typeof createMongoAuditLog>;
  usage: ReturnType<typeof createMongoUsageStore>;
  /** Empties one group-data entry through Tailchat. */
  blank(groupId: string, name: string): Promise<void>;
  logger: EngineLogger;
}

export interface MoveReport {
  /** Entries copied (or found copied already) and blanked. */
  moved: number;
  /** Entries whose content was not readable: blanked, nothing to copy (earlier versions ignored them too). */
  unreadable: number;
  /** Entries left in place because a step failed (tried again at the next start). */
  failed: number;
}

interface ExtraDoc {
  groupId: unknown;
  panelId?: unknown;
  name: string;
  data?: unknown;
}

/** Copies one entry into the store; false when its content is unreadable. */
async function copyEntry(deps: MoveDeps, groupId: string, name: string, raw: string): Promise<boolean> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return false;
  }
  const source = digest(raw);
  switch (name) {
    case SETTINGS_DATA_NAME: {
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
      await deps.settings.insertIfAbsent(groupId, validSettingsFields(parsed));
      return true;
    }
    case USAGE_DATA_NAME: {
      const doc = usageDoc.safeParse(parsed);
      if (!doc.success) return false;
      for (const [month, counters] of Object.entries(doc.data.months)) await deps.usage.putCopied({ groupId }, month, source, counters);
      return true;
    }
    case AUDIT_DATA_NAME: {
      if (!Array.isArray(parsed)) return false;
      // An entry is about the group whose data held it, whatever it says.
      const entries = parsed.flatMap((e) => readAuditEntry(e) ?? []).map((e) => ({ ...e, groupId }));
      await deps.audit.insertCopied(groupId, source, entries);
      return true;
    }
    default:
      return false;
  }
}

export async function moveGroupDataIntoStore(deps: MoveDeps): Promise<MoveReport> {
  const report: MoveReport = { moved: 0, unreadable: 0, failed: 0 };
  const cursor = deps.db
    .collection<ExtraDoc>(GROUP_EXTRA_COLLECTION)
    .find({ name: { $in: [...MOVED_NAMES] } }, { projection: { groupId: 1, panelId: 1, name: 1, data: 1 } });
  for await (const doc of cursor) {
    if (doc.panelId || typeof doc.data !== 'string' || doc.data === '') continue;
    const groupId = String(doc.groupId);
    try {
      const readable = await copyEntry(deps, groupId, doc.name, doc.data);
      await deps.blank(groupId, doc.name);
      if (readable) report.moved++;
      else report.unreadable++;
    } catch (err) {
      report.failed++;
      deps.logger.warn('group data not moved into the plugin store; tried again at the next start', { groupId, name: doc.name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return report;
}
