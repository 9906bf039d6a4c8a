/**
 * Scheduled tasks in the REAL Tailchat web client (issue #22, items 1 and 2; kit web-dist + real
 * server + the bundle with the scripted engine's in-process schedules). alice owns the group (she
 * holds `schedule`), bob is a member without it:
 * - alice's "/remind in 3 seconds stand-up time" posts its result as the agent, and the page labels
 *   it "Scheduled · stand-up time · set by alice"; the same meta forged on bob's message shows none;
 * - alice's group settings list an "every 2 seconds" task; she pauses it (the row says paused) and
 *   deletes it after confirming (the row is gone); a time zone the server refuses shows its words;
 * - bob's settings list the group's tasks without any button.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_SERVICE } from '../../services/names.js';
import { AI_META_KEY } from '../../protocol/blocks.js';
import { AUTOMATION_ACTIONS, SCHEDULED_META_KEY, type AutomationView } from '../../protocol/automations.js';
import { BOT_NICKNAME } from '../support/conversation.js';
import { startStack, type Stack } from '../support/stack.js';
import type { TailchatApi, TestUser } from '../tailchat/api.js';
import { openGroupSettings, openRealClient, type RealClient } from './support/real-client.js';
import { SHOTS } from './support/webhost.js';

let stack: Stack;
let api: TailchatApi;
let alice: TestUser;
let bob: TestUser;
let client: RealClient;
let page: Page;
let groupId: string;
let panelId: string;
let botUserId: string;

beforeAll(async () => {
  stack = await startStack({
    label: 'web-automations',
    bundle: {
      env: { AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '5', AI_AUTOMATION_MIN_INTERVAL_MS: '1000', AI_AUTOMATION_CATCH_UP_MS: '3000' },
      label: 'bundle-web-automations',
    },
    waitForAgent: false,
    users: ['alice', 'bob'],
    browser: true,
  });
  ({ api, botUserId } = stack);
  ({ alice, bob } = stack.users as { alice: TestUser; bob: TestUser });
  const group = await api.call<{ _id: string; panels: Array<{ id: string; name: string }> }>(
    'group.createGroup',
    { name: 'Automations', panels: [{ id: '00', name: 'general', type: 0 }] },
    alice.token
  );
  groupId = group._id;
  panelId = group.panels.find((p) => p.name === 'general')!.id;
  // Tailchat shows a member the group's detail (where the plugin's settings are) only with core.groupDetail.
  await api.call('group.updateGroupField', { groupId, fieldName: 'fallbackPermissions', fieldValue: ['core.viewPanel', 'core.message', 'core.groupDetail'] }, alice.token);
  await api.joinGroup(alice.token, groupId, bob.token);
  [client] = await Promise.all([openRealClient(stack.tc.url, alice.token, `/main/group/${groupId}/${panelId}`, { browser: stack.browser }), stack.waitForAgent()]);
  page = client.page;
}, 300_000);

afterAll(() => stack?.stop());

/** alice (or `as`) asks the agent in the panel, as the chat input would send a mention. */
const ask = (text: string, as: TestUser = alice) =>
  api.sendMessage(as.token, { converseId: panelId, groupId, content: `[at=${botUserId}]${BOT_NICKNAME}[/at] ${text}`, meta: { mentions: [botUserId] } });

/** The group's tasks as the server lists them. */
const listed = () => api.call<{ automations: AutomationView[] }>(`${CHAT_SERVICE}.${AUTOMATION_ACTIONS.listAutomations}`, { groupId }, alice.token).then((r) => r.automations);

/** The task created from a command naming `name`, once the runner keeps it. */
async function taskNamed(name: string): Promise<AutomationView> {
  let found: AutomationView | undefined;
  await expect.poll(async () => (found = (await listed()).find((a) => a.name === name)), { timeout: 20_000, interval: 300 }).toBeDefined();
  return found!;
}

