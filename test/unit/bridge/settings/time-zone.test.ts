/** The group setting `timeZone` (protocol/actions.ts, bridge/settings/group-settings.ts): set, refused, taken back. */
import { describe, expect, it } from 'vitest';
import { groupSettings, saveGroupSettingsParams, type GroupSettings } from '../../../../protocol/actions.js';
import { createSettingsStore, type SettingsBackend } from '../../../../bridge/settings/group-settings.js';

const DEFAULTS: GroupSettings = { enabled: true, engine: 'scripted', agentId: 'main', trigger: 'mention', prefix: '/ai', allMessagesPanels: [], sessionScope: 'panel' };

function memoryStore() {
  const docs = new Map<string, GroupSettings>();
  const backend: SettingsBackend = { kind: 'mongo', read: async (id) => docs.get(id), write: async (id, s) => void docs.set(id, s) };
  return createSettingsStore(backend, DEFAULTS);
}

describe('the group setting timeZone', () => {
  it('keeps an IANA zone', async () => {
    const store = memoryStore();
    expect((await store.save('g1', { timeZone: 'Europe/Vienna' })).timeZone).toBe('Europe/Vienna');
    expect((await store.get('g1')).timeZone).toBe('Europe/Vienna');
  });

  it('refuses a name that is not a zone, in words the settings panel shows', () => {
    const result = saveGroupSettingsParams.safeParse({ groupId: 'g1', settings: { timeZone: 'Mars/Olympus_Mons' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['settings', 'timeZone'], message: 'must be an IANA time zone, e.g. Europe/Vienna' });
  });

  it('null takes the zone back (the server\'s zone again); leaving it out keeps it', async () => {
    const store = memoryStore();
    await store.save('g1', { timeZone: 'Asia/Shanghai' });
    expect((await store.save('g1', { enabled: false })).timeZone).toBe('Asia/Shanghai');
    expect(groupSettings.shape.timeZone.safeParse(null).success).toBe(true);
    expect((await store.save('g1', { timeZone: null })).timeZone ?? undefined).toBeUndefined();
  });
});
