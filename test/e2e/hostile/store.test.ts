/**
 * Hostile members against the plugin's data on the real Tailchat (issue #18, finding 6). Earlier
 * versions kept group settings, usage and the audit log in Tailchat's group data, which
 * Tailchat 1.11.11 hands to anyone (`group.extra.getGroupData` checks nothing) and lets holders of
 * `core.groupConfig` rewrite (not the plugin's `configure`). Now they live in the plugin's own
 * collections in Tailchat's MongoDB (the bundle gets the kit's MONGO_URL as AI_MONGO_URL):
 * - a non-member reading the group data over HTTP finds none of them;
 * - a member with only `core.groupConfig` rewriting the group data changes nothing the agent does;
 * - data written the old way before the upgrade is moved into the store at start and blanked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_DATA_NAME, auditEntryOf } from '../../../bridge/audit/log.js';
import { SETTINGS_DATA_NAME } from '../../../bridge/settings/group-settings.js';
import { USAGE_DATA_NAME } from '../../../bridge/usage/store.js';
import type { AuditLogPage, UsageReport } from '../../../protocol/admin.js';
import type { GroupSettings } from '../../../protocol/actions.js';
import type { BundleProcess } from '../../support/bundle-process.js';
import type { Conversation } from '../../support/conversation.js';
import { startStack, type Stack } from '../../support/stack.js';
import { CHAT_SERVICE } from '../../../services/names.js';
import { createUser, TailchatApiError, type TestUser } from '../../tailchat/api.js';
import type { TailchatInstance } from '../../tailchat/kit.js';

const PLUGIN = CHAT_SERVICE;
const NAMES = [SETTINGS_DATA_NAME, USAGE_DATA_NAME, AUDIT_DATA_NAME];

let stack: Stack;
let tc: TailchatInstance;
let bundle: BundleProcess;
let conv: Conversation;
let mallory: TestUser;
/** A group whose plugin data was written the old way, before this bundle first started. */
let oldGroupId: string;

const groupData = (groupId: string, name: string, as: TestUser) =>
  conv.api.call<{ data: string | null }>('group.extra.getGroupData', { groupId, name }, as.token).then((r) => r.data);
const settingsOf = async (groupId: string) =>
  (await conv.api.call<{ settings: GroupSettings }>(`${PLUGIN}.getGroupSettings`, { groupId }, conv.alice.token)).settings;

beforeAll(async () => {
  // The bundle starts after the old data is written: a start moves it out of group data.
  stack = await startStack({ label: 'hostile-store', bundle: false, conversation: true });
  ({ tc, conv } = stack);
  mallory = await createUser(conv.api, 'eve');
  // An earlier version of the plugin wrote these (as Tailchat's system user; the owner may too).
  const old = await conv.api.createGroup(conv.alice.token, 'Old AI group');
  oldGroupId = old.groupId;
  const legacy: Record<string, string> = {
    [SETTINGS_DATA_NAME]: JSON.stringify({ enabled: true, trigger: 'prefix', prefix: '/old', approvers: [conv.alice.userId], monthlyTokenBudget: 777 }),
    [USAGE_DATA_NAME]: JSON.stringify({ months: { '2026-04': { runs: 4, input: 300, output: 100, total: 400, [`user|${conv.alice.userId}|runs`]: 4, [`user|${conv.alice.userId}|total`]: 400 } } }),
    [AUDIT_DATA_NAME]: JSON.stringify([auditEntryOf(oldGroupId, conv.alice.userId, 'settings.changed', { changes: { prefix: { from: '/ai', to: '/old' } } }, new Date(Date.UTC(2026, 3, 5)))]),
  };
  for (const [name, data] of Object.entries(legacy)) await conv.api.call('group.extra.saveGroupData', { groupId: oldGroupId, name, data }, conv.alice.token);

  bundle = stack.startBundle({ AI_SCRIPTED_CHUNK_DELAY_MS: '20', AI_STREAM_INTERVAL_MS: '100' }, 'bundle-hostile-store');
  await stack.waitForAgent();
}, 240_000);

afterAll(async () => {
  await stack?.stop();
}, 120_000);

