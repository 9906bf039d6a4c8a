/**
 * The plugin in the REAL Tailchat web client (the kit's prebuilt web-dist, served by a real
 * Tailchat server from its public dir, same origin as in the official image):
 * - pre-installed the way a user's store install leaves it (localStorage
 *   `$TailchatInstalledPlugins`, manifest.json verbatim, `{BACKEND}` resolved by Tailchat);
 * - a message with our meta stored by the plugin bot renders as the rich view, and Tailchat's
 *   own plain-text body of that message is hidden (only the bot's messages are agent replies: the
 *   one backend action here is `getAgentUsers`, naming the bot; the rest of the backend is absent);
 * - a draft pushed and updated over socket.io (`gateway.notify`, as the backend does) re-renders
 *   live through the web client's store, and Stop posts `stopRun` via `createPluginRequest`;
 * - a draft flagged `isLocal: true` (Tailchat's own "not on the server yet" flag) loses the hover
 *   buttons and is never acked, while updates, Stop, the final message and the delete still work;
 * - the per-group settings page appears in the real group detail.
 */
import type { ServiceBroker } from 'moleculer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftMessageId } from '../../bridge/notify/object-id.js';
import { ACTIONS, SERVICE_NAME } from '../../protocol/actions.js';
import type { AiMeta } from '../../protocol/blocks.js';
import { botUserIdOn } from '../support/conversation.js';
import type { TestUser } from '../tailchat/api.js';
import { createPluginBroker } from '../tailchat/broker.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';
import { MULTI_FILE_DIFF } from './support/fixtures.js';
import { openGroupSettings, waitForChat, type RealClient } from './support/real-client.js';
import { SHOTS } from './support/webhost.js';
import { CHAT_SERVICE } from '../../services/names.js';

function meta(runId: string, status: AiMeta['status'], blocks: AiMeta['blocks']): { 'com.yourcompany.ai': AiMeta } {
  return { 'com.yourcompany.ai': { v: 1, runId, engine: 'openclaw', status, blocks } };
}

let stack: Stack;
let tc: TailchatInstance;
let client: RealClient;
let page: Page;
let logs: string[];
let alice: TestUser;
let groupId: string;
let panelId: string;
let broker: ServiceBroker;
let botUserId: string;

/** Stores a message as the plugin bot, the way the bundle stores a final reply. */
async function sendAsBot(message: { content: string; meta: Record<string, unknown> }): Promise<{ _id: string }> {
  const sent = (await broker.call('chat.message.sendMessage', { converseId: panelId, groupId, ...message }, { meta: { userId: botUserId } })) as { _id: unknown };
  return { _id: String(sent._id) };
}

beforeAll(async () => {
  // No bundle: the test plays the backend's part itself through its own broker.
  stack = await startStack({ label: 'web-real', bundle: false, users: ['alice'], group: { name: 'AI group', webDefaults: false }, client: { user: 'alice' } });
  ({ tc, client } = stack);
  alice = stack.users.alice!;
  ({ groupId, panelId } = stack.group!);
  ({ page, logs } = client);

  botUserId = await botUserIdOn(tc);
  // Of the plugin's backend only the answer to "who speaks for the agent" (the web client renders
  // panels for the bot's messages only); every other action is missing, as the tests below expect.
  const agentUsersOnly = { name: SERVICE_NAME, actions: { [ACTIONS.getAgentUsers]: () => ({ userIds: [botUserId] }) } };
  broker = createPluginBroker({ tailchat: tc, services: [agentUsersOnly] });
  await broker.start();
  await broker.waitForServices(['gateway', 'chat.message'], 15_000);
}, 240_000);

afterAll(async () => {
  await broker?.stop().catch(() => {});
  await stack?.stop();
});

