/**
 * Per-group agent settings. Defaults come from the bundle config; a stored value that no longer
 * validates falls back to defaults field by field instead of disabling the agent.
 *
 * Where they are kept is a backend: the plugin's own collection in Tailchat's MongoDB
 * (bridge/store/settings.ts) whenever the bundle has a database, else Tailchat's group data
 * (`group.extra`, below) — only bot mode and deployments without a database, because group data
 * is readable by anyone who knows the group id and writable with Tailchat's `core.groupConfig`.
 */
import { groupSettings, type GroupSettings } from '../../protocol/actions.js';
import type { TailchatHost } from '../tailchat/host.js';

export const SETTINGS_DATA_NAME = 'com.yourcompany.ai.settings';
/** Tailchat's system user passes group.extra's own core.groupConfig check; ours ran before. */
const SYSTEM_USER_ID = '000000000000000000000000';

/** Where a group's settings document lives; it is validated on the way out, not here. */
export interface SettingsBackend {
  readonly kind: 'mongo' | 'group-data';
  read(groupId: string): Promise<unknown>;
  write(groupId: string, settings: GroupSettings): Promise<void>;
}

/** The fields of a stored document that are settings and still valid; the rest is dropped. */
export function validSettingsFields(stored: unknown): Partial<GroupSettings> {
  const out: Record<string, unknown> = {};
  if (stored && typeof stored === 'object' && !Array.isArray(stored)) {
    const shape = groupSettings.shape;
    for (const [key, value] of Object.entries(stored)) {
      const field = Object.hasOwn(shape, key) ? shape[key as keyof typeof shape] : undefined;
      if (field && field.safeParse(value).success) out[key] = value;
    }
  }
  return out as Partial<GroupSettings>;
}

export function mergeSettings(defaults: GroupSettings, stored: unknown): GroupSettings {
  return groupSettings.parse({ ...defaults, ...validSettingsFields(stored) });
}

export function groupDataSettingsBackend(host: Pick<TailchatHost, 'getGroupData' | 'saveGroupData'>): SettingsBackend {
  return {
    kind: 'group-data',
    async read(groupId) {
      const raw = await host.getGroupData(groupId, SETTINGS_DATA_NAME);
      if (!raw) return undefined;
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return undefined;
      }
    },
    async write(groupId, settings) {
      await host.saveGroupData(groupId, SETTINGS_DATA_NAME, JSON.stringify(settings), SYSTEM_USER_ID);
    },
  };
}

export function createSettingsStore(backend: SettingsBackend, defaults: GroupSettings) {
  return {
    kind: backend.kind,
    async get(groupId: string): Promise<GroupSettings> {
      const stored = await backend.read(groupId);
      return stored === undefined ? defaults : mergeSettings(defaults, stored);
    },
    async save(groupId: string, patch: Partial<GroupSettings>): Promise<GroupSettings> {
      const next = mergeSettings(await this.get(groupId), patch);
      await backend.write(groupId, next);
      return next;
    },
  };
}

/** Settings in Tailchat's group data (bot mode; no database). */
export function createGroupSettingsStore(host: Pick<TailchatHost, 'getGroupData' | 'saveGroupData'>, defaults: GroupSettings) {
  return createSettingsStore(groupDataSettingsBackend(host), defaults);
}

export type GroupSettingsStore = ReturnType<typeof createSettingsStore>;
