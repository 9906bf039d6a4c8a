/**
 * 👍/👎 on agent replies in the REAL Tailchat web client (kit web-dist + real server + the bundle
 * with the scripted engine; the bundle keeps votes in the kit's database, AI_MONGO_URL). alice owns
 * the group, bob is a member without "Configure the AI assistant":
 * - alice votes 👍 under a finished reply; it is still pressed after a reload (kept by the server);
 *   she changes to 👎 with a comment, which also survives a reload;
 * - bob sees the same reply with nothing pressed (votes are per user), votes 👍 himself, and finds
 *   no Feedback section in the group settings;
 * - alice's group settings show the agent's 👍 and 👎 with her comment, and "Show" opens the
 *   reply's panel from another panel.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_NICKNAME } from '../support/conversation.js';
import { startStack, type Stack } from '../support/stack.js';
import type { TailchatApi, TestUser } from '../tailchat/api.js';
import { TailchatWebClient } from '../tailchat/browser.js';
import { openGroupSettings, openRealClient, waitForChat, type RealClient } from './support/real-client.js';
import { SHOTS } from './support/webhost.js';

let stack: Stack;
let api: TailchatApi;
let alice: TestUser;
let bob: TestUser;
let client: RealClient;
let page: Page;
let web: TailchatWebClient;
let groupId: string;
let panelId: string;
let otherPanelId: string;
let botUserId: string;
let runId: string;

beforeAll(async () => {
  stack = await startStack({
    label: 'web-feedback',
    bundle: { env: { AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '10', AI_STREAM_INTERVAL_MS: '150' }, label: 'bundle-web-feedback' },
    waitForAgent: false,
    users: ['alice', 'bob'],
    browser: true,
  });
  ({ api, botUserId } = stack);
  ({ alice, bob } = stack.users as { alice: TestUser; bob: TestUser });
  // Two panels: "Show" in the settings has to bring alice from the other one to the reply's.
  const group = await api.call<{ _id: string; panels: Array<{ id: string; name: string }> }>(
    'group.createGroup',
    { name: 'Feedback', panels: [{ id: '00', name: 'general', type: 0 }, { id: '01', name: 'elsewhere', type: 0 }] },
    alice.token
  );
  groupId = group._id;
  panelId = group.panels.find((p) => p.name === 'general')!.id;
  otherPanelId = group.panels.find((p) => p.name === 'elsewhere')!.id;
  // Tailchat shows a member the group's detail (where the plugin's settings are) only with core.groupDetail.
  await api.call('group.updateGroupField', { groupId, fieldName: 'fallbackPermissions', fieldValue: ['core.viewPanel', 'core.message', 'core.groupDetail'] }, alice.token);
  await api.joinGroup(alice.token, groupId, bob.token);
  [client] = await Promise.all([openRealClient(stack.tc.url, alice.token, `/main/group/${groupId}/${panelId}`, { browser: stack.browser }), stack.waitForAgent()]);
  page = client.page;
  web = new TailchatWebClient(page, stack.tc.url);
}, 300_000);

afterAll(() => stack?.stop());

/** The 👍 or 👎 button under the reply of `runId` on `on`. */
const thumb = (on: Page, which: 'up' | 'down') => on.locator(`[data-testid="tcai-message"][data-run-id="${runId}"] [data-testid="ai-feedback-${which}"]`);

/** A reload shows what the server kept: the bar appears only once the user's votes are loaded. */
async function reload(on: Page): Promise<void> {
  await on.reload();
  await waitForChat(on);
  await thumb(on, 'up').waitFor({ timeout: 30_000 });
}

