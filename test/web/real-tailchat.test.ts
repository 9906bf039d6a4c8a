/**
 * The plugin in the REAL Tailchat web client (the kit's prebuilt web-dist, served by a real
 * Tailchat server from its public dir, same origin as in the official image):
 * - pre-installed the way a user's store install leaves it (localStorage
 *   `$TailchatInstalledPlugins`, manifest.json verbatim, `{BACKEND}` resolved by Tailchat);
 * - a message with our meta sent through Tailchat's HTTP API renders as the rich view, and
 *   Tailchat's own plain-text body of that message is hidden;
 * - a draft pushed and updated over socket.io (`gateway.notify`, as the backend does) re-renders
 *   live through the web client's store, and Stop posts `stopRun` via `createPluginRequest`;
 * - the per-group settings page appears in the real group detail.
 */
import type { ServiceBroker } from 'moleculer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AiMeta } from '../../protocol/blocks.js';
import { TailchatApi, createUser, type TestUser } from '../tailchat/api.js';
import { createPluginBroker } from '../tailchat/broker.js';
import { startTailchat, type TailchatInstance } from '../tailchat/kit.js';
import { MULTI_FILE_DIFF } from './support/fixtures.js';
import { openGroupSettings, openRealClient, waitForChat, webClientFiles, type RealClient } from './support/real-client.js';
import { SHOTS } from './support/webhost.js';

function meta(runId: string, status: AiMeta['status'], blocks: AiMeta['blocks']): { 'com.yourcompany.ai': AiMeta } {
  return { 'com.yourcompany.ai': { v: 1, runId, engine: 'openclaw', status, blocks } };
}

let tc: TailchatInstance;
let client: RealClient;
let page: Page;
let logs: string[];
let alice: TestUser;
let groupId: string;
let panelId: string;
let broker: ServiceBroker;

beforeAll(async () => {
  tc = await startTailchat({ label: 'web-real', ...webClientFiles(), waitForServices: ['gateway', 'user', 'group', 'chat.message'] });
  const api = new TailchatApi(tc.url);
  alice = await createUser(api, 'alice');
  ({ groupId, textPanelId: panelId } = await api.createGroup(alice.token, 'AI group'));
  client = await openRealClient(tc.url, alice.token, `/main/group/${groupId}/${panelId}`);
  ({ page, logs } = client);

  broker = createPluginBroker({ tailchat: tc });
  await broker.start();
  await broker.waitForServices(['gateway'], 15_000);
}, 240_000);

afterAll(async () => {
  await broker?.stop().catch(() => {});
  await client?.close().catch(() => {});
  await tc?.stop();
});

