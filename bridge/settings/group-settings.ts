/**
 * Per-group agent settings, stored in Tailchat's own group data (`group.extra`), so they live and
 * are backed up with the group. Defaults come from the bundle config; a stored value that no
 * longer validates falls back to defaults field by field instead of disabling the agent.
 */
import { groupSettings, type GroupSettings } from '../../protocol/actions.js';
import type { TailchatHost } from '../tailchat/host.js';

export const SETTINGS_DATA_NAME = 'com.yourcompany.ai.settings';
/** Tailchat's system user passes group.extra's own core.groupConfig check; ours ran before. */
const SYSTEM_USER_ID = '000000000000000000000000';

export function mergeSettings(defaults: GroupSettings, stored: unknown): GroupSettings {
  const merged: Record<string, unknown> = { ...defaults };
  if (stored && typeof stored === 'object') {
    const shape = groupSettings.shape;
    for (const [key, value] of Object.entries(stored)) {
      const field = shape[key as keyof typeof shape];
      if (field && field.safeParse(value).success) merged[key] = value;
    }
  }
  return groupSettings.parse(merged);
}

export function createGroupSettingsStore(host: TailchatHost, defaults: GroupSettings) {
  return {
    async get(groupId: string): Promise<GroupSettings> {
      const raw = await host.getGroupData(groupId, SETTINGS_DATA_NAME);
      if (!raw) return defaults;
      try {
        return mergeSettings(defaults, JSON.parse(raw));
      } catch {
        return defaults;
      }
    },
    async save(groupId: string, patch: Partial<GroupSettings>): Promise<GroupSettings> {
      const next = mergeSettings(await this.get(groupId), patch);
      await host.saveGroupData(groupId, SETTINGS_DATA_NAME, JSON.stringify(next), SYSTEM_USER_ID);
      return next;
    },
  };
}

export type GroupSettingsStore = ReturnType<typeof createGroupSettingsStore>;
