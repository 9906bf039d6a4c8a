/**
 * Group settings in the plugin's own collection: one document per group,
 * `{_id: keyId('group:<groupId>'), groupId, settings, updatedAt}`. Only the plugin's actions
 * (with their `configure` check) reach it; Tailchat's group data does not.
 */
import type { Db } from 'mongodb';
import type { GroupSettings } from '../../protocol/actions.js';
import type { SettingsBackend } from '../settings/group-settings.js';
import { COLLECTIONS, keyId } from './collections.js';

interface SettingsDoc {
  groupId: string;
  settings: Record<string, unknown>;
  updatedAt: Date;
}

export const settingsDocId = (groupId: string) => keyId(`group:${groupId}`);

export function mongoSettingsBackend(db: Db): SettingsBackend & {
  /** Stores `settings` unless the group already has a document (a copy never overwrites newer settings). */
  insertIfAbsent(groupId: string, settings: Record<string, unknown>): Promise<boolean>;
} {
  const col = db.collection<SettingsDoc>(COLLECTIONS.settings);
  return {
    kind: 'mongo',
    async read(groupId) {
      const doc = await col.findOne({ _id: settingsDocId(groupId) }, { projection: { settings: 1 } });
      return doc?.settings;
    },
    async write(groupId, settings: GroupSettings) {
      await col.updateOne({ _id: settingsDocId(groupId) }, { $set: { groupId, settings, updatedAt: new Date() } }, { upsert: true });
    },
    async insertIfAbsent(groupId, settings) {
      const r = await col.updateOne({ _id: settingsDocId(groupId) }, { $setOnInsert: { groupId, settings, updatedAt: new Date() } }, { upsert: true });
      return r.upsertedCount === 1;
    },
  };
}
