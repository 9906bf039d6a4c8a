/**
 * Regenerate in the real Tailchat web client (kit web-dist + real server + the bundle with the
 * scripted engine, which numbers the turns of a session, so each attempt's text is its own):
 * clicking Regenerate under a finished reply posts a second reply to the same prompt; the new
 * one shows "2 of 2" and pages back to the first answer with ‹; the old message collapses to one
 * line; a refusal by the server is a toast. Also after a reload (the grouping is rebuilt from
 * the stored messages).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleProcess } from '../support/bundle-process.js';
import { TailchatApi, type TestUser } from '../tailchat/api.js';
import { TailchatWebClient } from '../tailchat/browser.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';
import { waitForChat, type RealClient } from './support/real-client.js';
import { SHOTS } from './support/webhost.js';
import { CHAT_SERVICE } from '../../services/names.js';

let stack: Stack;
let tc: TailchatInstance;
let bundle: BundleProcess;
let client: RealClient;
let page: Page;
let web: TailchatWebClient;
let api: TailchatApi;
let alice: TestUser;
let groupId: string;
let panelId: string;
let botUserId: string;

beforeAll(async () => {
  stack = await startStack({
    label: 'web-regenerate',
    bundle: { env: { AI_SCRIPTED_CHUNK_DELAY_MS: '10', AI_STREAM_INTERVAL_MS: '150', AI_MAX_REPLY_CHARS: '800' }, label: 'bundle-web-regenerate' },
    users: ['alice'],
    group: { name: 'Regenerate', webDefaults: false },
    client: { user: 'alice' },
  });
  ({ tc, bundle, api, botUserId } = stack);
  alice = stack.users.alice!;
  ({ groupId, panelId } = stack.group!);
  client = stack.client;
  page = client.page;
  web = new TailchatWebClient(page, tc.url);
}, 300_000);

afterAll(() => stack?.stop());

describe('Regenerate in the real web client', () => {
  let first: string;
  let second: string;

  it('Regenerate posts a new reply that shows "2 of 2"; ‹ shows the first answer; the old message collapses', async () => {
    const prompt = await api.sendMessage(alice.token, {
      converseId: panelId,
      groupId,
      content: `[at=${botUserId}]AI Assistant[/at] name a colour`,
      meta: { mentions: [botUserId] },
    });
    first = `tc-${prompt._id}`;
    second = `${first}.r2`;
    const firstReply = web.aiReply(first);
    await firstReply.and(page.locator('[data-run-status="done"]')).waitFor({ timeout: 30_000 });
    expect(await firstReply.innerText()).toContain('This is turn 1 of this conversation.');
    expect(await web.attemptPosition(first).count()).toBe(0); // one answer: no pager yet

    await web.regenerate(first);

    const secondReply = web.aiReply(second);
    await secondReply.and(page.locator('[data-run-status="done"]')).waitFor({ timeout: 30_000 });
    await expect.poll(() => web.attemptPosition(second).innerText()).toBe('2 of 2');
    expect(await secondReply.innerText()).toContain('This is turn 2 of this conversation; before that you said: "name a colour"');
    // The first reply's message is now one line; its text is no longer on screen.
    await web.supersededReply(first).waitFor();
    expect(await web.supersededReply(first).innerText()).toBe('Regenerated — see the newer reply');
    expect(await web.aiReply(first).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/70-regenerate-newest.png` });

    await web.showAttempt(second, 'prev');
    await expect.poll(() => web.attemptPosition(second).innerText()).toBe('1 of 2');
    await expect.poll(() => secondReply.innerText()).toContain('This is turn 1 of this conversation.');
    expect(await secondReply.innerText()).not.toContain('This is turn 2');
    expect(await secondReply.getAttribute('data-shown-run-id')).toBe(first);
    await page.screenshot({ path: `${SHOTS}/71-regenerate-paged-back.png` });

    await web.showAttempt(second, 'next');
    await expect.poll(() => web.attemptPosition(second).innerText()).toBe('2 of 2');
    expect(await secondReply.innerText()).toContain('This is turn 2 of this conversation');
  });

  it('a reply split over several messages: the old parts leave the view, the new parts stay continuations', async () => {
    const prompt = await api.sendMessage(alice.token, {
      converseId: panelId,
      groupId,
      content: `[at=${botUserId}]AI Assistant[/at] a slow and long answer`,
      meta: { mentions: [botUserId] },
    });
    const runId = `tc-${prompt._id}`;
    const continuations = (id: string) => page.locator(`[data-testid="tcai-continuation"][data-run-id="${id}"]`);
    await web.aiReply(runId).and(page.locator('[data-run-status="done"]')).waitFor({ timeout: 30_000 });
    // Part 1 (the panel) is stored first; wait for every later part the reply says it has, not
    // only the first one to arrive.
    const partCount = async (id: string) => {
      const counts = (await api.fetchConverseMessage(alice.token, panelId)).map((m) => (m.meta?.['com.yourcompany.ai'] as { runId?: string; part?: { count: number } } | undefined)).filter((m) => m?.runId === id).map((m) => m?.part?.count ?? 1);
      return Math.max(0, ...counts);
    };
    const parts = (await partCount(runId)) - 1;
    expect(parts).toBeGreaterThan(0);
    await expect.poll(() => continuations(runId).count(), { timeout: 15_000 }).toBe(parts);

    await web.regenerate(runId);
    await web.aiReply(`${runId}.r2`).and(page.locator('[data-run-status="done"]')).waitFor({ timeout: 30_000 });
    await expect.poll(() => continuations(`${runId}.r2`).count(), { timeout: 15_000 }).toBe((await partCount(`${runId}.r2`)) - 1);
    await expect.poll(() => web.attemptPosition(`${runId}.r2`).innerText()).toBe('2 of 2');
    await web.supersededReply(runId).waitFor();
    expect(await continuations(runId).count()).toBe(0);
    // The old later parts are still in the message list, their rows hidden.
    const oldParts = page.locator('.chat-message-item').filter({ has: page.locator(`[data-testid="tcai-superseded-part"][data-run-id="${runId}"]`) });
    expect(await oldParts.count()).toBe(parts);
    for (let i = 0; i < parts; i++) expect(await oldParts.nth(i).isVisible()).toBe(false);
    await page.screenshot({ path: `${SHOTS}/72-regenerate-split-reply.png` });
    await web.showAttempt(`${runId}.r2`, 'prev');
    await expect.poll(() => web.aiReply(`${runId}.r2`).innerText()).toContain('Line 60 of a long answer.');
  });

  it('a refusal by the server shows as a toast and changes nothing', async () => {
    await api.call(`${CHAT_SERVICE}.saveGroupSettings`, { groupId, settings: { enabled: false } }, alice.token);
    await web.regenerate(second);
    const toast = page.locator('[data-testid="toast"]').filter({ hasText: 'not addressed to the assistant' });
    await toast.waitFor({ timeout: 15_000 });
    expect(await web.aiReply(`${first}.r3`).count()).toBe(0);
    expect(await web.attemptPosition(second).innerText()).toBe('2 of 2');
    await api.call(`${CHAT_SERVICE}.saveGroupSettings`, { groupId, settings: { enabled: true } }, alice.token);
  });

  it('after a reload the attempts are grouped again from the stored messages', async () => {
    await page.reload();
    await waitForChat(page);
    await web.aiReply(second).waitFor({ timeout: 30_000 });
    await expect.poll(() => web.attemptPosition(second).innerText()).toBe('2 of 2');
    await web.supersededReply(first).waitFor();
    await web.showAttempt(second, 'prev');
    await expect.poll(() => web.aiReply(second).innerText()).toContain('This is turn 1 of this conversation.');
  });
});
