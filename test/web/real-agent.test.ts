/**
 * Everything real: the Tailchat server and its web client (kit), the bundle's own service
 * process (scripted engine, offline) and this plugin pre-installed in the browser.
 * - a mention gets a reply that streams live into the panels and ends as one stored message;
 * - Stop in the UI aborts a running reply through the backend;
 * - the group settings page loads and saves through the backend.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBundleProcess, type BundleProcess } from '../support/bundle-process.js';
import { BOT_NICKNAME, botUserIdOn } from '../support/conversation.js';
import { TailchatApi, createUser, type TestUser } from '../tailchat/api.js';
import { startTailchat, waitForHealthServices, type TailchatInstance } from '../tailchat/kit.js';
import { openGroupSettings, openRealClient, waitForChat, webClientFiles, type RealClient } from './support/real-client.js';
import { SHOTS } from './support/webhost.js';

let tc: TailchatInstance;
let bundle: BundleProcess;
let client: RealClient;
let page: Page;
let api: TailchatApi;
let alice: TestUser;
let groupId: string;
let panelId: string;
let botUserId: string;

beforeAll(async () => {
  tc = await startTailchat({ label: 'web-agent', ...webClientFiles(), waitForServices: ['gateway', 'user', 'group', 'chat.message'] });
  bundle = startBundleProcess(
    { TRANSPORTER: tc.transporter, TAILCHAT_NAMESPACE: tc.namespace, AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '60', AI_STREAM_INTERVAL_MS: '150' },
    'bundle-web'
  );
  await waitForHealthServices(tc.url, ['plugin:com.yourcompany.ai', 'plugin:com.yourcompany.ai.runner'], 60_000);
  api = new TailchatApi(tc.url);
  alice = await createUser(api, 'alice');
  ({ groupId, textPanelId: panelId } = await api.createGroup(alice.token, 'Agent group'));
  botUserId = await botUserIdOn(tc);

  client = await openRealClient(tc.url, alice.token, `/main/group/${groupId}/${panelId}`);
  page = client.page;
}, 300_000);

afterAll(async () => {
  await client?.close().catch(() => {});
  await bundle?.stop();
  await tc?.stop();
});

function ask(text: string) {
  return api.sendMessage(alice.token, {
    converseId: panelId,
    groupId,
    content: `[at=${botUserId}]${BOT_NICKNAME}[/at] ${text}`,
    meta: { mentions: [botUserId] },
  });
}

describe('real agent in the real web client', () => {
  it('streams a reply into the panels and ends with one stored message', async () => {
    await ask('please use a tool and show some code');
    const reply = page.locator('[data-testid="tcai-message"]').last();
    // The draft: live status with Stop, a tool card, text growing.
    await page.locator('[data-testid="tcai-message"][data-run-status="streaming"]').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/70-agent-streaming.png` });
    await page.locator('[data-testid="tcai-message"][data-run-status="done"]').first().waitFor({ timeout: 30_000 });
    expect(await reply.locator('[data-testid="tcai-tool"]').getAttribute('data-status')).toBe('succeeded');
    // The fenced code of the reply is highlighted (as a markdown fence or a `code` block: the backend decides).
    await reply.locator('[data-testid="tcai-code"] .token.keyword').first().waitFor();
    expect(await reply.locator('[data-testid="tcai-badge"]').getAttribute('data-kind')).toBe('demo');
    expect(await reply.innerText()).toContain('You said: "please use a tool and show some code"');
    expect(await page.locator('[data-testid="tcai-message"][data-run-status="streaming"]').count()).toBe(0);
    expect(await page.locator('[data-testid="tcai-message"]').count()).toBe(1); // the draft is gone
    await page.screenshot({ path: `${SHOTS}/71-agent-done.png` });
  });

  it('Stop in the UI aborts a running reply', async () => {
    await ask('slow please');
    const stop = page.locator('[data-testid="tcai-message"][data-run-status="streaming"] [data-testid="tcai-stop"]');
    await stop.waitFor({ timeout: 30_000 });
    const request = page.waitForResponse((r) => r.url().endsWith('/api/plugin:com.yourcompany.ai/stopRun'));
    await stop.click();
    expect((await request).status()).toBe(200);
    await page.locator('[data-testid="tcai-message"][data-run-status="aborted"]').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/72-agent-stopped.png` });
  });

  it('loads and saves the group settings through the backend', async () => {
    const openSettings = async () => {
      await openGroupSettings(page);
      const form = page.locator('[data-testid="tcai-settings"]');
      await form.waitFor({ timeout: 15_000 });
      return form;
    };
    let form = await openSettings();
    expect(await form.locator('[data-testid="tcai-settings-enabled"]').isChecked()).toBe(true);
    expect(await form.locator('[data-testid="tcai-settings-readonly"]').count()).toBe(0); // the owner may configure
    await form.locator('[data-testid="tcai-settings-scope-thread"]').check();
    await form.locator('[data-testid="tcai-settings-agent"]').fill('reviewer');
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/plugin:com.yourcompany.ai/saveGroupSettings'));
    await form.locator('[data-testid="tcai-settings-save"]').click();
    expect((await saved).status()).toBe(200);
    await page.waitForTimeout(300); // the success toast, for the screenshot
    await page.screenshot({ path: `${SHOTS}/73-agent-settings-saved.png` });

    // Stored by the backend: a fresh page load shows the saved values.
    await page.reload();
    await waitForChat(page);
    form = await openSettings();
    expect(await form.locator('[data-testid="tcai-settings-scope-thread"]').isChecked()).toBe(true);
    expect(await form.locator('[data-testid="tcai-settings-agent"]').inputValue()).toBe('reviewer');
  });
});