describe('scheduled tasks in the real web client', () => {
  it('a reminder posts as the agent, labelled with its task and creator; the meta forged on a member\'s message shows no label', async () => {
    await ask('/remind in 3 seconds stand-up time');
    const label = page.locator('[data-testid="tcai-message"] [data-testid="ai-scheduled-label"]');
    await label.first().waitFor({ timeout: 30_000 });
    expect(await label.count()).toBe(1);
    await expect.poll(() => label.innerText(), { timeout: 10_000 }).toBe(`⏰ Scheduled · stand-up time · set by ${alice.nickname}`);
    const panel = page.locator('[data-testid="tcai-message"]').filter({ has: page.locator('[data-testid="ai-scheduled-label"]') });
    expect(await panel.getAttribute('data-run-status')).toBe('done');
    expect(await panel.innerText()).toContain('stand-up time');
    expect(await panel.locator('[data-testid="ai-label"]').innerText()).toContain(BOT_NICKNAME);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/150-scheduled-label.png` });

    // bob posts the same metas on a message of his own: its plain text, and no label.
    await api.sendMessage(bob.token, {
      converseId: panelId,
      groupId,
      content: 'forged reminder from bob',
      meta: {
        [AI_META_KEY]: { v: 1, runId: 'scheduled:forged:1765184400000', engine: 'scripted', status: 'done', blocks: [{ type: 'markdown', text: 'forged' }] },
        [SCHEDULED_META_KEY]: { jobId: 'sj-forged', runId: 'scheduled:forged:1765184400000', name: 'forged task', creatorId: alice.userId },
      },
    });
    await page.getByText('forged reminder from bob').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="ai-scheduled-label"]').count()).toBe(1);
    expect(await page.getByText('forged task').count()).toBe(0);
  });

  it("alice's settings list a recurring task; she pauses it, deletes it after confirming, and a zone the server refuses is shown", async () => {
    await ask('/remind every 2 seconds ping the team');
    const task = await taskNamed('ping the team');
    await openGroupSettings(page);
    const section = page.locator('[data-testid="ai-automations"]');
    const row = section.locator(`[data-testid="ai-automation-row"][data-job-id="${task.jobId}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('[data-testid="ai-automation-human"]').innerText()).toBe('every 2 seconds');
    expect(await row.locator('[data-testid="ai-automation-state"]').innerText()).toBe('Active');
    expect(await row.locator('[data-testid="ai-automation-panel"]').innerText()).toBe('# general');
    expect(await row.innerText()).toContain(alice.nickname);
    expect(await section.locator('[data-testid="ai-automations-howto"]').innerText()).toContain('/remind <when> <what>');
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/151-automations-owner.png` });

    await row.locator('[data-testid="ai-automation-pause"]').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('paused');
    expect(await row.locator('[data-testid="ai-automation-state"]').innerText()).toBe('Paused');
    expect(await row.locator('[data-testid="ai-automation-resume"]').count()).toBe(1);
    expect((await listed()).find((a) => a.jobId === task.jobId)?.state).toBe('paused');

    await row.locator('[data-testid="ai-automation-delete"]').click();
    expect(await row.locator('[data-testid="ai-automation-delete-ask"]').innerText()).toContain('Delete "ping the team"?');
    await row.locator('[data-testid="ai-automation-delete-confirm"]').click();
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    expect((await listed()).some((a) => a.jobId === task.jobId)).toBe(false);

    // The group's zone: the server judges it and its refusal is what the field shows.
    const zone = page.locator('[data-testid="tcai-settings-timezone"]');
    await zone.fill('Mars/Olympus_Mons');
    await page.locator('[data-testid="tcai-settings-save"]').click();
    await page.locator('[data-testid="tcai-settings-error"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="tcai-settings"]').innerText()).toContain('must be an IANA time zone, e.g. Europe/Vienna');
    await zone.fill('Asia/Shanghai');
    await page.locator('[data-testid="tcai-settings-save"]').click();
    await expect
      .poll(async () => (await api.call<{ settings: { timeZone?: string | null } }>(`${CHAT_SERVICE}.getGroupSettings`, { groupId }, alice.token)).settings.timeZone, { timeout: 10_000 })
      .toBe('Asia/Shanghai');
  });

  it("bob's settings list the group's tasks without any button", async () => {
    await ask('/remind in 2 hours water the plants');
    const task = await taskNamed('water the plants');
    const bobClient = await openRealClient(stack.tc.url, bob.token, `/main/group/${groupId}/${panelId}`, { browser: stack.browser });
    try {
      const bobPage = bobClient.page;
      await openGroupSettings(bobPage);
      const section = bobPage.locator('[data-testid="ai-automations"]');
      const row = section.locator(`[data-testid="ai-automation-row"][data-job-id="${task.jobId}"]`);
      await row.waitFor({ timeout: 15_000 });
      expect(await row.locator('[data-testid="ai-automation-state"]').innerText()).toBe('Active');
      // "in 2 hours" from Asia/Shanghai, the zone alice just set.
      expect(await row.locator('[data-testid="ai-automation-next"]').innerText()).toContain('(Asia/Shanghai)');
      expect(await section.locator('[data-testid="ai-automations-readonly"]').count()).toBe(1);
      for (const button of ['ai-automation-pause', 'ai-automation-resume', 'ai-automation-delete']) expect(await section.locator(`[data-testid="${button}"]`).count()).toBe(0);
      await row.scrollIntoViewIfNeeded();
      await bobPage.screenshot({ path: `${SHOTS}/152-automations-member.png` });
    } finally {
      await bobClient.close();
    }
  });
});
