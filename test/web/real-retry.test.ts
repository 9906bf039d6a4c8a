/**
 * Retry and the admin list of failed replies in the REAL Tailchat web client (kit web-dist + real
 * server + the bundle with the scripted engine, whose first answer to a "flaky" prompt fails as if
 * the engine were down). alice owns the group:
 * - the failed reply's error panel offers Retry (and no Regenerate beside it); clicking it posts a
 *   new answer to the same prompt, shown as "2 of 2";
 * - Group detail → AI assistant lists the failure with its cause; "Show" closes the settings and
 *   brings the reply into view.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailedRepliesPage } from '../../protocol/admin.js';
import { CHAT_SERVICE } from '../../services/names.js';
import { BOT_NICKNAME } from '../support/conversation.js';
import { startStack, type Stack } from '../support/stack.js';
import type { TailchatApi, TestUser } from '../tailchat/api.js';
import { TailchatWebClient } from '../tailchat/browser.js';
import { openGroupSettings } from './support/real-client.js';
import { SHOTS } from './support/webhost.js';

let stack: Stack;
let page: Page;
let web: TailchatWebClient;
let api: TailchatApi;
let alice: TestUser;
let groupId: string;
let panelId: string;
let botUserId: string;

beforeAll(async () => {
  stack = await startStack({
    label: 'web-retry',
    bundle: { env: { AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '10', AI_STREAM_INTERVAL_MS: '150' }, label: 'bundle-web-retry' },
    users: ['alice'],
    group: { name: 'Retry group' },
    client: { user: 'alice' },
  });
  ({ api, botUserId } = stack);
  alice = stack.users.alice!;
  ({ groupId, panelId } = stack.group!);
  page = stack.client.page;
  web = new TailchatWebClient(page, stack.tc.url);
}, 300_000);

afterAll(() => stack?.stop());

describe('Retry in the real web client', () => {
  let first: string;

  it('the error panel of a failed reply offers Retry; clicking it posts a new answer', async () => {
    const prompt = await api.sendMessage(alice.token, {
      converseId: panelId,
      groupId,
      content: `[at=${botUserId}]${BOT_NICKNAME}[/at] a flaky question`,
      meta: { mentions: [botUserId] },
    });
    first = `tc-${prompt._id}`;
    const failed = web.aiReply(first);
    await failed.and(page.locator('[data-run-status="error"]')).waitFor({ timeout: 30_000 });
    const error = failed.locator('[data-testid="tcai-error"]');
    expect(await error.getAttribute('data-kind')).toBe('unavailable');
    const retry = error.locator('[data-testid="tcai-retry"]');
    await retry.waitFor({ timeout: 15_000 });
    expect(await failed.locator('[data-testid="tcai-regenerate"]').count()).toBe(0); // Retry is the one offer here
    await page.screenshot({ path: `${SHOTS}/83-retry-offered.png` });

    await retry.click();

    const second = web.aiReply(`${first}.r2`);
    await second.and(page.locator('[data-run-status="done"]')).waitFor({ timeout: 30_000 });
    expect(await second.innerText()).toContain('You said: "a flaky question"');
    await expect.poll(() => web.attemptPosition(`${first}.r2`).innerText()).toBe('2 of 2');
    // An answered reply offers Regenerate again.
    await second.locator('[data-testid="tcai-regenerate"]').waitFor();
    await web.supersededReply(first).waitFor();
    await page.screenshot({ path: `${SHOTS}/84-retry-answered.png` });
  });

  it('Group detail → AI assistant lists the failure with its cause; "Show" brings the reply into view', async () => {
    await expect.poll(async () => (await api.call<FailedRepliesPage>(`${CHAT_SERVICE}.getFailedReplies`, { groupId }, alice.token)).failures.length, { timeout: 10_000 }).toBe(1);
    await openGroupSettings(page);
    const entry = page.locator(`[data-testid="tcai-failure"][data-run-id="${first}"]`);
    await entry.waitFor({ timeout: 15_000 });
    expect(await entry.getAttribute('data-cause')).toBe('engine-down');
    expect(await entry.locator('[data-testid="tcai-failure-cause"]').innerText()).toBe('Engine down');
    expect(await entry.innerText()).toContain('Engine: scripted');
    await expect.poll(() => entry.innerText(), { timeout: 10_000 }).toContain(alice.nickname);
    await entry.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/85-failed-replies-list.png` });

    await entry.locator('[data-testid="tcai-failure-show"]').click();
    await page.locator('[data-testid="tcai-failures"]').waitFor({ state: 'detached', timeout: 15_000 });
    // The failed reply was retried: its message is the one-line stand-in now, brought into view.
    const shown = web.supersededReply(first);
    await expect.poll(() => shown.getAttribute('data-tcai-jumped'), { timeout: 15_000 }).toBe('');
    expect(await shown.isVisible()).toBe(true);
    expect(page.url()).toContain(`/main/group/${groupId}/${panelId}`);
  });
});
