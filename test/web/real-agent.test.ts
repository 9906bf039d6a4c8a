/**
 * Everything real: the Tailchat server and its web client (kit), the bundle's own service
 * process (scripted engine, offline) and this plugin, in ONE Tailchat + bundle for the file.
 * alice owns the group and has the plugin pre-installed; bob is a member who installs it
 * through the Plugin Store's UI (listed from the server's registry-be.json).
 * - a mention gets a reply that visibly grows in the panels and ends as one stored message;
 * - a reload in the middle of a reply shows the reply growing again, then the final, no draft left;
 * - a diff reply renders as the diff panel and toggles unified/split;
 * - bob installs the plugin from the store, reloads, and sees the replies as rich panels;
 * - an exec approval: bob (no "approve" permission) is refused with a toast, alice (owner)
 *   approves, the exec tool card and the reply follow;
 * - Stop in the UI aborts a running reply;
 * - settings saved in the UI are stored and enforced (disabled: a mention is not answered;
 *   trigger "prefix": a prefixed message without a mention is).
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleProcess } from '../support/bundle-process.js';
import { BOT_NICKNAME } from '../support/conversation.js';
import { TailchatApi, type TestUser } from '../tailchat/api.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';
import { installFromPluginStore, openGroupSettings, openRealClient, waitForChat, type RealClient } from './support/real-client.js';
import { SHOTS } from './support/webhost.js';
import { CHAT_SERVICE } from '../../services/names.js';

let stack: Stack;
let tc: TailchatInstance;
let bundle: BundleProcess;
let client: RealClient;
let bobClient: RealClient | undefined;
let page: Page;
let api: TailchatApi;
let alice: TestUser;
let bob: TestUser;
let groupId: string;
let panelId: string;
let botUserId: string;

beforeAll(async () => {
  stack = await startStack({
    label: 'web-agent',
    bundle: { env: { AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '60', AI_STREAM_INTERVAL_MS: '150' }, label: 'bundle-web' },
    users: ['alice', 'bob'],
    group: { name: 'Agent group', members: ['bob'] },
    client: { user: 'alice' },
  });
  ({ tc, bundle, api, botUserId } = stack);
  ({ alice, bob } = stack.users as { alice: TestUser; bob: TestUser });
  ({ groupId, panelId } = stack.group!);
  client = stack.client;
  page = client.page;
}, 300_000);

afterAll(() => stack?.stop());

function ask(text: string, { mention = true }: { mention?: boolean } = {}) {
  return api.sendMessage(alice.token, {
    converseId: panelId,
    groupId,
    content: mention ? `[at=${botUserId}]${BOT_NICKNAME}[/at] ${text}` : text,
    ...(mention ? { meta: { mentions: [botUserId] } } : {}),
  });
}

/** Run ids on `p`, each with the text of the reply quote of its message (the prompt it answers). */
async function runs(p: Page): Promise<Array<{ runId: string; quote: string }>> {
  return p.locator('[data-testid="tcai-message"]').evaluateAll((els) =>
    els.map((el) => ({
      runId: el.getAttribute('data-run-id') ?? '',
      quote: el.closest('.chat-message-item')?.querySelector('.chat-message-item_quote')?.textContent ?? '',
    }))
  );
}

/**
 * Sends `text` and resolves with the run id of the reply once its first draft is on `p`: the new
 * run whose message quotes `text` (after a reload the history may still be arriving, so "new"
 * alone is not enough).
 */
async function askAndFollow(text: string, p: Page = page, options?: { mention?: boolean }): Promise<string> {
  const before = new Set((await runs(p)).map((r) => r.runId));
  await ask(text, options);
  let runId: string | undefined;
  await expect
    .poll(async () => (runId = (await runs(p)).find((r) => !before.has(r.runId) && r.quote.includes(text))?.runId), { timeout: 30_000 })
    .toBeTruthy();
  return runId as string;
}

/** The reply of `runId` in state `status` (the stored final one for 'done'). */
function reply(runId: string, status?: string, p: Page = page): Locator {
  return p.locator(`[data-testid="tcai-message"][data-run-id="${runId}"]${status ? `[data-run-status="${status}"]` : ''}`);
}

/** The whole Tailchat message item around a reply (for screenshots). */
function itemOf(locator: Locator, p: Page = page): Locator {
  return p.locator('.chat-message-item').filter({ has: locator });
}

async function botMessages(): Promise<Array<{ _id: string; content: string; runId?: string; status?: string }>> {
  return (await api.fetchConverseMessage(alice.token, panelId))
    .filter((m) => m.author === botUserId)
    .map((m) => {
      const meta = m.meta?.['com.yourcompany.ai'] as { runId?: string; status?: string } | undefined;
      return { _id: m._id, content: m.content, runId: meta?.runId, status: meta?.status };
    });
}