describe('👍/👎 on agent replies in the real web client', () => {
  it('alice votes 👍, which a reload keeps; she changes to 👎 with a comment, which a reload keeps too', async () => {
    const prompt = await api.sendMessage(alice.token, {
      converseId: panelId,
      groupId,
      content: `[at=${botUserId}]${BOT_NICKNAME}[/at] what is the capital of Peru?`,
      meta: { mentions: [botUserId] },
    });
    runId = `tc-${prompt._id}`;
    await web.aiReply(runId).and(page.locator('[data-run-status="done"]')).waitFor({ timeout: 30_000 });
    await thumb(page, 'up').waitFor({ timeout: 15_000 });
    expect(await thumb(page, 'up').getAttribute('aria-pressed')).toBe('false');
    expect(await thumb(page, 'down').getAttribute('aria-pressed')).toBe('false');

    await thumb(page, 'up').click();
    await expect.poll(() => thumb(page, 'up').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');

    await reload(page);
    expect(await thumb(page, 'up').getAttribute('aria-pressed')).toBe('true');

    await thumb(page, 'down').click();
    const reply = web.aiReply(runId);
    await reply.locator('[data-testid="ai-feedback-comment"]').fill('Lima is right, but the population figure is old.');
    await reply.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/140-feedback-comment.png` });
    await reply.locator('[data-testid="ai-feedback-send"]').click();
    await reply.locator('[data-testid="ai-feedback-thanks"]').waitFor({ timeout: 10_000 });
    expect(await thumb(page, 'down').getAttribute('aria-pressed')).toBe('true');
    expect(await thumb(page, 'up').getAttribute('aria-pressed')).toBe('false');
    expect(await reply.locator('[data-testid="ai-feedback-form"]').count()).toBe(0);

    await reload(page);
    expect(await thumb(page, 'down').getAttribute('aria-pressed')).toBe('true');
    expect(await thumb(page, 'up').getAttribute('aria-pressed')).toBe('false');
  });

  it("bob sees the reply without alice's vote, votes for himself, and has no Feedback section", async () => {
    const bobClient = await openRealClient(stack.tc.url, bob.token, `/main/group/${groupId}/${panelId}`, { browser: stack.browser });
    try {
      const bobPage = bobClient.page;
      await thumb(bobPage, 'up').waitFor({ timeout: 30_000 });
      expect(await thumb(bobPage, 'up').getAttribute('aria-pressed')).toBe('false');
      expect(await thumb(bobPage, 'down').getAttribute('aria-pressed')).toBe('false');
      await thumb(bobPage, 'up').click();
      await expect.poll(() => thumb(bobPage, 'up').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');

      await openGroupSettings(bobPage);
      await bobPage.locator('[data-testid="tcai-settings-readonly"]').waitFor({ timeout: 15_000 });
      expect(await bobPage.locator('[data-testid="ai-feedback-section"]').count()).toBe(0);
    } finally {
      await bobClient.close();
    }
  });

  it("alice's group settings show the agent's votes and her comment; \"Show\" opens the reply's panel", async () => {
    await web.openPanelInSidebar(groupId, otherPanelId);
    await openGroupSettings(page);
    const section = page.locator('[data-testid="ai-feedback-section"]');
    const agent = section.locator('[data-testid="ai-feedback-agent"]');
    await agent.first().waitFor({ timeout: 15_000 });
    expect(await agent.count()).toBe(1);
    expect(await agent.locator('[data-testid="agent"]').innerText()).toBe(BOT_NICKNAME);
    // alice's 👎 and bob's 👍: one vote each, kept apart.
    expect(await agent.locator('[data-testid="up"]').innerText()).toBe('1');
    expect(await agent.locator('[data-testid="down"]').innerText()).toBe('1');
    expect(await agent.locator('[data-testid="rate"]').innerText()).toBe('50%');
    expect(await section.locator('[data-testid="ai-feedback-row"]').count()).toBe(1);

    const down = section.locator(`[data-testid="ai-feedback-down-item"][data-run-id="${runId}"]`);
    expect(await down.count()).toBe(1);
    expect(await down.locator('[data-testid="comment"]').innerText()).toContain('Lima is right, but the population figure is old.');
    expect(await down.locator('[data-testid="agent"]').innerText()).toBe(BOT_NICKNAME);
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/141-feedback-admin.png` });

    await down.locator('[data-testid="ai-feedback-show"]').click();
    await section.waitFor({ state: 'detached', timeout: 15_000 });
    await page.waitForURL(new RegExp(`/main/group/${groupId}/${panelId}$`), { timeout: 15_000 });
    await expect.poll(() => web.aiReply(runId).getAttribute('data-tcai-jumped'), { timeout: 15_000 }).toBe('');
    expect(await web.aiReply(runId).isVisible()).toBe(true);
  });
});