describe('real Tailchat web client', () => {
  it('loads the pre-installed plugin from {BACKEND}/plugins/…', async () => {
    await expect.poll(() => logs.some((line) => line.includes('[com.yourcompany.ai] Load Completed!')), { timeout: 30_000 }).toBe(true);
    expect(logs.filter((line) => line.includes('com.yourcompany.ai') && /error|fail/i.test(line))).toEqual([]);
  });

  it('renders a meta message sent over the API, hiding Tailchat’s plain text of it', async () => {
    const api = new TailchatApi(tc.url);
    const sent = await api.sendMessage(alice.token, {
      converseId: panelId,
      groupId,
      content: 'PLAIN: the reply as text for clients without the plugin',
      meta: meta(`tc-${'a'.repeat(24)}`, 'done', [
        { type: 'badge', kind: 'expert', label: 'TypeScript' },
        { type: 'markdown', text: '### Summary\nI typed **add()** and moved the README. See [docs](https://example.com).' },
        { type: 'tool', toolCallId: 't1', name: 'read_file', status: 'succeeded', args: { path: 'src/math.ts' }, result: 'ok' },
        { type: 'diff', patch: MULTI_FILE_DIFF },
      ]),
    });
    const item = page.locator(`[data-message-id="${sent._id}"]`);
    await item.locator('[data-testid="tcai-message"]').waitFor({ timeout: 30_000 });
    await item.locator('[data-testid="tcai-markdown"] strong', { hasText: 'add()' }).waitFor();
    await item.locator('[data-testid="tcai-diff-line"]').first().waitFor();
    expect(await item.locator('[data-testid="tcai-diff-filename"]').count()).toBe(3);
    expect(await item.locator('[data-testid="tcai-tool"]').getAttribute('data-status')).toBe('succeeded');
    // Tailchat's own rendering of `content` (bbcode, inside .chat-message-item_body) is hidden.
    expect(await item.getByText('PLAIN: the reply as text').isVisible()).toBe(false);
    await item.locator('[data-testid="tcai-diff-mode-split"]').click();
    await item.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/60-real-tailchat-message.png` });
  });

  it('follows a live draft pushed over socket.io and posts Stop through the host request layer', async () => {
    const runId = `tc-${'b'.repeat(24)}`;
    const draftId = 'd'.repeat(24);
    const notify = (eventName: string, eventData: unknown) => broker.call('gateway.notify', { type: 'roomcast', target: panelId, eventName, eventData });
    await notify('notify:chat.message.add', {
      _id: draftId,
      converseId: panelId,
      groupId,
      author: alice.userId,
      content: 'Thinking',
      meta: meta(runId, 'streaming', [{ type: 'markdown', text: 'Thinking' }]),
      reactions: [],
      hasRecall: false,
      createdAt: new Date().toISOString(),
    });
    const draft = page.locator(`[data-message-id="${draftId}"]`);
    await draft.locator('[data-testid="tcai-stop"]').waitFor({ timeout: 15_000 });
    for (const text of ['Thinking about', 'Thinking about the diff', 'Thinking about the diff you sent.']) {
      await notify('notify:chat.message.update', { _id: draftId, converseId: panelId, content: text, meta: meta(runId, 'streaming', [{ type: 'markdown', text }]) });
      await draft.locator('[data-testid="tcai-markdown"]', { hasText: text }).waitFor({ timeout: 10_000 });
    }
    await page.screenshot({ path: `${SHOTS}/61-real-tailchat-streaming.png` });

    // No backend service in this Tailchat: the request goes out and the refusal comes back as a toast.
    const request = page.waitForRequest((r) => r.url().endsWith('/api/plugin:com.yourcompany.ai/stopRun'));
    await draft.locator('[data-testid="tcai-stop"]').click();
    const stop = await request;
    expect(stop.method()).toBe('POST');
    expect(JSON.parse(stop.postData() ?? '{}')).toEqual({ runId });
    expect(stop.headers()['x-token']).toBe(alice.token);
    await expect.poll(() => draft.locator('[data-testid="tcai-stop"]').isEnabled(), { timeout: 10_000 }).toBe(true);

    await notify('notify:chat.message.update', { _id: draftId, converseId: panelId, meta: meta(runId, 'done', [{ type: 'markdown', text: 'Done.' }]) });
    await draft.locator('[data-testid="tcai-markdown"]', { hasText: 'Done.' }).waitFor();
    expect(await draft.locator('[data-testid="tcai-stop"]').count()).toBe(0);
    await notify('notify:chat.message.delete', { converseId: panelId, messageId: draftId });
    await expect.poll(() => draft.count(), { timeout: 10_000 }).toBe(0);
  });

  it('adds "AI assistant" to the group detail', async () => {
    await page.goto(`${tc.url}/main/group/${groupId}/${panelId}`);
    await waitForChat(page);
    await openGroupSettings(page);
    // No backend here: the page reports the load failure instead of crashing.
    await page.locator('[data-testid="tcai-settings-error"]').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500); // let the modal's fade-in and the menu's fade-out finish before the screenshot
    await page.screenshot({ path: `${SHOTS}/62-real-tailchat-group-detail.png` });
  });
});