describe('real agent in the real web client', () => {
  it('streams a reply that grows in the panels and ends with one stored message', async () => {
    // Sampled in the page (no round trips): the text of the reply's blocks while it streams.
    const sampled = page.evaluate(async () => {
      const lengths: number[] = [];
      const t0 = performance.now();
      while (performance.now() - t0 < 30_000) {
        const streaming = document.querySelector('[data-testid="tcai-message"][data-run-status="streaming"]');
        if (streaming) {
          const text = [...streaming.querySelectorAll('[data-testid="tcai-markdown"], [data-testid="tcai-code"]')].map((el) => el.textContent ?? '').join('');
          if (text.length !== lengths[lengths.length - 1]) lengths.push(text.length);
        } else if (lengths.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return lengths;
    });
    // "slow": a long answer (seconds of stream). Drafts are coalesced (newest state wins, one push
    // in flight), so on a loaded machine a short answer may show only one partial state before
    // its final one; a long one grows on screen in many steps however slow the pushes are.
    const runId = await askAndFollow('please use a tool and show some code, slow');
    await reply(runId, 'streaming').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/70-agent-streaming.png` });
    const done = reply(runId, 'done');
    await done.waitFor({ timeout: 30_000 });

    const lengths = await sampled;
    // At least three different, growing states of the same reply were on screen.
    expect(lengths.length, `observed text lengths ${lengths.join(', ')}`).toBeGreaterThanOrEqual(3);
    expect(lengths.filter((n, i) => i > 0 && n > (lengths[i - 1] as number)).length).toBeGreaterThanOrEqual(2);

    expect(await done.locator('[data-testid="tcai-tool"]').getAttribute('data-status')).toBe('succeeded');
    // The fenced code of the reply is highlighted (as a markdown fence or a `code` block: the backend decides).
    await done.locator('[data-testid="tcai-code"] .token.keyword').first().waitFor();
    expect(await done.locator('[data-testid="tcai-badge"]').getAttribute('data-kind')).toBe('demo');
    expect(await done.innerText()).toContain('You said: "please use a tool and show some code, slow"');
    expect(await page.locator('[data-testid="tcai-message"][data-run-status="streaming"]').count()).toBe(0);
    expect(await reply(runId).count()).toBe(1); // the draft is gone
    await itemOf(done).screenshot({ path: `${SHOTS}/71-agent-done.png` });
  });

  it('after a reload in the middle of a reply, shows it growing again, then the final reply and no draft', async () => {
    const runId = await askAndFollow('slow answer, I will reload meanwhile');
    await reply(runId, 'streaming').waitFor({ timeout: 30_000 });
    await page.reload();
    await waitForChat(page);
    // The run goes on server-side and the reloaded page sees it grow again (the draft is
    // announced anew every few seconds), then its stored final message arrives over the socket.
    await reply(runId, 'streaming').waitFor({ timeout: 15_000 });
    const done = reply(runId, 'done');
    await done.waitFor({ timeout: 30_000 });
    await expect.poll(() => reply(runId).count(), { timeout: 5_000 }).toBe(1);
    expect(await done.innerText()).toContain('Line 60 of a long answer.');
    // And a second reload (history from the server) shows exactly that one stored reply.
    await page.reload();
    await waitForChat(page);
    await reply(runId, 'done').waitFor({ timeout: 30_000 });
    expect(await reply(runId).count()).toBe(1);
    expect((await botMessages()).filter((m) => m.runId === runId).map((m) => m.status)).toEqual(['done']);
    await page.screenshot({ path: `${SHOTS}/72-agent-after-reload.png` });
  });

  it('renders a diff reply as the diff panel and toggles unified / split', async () => {
    const runId = await askAndFollow('show me a diff');
    const done = reply(runId, 'done');
    await done.waitFor({ timeout: 30_000 });
    const diff = done.locator('[data-testid="tcai-diff"]');
    expect(await diff.getAttribute('data-mode')).toBe('unified');
    expect(await diff.locator('[data-testid="tcai-diff-filename"]').innerText()).toContain('greet.ts');
    expect(await diff.locator('[data-testid="tcai-diff-summary"]').innerText()).toMatch(/\+1\s+−1/);
    const lines = diff.locator('[data-testid="tcai-diff-line"]');
    expect(await lines.count()).toBe(4); // context, −, +, context
    await itemOf(done).scrollIntoViewIfNeeded();
    await itemOf(done).screenshot({ path: `${SHOTS}/73-agent-diff-unified.png` });

    await diff.locator('[data-testid="tcai-diff-mode-split"]').click();
    await expect.poll(() => diff.getAttribute('data-mode')).toBe('split');
    // Split: the deletion and the addition share one row (3 rows for 4 lines).
    expect(await lines.count()).toBe(3);
    expect(await diff.locator('[data-testid="tcai-diff-mode-split"]').getAttribute('aria-pressed')).toBe('true');
    await itemOf(done).screenshot({ path: `${SHOTS}/74-agent-diff-split.png` });

    await diff.locator('[data-testid="tcai-diff-mode-unified"]').click();
    await expect.poll(() => diff.getAttribute('data-mode')).toBe('unified');
    expect(await lines.count()).toBe(4);
  });

  it('bob installs the plugin from the Plugin Store and then sees the replies as rich panels', async () => {
    // Before: bob's client has no such plugin; the replies are Tailchat's plain text.
    bobClient = await openRealClient(tc.url, bob.token, `/main/group/${groupId}/${panelId}`, { preinstall: false, browser: client.browser });
    const bobPage = bobClient.page;
    await bobPage.getByText('You said: "show me a diff"').first().waitFor({ timeout: 30_000 });
    expect(await bobPage.locator('[data-testid="tcai-message"]').count()).toBe(0);

    await bobPage.goto(`${tc.url}/main/personal/plugins`);
    const toast = await installFromPluginStore(bobPage);
    expect(toast).toMatch(/refresh/i);
    await bobPage.screenshot({ path: `${SHOTS}/75-store-installed.png` });
    const installed = await bobPage.evaluate(() => JSON.parse(localStorage.getItem('$TailchatInstalledPlugins') ?? '{}') as { rawData?: Array<{ name: string; url: string }> });
    expect(installed.rawData?.map((p) => p.name)).toContain('com.yourcompany.ai');
    expect(installed.rawData?.find((p) => p.name === 'com.yourcompany.ai')?.url).toBe(`${tc.url}/plugins/com.yourcompany.ai/index.js`);

    // "effective after refreshing the page"
    await bobPage.reload();
    await bobPage.goto(`${tc.url}/main/group/${groupId}/${panelId}`);
    await waitForChat(bobPage);
    await expect.poll(() => bobClient!.logs.some((line) => line.includes('[com.yourcompany.ai] Load Completed!')), { timeout: 30_000 }).toBe(true);
    const diffReply = bobPage.locator('[data-testid="tcai-message"]').filter({ hasText: 'You said: "show me a diff"' });
    await diffReply.locator('[data-testid="tcai-diff"]').waitFor({ timeout: 30_000 });
    expect(await bobPage.locator('[data-testid="tcai-message"][data-run-status="done"]').count()).toBe(3);
    // Tailchat's plain-text body of those replies is hidden by the plugin.
    expect(await itemOf(diffReply, bobPage).locator('.chat-message-item_body > span').first().isVisible()).toBe(false);
    await itemOf(diffReply, bobPage).scrollIntoViewIfNeeded();
    await bobPage.screenshot({ path: `${SHOTS}/76-store-bob-sees-panels.png` });
  });

  it('approves an exec as the group owner; another member is refused with a toast', async () => {
    const bobPage = bobClient!.page;
    const runId = await askAndFollow('approve running the build');
    const card = reply(runId).last().locator('[data-testid="tcai-approval"][data-status="pending"]');
    await card.waitFor({ timeout: 30_000 });
    expect(await card.locator('[data-testid="tcai-approval-command"]').innerText()).toBe('rm -rf ./build && npm run build');
    // The engine allows only once / deny: no "Always allow".
    expect(await card.locator('[data-testid="tcai-approval-always"]').count()).toBe(0);
    await itemOf(card).screenshot({ path: `${SHOTS}/77-approval-pending.png` });

    // bob, a member without "Approve AI actions": the server refuses, the card stays pending.
    const bobCard = reply(runId, undefined, bobPage).last().locator('[data-testid="tcai-approval"][data-status="pending"]');
    await bobCard.waitFor({ timeout: 30_000 });
    const refused = bobPage.waitForResponse((r) => r.url().endsWith(`/api/${CHAT_SERVICE}/resolveApproval`));
    await bobCard.locator('[data-testid="tcai-approval-approve"]').click();
    expect((await refused).status()).toBe(403);
    const toast = bobPage.locator('[data-testid="toast"]').filter({ hasText: 'permission' });
    await toast.waitFor({ timeout: 10_000 });
    expect(await toast.innerText()).toContain('"approve" permission');
    await expect.poll(() => bobCard.locator('[data-testid="tcai-approval-approve"]').isEnabled(), { timeout: 10_000 }).toBe(true);
    await bobPage.screenshot({ path: `${SHOTS}/78-approval-refused-bob.png` });
    expect(await card.getAttribute('data-status')).toBe('pending');

    // alice, the owner: accepted; the card says who decided, the exec runs, the reply follows.
    const accepted = page.waitForResponse((r) => r.url().endsWith(`/api/${CHAT_SERVICE}/resolveApproval`));
    await card.locator('[data-testid="tcai-approval-approve"]').click();
    expect((await accepted).status()).toBe(200);
    const done = reply(runId, 'done');
    await done.waitFor({ timeout: 30_000 });
    const decided = done.locator('[data-testid="tcai-approval"]');
    expect(await decided.getAttribute('data-status')).toBe('approved');
    expect(await decided.innerText()).toContain(alice.nickname);
    const exec = done.locator('[data-testid="tcai-tool"]').filter({ hasText: 'exec' });
    expect(await exec.getAttribute('data-status')).toBe('succeeded');
    expect(await done.innerText()).toContain('You said: "approve running the build"');
    await itemOf(done).screenshot({ path: `${SHOTS}/79-approval-approved.png` });
    // bob sees the same outcome.
    await reply(runId, 'done', bobPage).locator('[data-testid="tcai-approval"][data-status="approved"]').waitFor({ timeout: 15_000 });
  });

  it('Stop in the UI aborts a running reply', async () => {
    const runId = await askAndFollow('slow please');
    const stop = reply(runId, 'streaming').locator('[data-testid="tcai-stop"]');
    await stop.waitFor({ timeout: 30_000 });
    const request = page.waitForResponse((r) => r.url().endsWith(`/api/${CHAT_SERVICE}/stopRun`));
    await stop.click();
    expect((await request).status()).toBe(200);
    const aborted = reply(runId, 'aborted');
    await aborted.waitFor({ timeout: 30_000 });
    expect(await reply(runId).count()).toBe(1);
    await itemOf(aborted).screenshot({ path: `${SHOTS}/80-agent-stopped.png` });
  });

  it('saves the group settings through the backend and the agent follows them', async () => {
    const openSettings = async () => {
      await openGroupSettings(page);
      const form = page.locator('[data-testid="tcai-settings"]');
      await form.waitFor({ timeout: 15_000 });
      return form;
    };
    const save = async (form: Locator) => {
      const saved = page.waitForResponse((r) => r.url().endsWith(`/api/${CHAT_SERVICE}/saveGroupSettings`));
      await form.locator('[data-testid="tcai-settings-save"]').click();
      expect((await saved).status()).toBe(200);
    };

    // Off, and answer only a prefix (or a mention) once back on.
    let form = await openSettings();
    expect(await form.locator('[data-testid="tcai-settings-enabled"]').isChecked()).toBe(true);
    expect(await form.locator('[data-testid="tcai-settings-readonly"]').count()).toBe(0); // the owner may configure
    await form.locator('[data-testid="tcai-settings-enabled"]').uncheck();
    await form.locator('[data-testid="tcai-settings-trigger-prefix"]').check();
    expect(await form.locator('[data-testid="tcai-settings-prefix"]').inputValue()).toBe('/ai');
    await save(form);
    await page.waitForTimeout(300); // the success toast, for the screenshot
    await page.screenshot({ path: `${SHOTS}/81-agent-settings-saved.png` });

    // Disabled: a mention is not answered (checked below, once a later message was answered).
    const ignored = await ask('hello while switched off');
    const repliesBefore = (await botMessages()).length;

    // Stored by the backend: a fresh page load shows the saved values. Switch it back on.
    await page.reload();
    await waitForChat(page);
    form = await openSettings();
    expect(await form.locator('[data-testid="tcai-settings-enabled"]').isChecked()).toBe(false);
    expect(await form.locator('[data-testid="tcai-settings-trigger-prefix"]').isChecked()).toBe(true);
    await form.locator('[data-testid="tcai-settings-enabled"]').check();
    await save(form);
    await page.reload();
    await waitForChat(page);

    // Trigger "prefix": a message starting with /ai, without any mention, is answered.
    const runId = await askAndFollow('/ai hello from the prefix', page, { mention: false });
    const done = reply(runId, 'done');
    await done.waitFor({ timeout: 30_000 });
    expect(await done.innerText()).toContain('You said: "hello from the prefix"');
    await itemOf(done).screenshot({ path: `${SHOTS}/82-agent-prefix-answered.png` });
    // The mention sent while the agent was off (seconds before) got nothing: one new reply only.
    const replies = await botMessages();
    expect(replies.length).toBe(repliesBefore + 1);
    expect(replies.some((m) => m.content.includes('hello while switched off'))).toBe(false);
    expect(ignored._id).toBeTruthy();
  });
});