describe("the plugin's data is not in Tailchat's group data", () => {
  it('data written the old way is moved into the store at start, and the group data is blanked', async () => {
    await bundle.waitForOutput(/group data of earlier versions moved into the plugin store/, 60_000);
    expect(await settingsOf(oldGroupId)).toMatchObject({ trigger: 'prefix', prefix: '/old', approvers: [conv.alice.userId], monthlyTokenBudget: 777 });
    const usage = await conv.api.call<UsageReport>(`${PLUGIN}.getUsage`, { groupId: oldGroupId, month: '2026-04' }, conv.alice.token);
    expect(usage.totals).toEqual({ runs: 4, inputTokens: 300, outputTokens: 100, totalTokens: 400 });
    expect(usage.users).toEqual([{ id: conv.alice.userId, runs: 4, inputTokens: 0, outputTokens: 0, totalTokens: 400 }]);
    const audit = await conv.api.call<AuditLogPage>(`${PLUGIN}.getAuditLog`, { groupId: oldGroupId }, conv.alice.token);
    expect(audit.entries).toEqual([{ at: '2026-04-05T00:00:00.000Z', groupId: oldGroupId, actor: conv.alice.userId, action: 'settings.changed', details: { changes: { prefix: { from: '/ai', to: '/old' } } } }]);
    for (const name of NAMES) expect(await groupData(oldGroupId, name, mallory), name).toBe('');
  });

  it("a non-member reading the group's data over HTTP finds none of the plugin's settings, usage or audit log", async () => {
    await conv.api.call(`${PLUGIN}.saveGroupSettings`, { groupId: conv.groupId, settings: { approvers: [conv.alice.userId], monthlyTokenBudget: 123_456 } }, conv.alice.token);
    const prompt = await conv.ask('count me');
    expect((await conv.finalReplyTo(prompt)).content).toContain('You said: "count me"');
    // The run is counted right after its reply is stored.
    await expect.poll(async () => (await conv.api.call<UsageReport>(`${PLUGIN}.getUsage`, { groupId: conv.groupId }, conv.alice.token)).totals.runs, { timeout: 10_000 }).toBe(1);
    expect((await conv.api.call<AuditLogPage>(`${PLUGIN}.getAuditLog`, { groupId: conv.groupId }, conv.alice.token)).entries[0]).toMatchObject({ action: 'settings.changed', actor: conv.alice.userId });

    // eve (mallory) is in no group of theirs; Tailchat answers her anyway, with nothing of ours.
    for (const name of NAMES) expect(await groupData(conv.groupId, name, mallory), name).toBeNull();
    // The plugin's own action checks her.
    await expect(conv.api.call(`${PLUGIN}.getGroupSettings`, { groupId: conv.groupId }, mallory.token)).rejects.toThrow(/HTTP 403|Not a member/);
  });

  it("a member with only Tailchat's core.groupConfig who rewrites the group data changes nothing the agent does", async () => {
    await conv.api.call(`${PLUGIN}.saveGroupSettings`, { groupId: conv.groupId, settings: { enabled: true, approvers: [conv.alice.userId], toolOutput: 'private' } }, conv.alice.token);
    const before = await settingsOf(conv.groupId);
    const roleId = await conv.api.createGroupRole(conv.alice.token, conv.groupId, 'Group config', ['core.groupConfig']);
    await conv.api.appendGroupMemberRoles(conv.alice.token, conv.groupId, [conv.bob.userId], [roleId]);

    // Tailchat lets bob write any group data; the plugin's own action refuses him (no configure).
    const forged = { enabled: false, approvers: [conv.bob.userId], toolOutput: 'everyone', monthlyTokenBudget: 1 };
    await conv.api.call('group.extra.saveGroupData', { groupId: conv.groupId, name: SETTINGS_DATA_NAME, data: JSON.stringify(forged) }, conv.bob.token);
    const refused = await conv.api.call(`${PLUGIN}.saveGroupSettings`, { groupId: conv.groupId, settings: forged }, conv.bob.token).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TailchatApiError);
    expect((refused as TailchatApiError).body).toContain('configure');

    expect(await settingsOf(conv.groupId)).toEqual(before);
    // The agent still answers (enabled, no 1-token budget).
    const prompt = await conv.ask('still here?', conv.bob);
    expect((await conv.finalReplyTo(prompt)).content).toContain('You said: "still here?"');
  });
});