describe('real Tailchat web client', () => {
  it('loads the pre-installed plugin from {BACKEND}/plugins/…', async () => {
    await expect.poll(() => logs.some((line) => line.includes('[com.yourcompany.ai] Load Completed!')), { timeout: 30_000 }).toBe(true);
    expect(logs.filter((line) => line.includes('com.yourcompany.ai') && /error|fail/i.test(line))).toEqual([]);
  });

  it('renders a meta message of the plugin bot, hiding Tailchat’s plain text of it', async () => {
    const sent = await sendAsBot({
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

  it('a draft pushed with isLocal: true has no action buttons and is never acked; updates, final and delete still work', async () => {
    // Finding for the backend (bridge/notify/reply-publisher.ts): what `isLocal: true` on the
    // draft of `notify:chat.message.add` changes in the real client (Item.tsx, chat slice).
    const acks: string[] = [];
    const onRequest = (r: { url(): string; postData(): string | null }) => {
      if (r.url().endsWith('/api/chat/ack/update')) acks.push(r.postData() ?? '');
    };
    page.on('request', onRequest);
    const notify = (eventName: string, eventData: unknown) => broker.call('gateway.notify', { type: 'roomcast', target: panelId, eventName, eventData });
    const push = async (isLocal: boolean) => {
      // Two seconds ahead: an ObjectId made in the same second as the newest stored message
      // compares below it half the time (random middle bytes), and the client acks only ids above
      // the last one it acked: the plain draft's ack would then never come.
      const id = draftMessageId(Date.now() + 2_000);
      const runId = `tc-${id}`;
      await notify('notify:chat.message.add', {
        _id: id,
        converseId: panelId,
        groupId,
        author: botUserId,
        content: 'Thinking',
        meta: meta(runId, 'streaming', [{ type: 'markdown', text: 'Thinking' }]),
        reactions: [],
        hasRecall: false,
        createdAt: new Date().toISOString(),
        ...(isLocal ? { isLocal: true } : {}),
      });
      const item = page.locator(`.chat-message-item[data-message-id="${id}"]`);
      await item.locator('[data-testid="tcai-stop"]').waitFor({ timeout: 15_000 });
      // An update (without the flag) is merged into the stored message: the flag stays.
      await notify('notify:chat.message.update', { _id: id, converseId: panelId, content: 'Thinking more', meta: meta(runId, 'streaming', [{ type: 'markdown', text: 'Thinking more' }]) });
      await item.locator('[data-testid="tcai-markdown"]', { hasText: 'Thinking more' }).waitFor({ timeout: 10_000 });
      await item.hover();
      await page.waitForTimeout(1_200); // the client's ack is debounced by 1 s
      const state = await item.evaluate((el) => ({
        // the hover bar with the reaction and "…" buttons (absolute, top right of the item)
        actionButtons: el.querySelectorAll(':scope > div.absolute').length,
        wrapped: el.parentElement?.className ?? '',
        opacity: getComputedStyle(el.parentElement as Element).opacity,
      }));
      // The right-click menu (Copy / Reply / Recall / Delete) is not governed by isLocal.
      await item.locator('[data-testid="tcai-markdown"]').click({ button: 'right' });
      const menu = page.locator('.ant-dropdown:not(.ant-dropdown-hidden) .ant-dropdown-menu-item');
      await menu.first().waitFor({ timeout: 5_000 });
      const menuItems = await menu.allInnerTexts();
      await page.keyboard.press('Escape');
      await menu.first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
      return { id, runId, item, state, menuItems, acked: acks.some((body) => body.includes(id)) };
    };

    // Today's draft (no flag): hover buttons, and the client acks the never-stored id to the server
    // (only ids above the last acked one are sent: this test runs before the one using 'ddd…').
    const plain = await push(false);
    expect(plain.state.actionButtons).toBe(1);
    // The ack is debounced (1 s) and may take longer on a loaded machine: wait for it.
    await expect.poll(() => acks.some((body) => body.includes(plain.id)), { timeout: 10_000 }).toBe(true);
    await notify('notify:chat.message.delete', { converseId: panelId, messageId: plain.id });
    await expect.poll(() => plain.item.count(), { timeout: 10_000 }).toBe(0);

    const local = await push(true);
    expect(local.state.actionButtons).toBe(0);
    expect(local.acked).toBe(false); // no MessageAckContainer around an isLocal message
    // Tailchat wraps it in .opacity-50; the plugin's stylesheet keeps AI drafts fully opaque.
    expect(local.state.wrapped).toBe('opacity-50');
    expect(local.state.opacity).toBe('1');
    expect(local.menuItems).toEqual(expect.arrayContaining(['Copy', 'Delete']));
    await local.item.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/63-real-tailchat-islocal-draft.png` });
    // Stop works through the wrapper.
    const stop = page.waitForRequest((r) => r.url().endsWith(`/api/${CHAT_SERVICE}/stopRun`));
    await local.item.locator('[data-testid="tcai-stop"]').click();
    expect(JSON.parse((await stop).postData() ?? '{}')).toEqual({ runId: local.runId });

    // The end of a run: the stored final message (a normal one, with its buttons), then the delete.
    const final = await sendAsBot({
      content: 'Thinking more, done.',
      meta: meta(local.runId, 'done', [{ type: 'markdown', text: 'Thinking more, done.' }]),
    });
    const finalItem = page.locator(`.chat-message-item[data-message-id="${final._id}"]`);
    await finalItem.locator('[data-testid="tcai-message"][data-run-status="done"]').waitFor({ timeout: 15_000 });
    await notify('notify:chat.message.delete', { converseId: panelId, messageId: local.id });
    await expect.poll(() => local.item.count(), { timeout: 10_000 }).toBe(0);
    expect(await finalItem.evaluate((el) => el.querySelectorAll(':scope > div.absolute').length)).toBe(1);
    expect(await page.locator(`[data-testid="tcai-message"][data-run-id="${local.runId}"]`).count()).toBe(1);
    page.off('request', onRequest);
  });

  it('follows a live draft pushed over socket.io and posts Stop through the host request layer', async () => {
    const runId = `tc-${'b'.repeat(24)}`;
    const draftId = 'd'.repeat(24);
    const notify = (eventName: string, eventData: unknown) => broker.call('gateway.notify', { type: 'roomcast', target: panelId, eventName, eventData });
    await notify('notify:chat.message.add', {
      _id: draftId,
      converseId: panelId,
      groupId,
      author: botUserId,
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

    // No stopRun in this Tailchat (only getAgentUsers): the request goes out and the refusal comes back as a toast.
    const request = page.waitForRequest((r) => r.url().endsWith(`/api/${CHAT_SERVICE}/stopRun`));
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
