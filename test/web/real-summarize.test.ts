/**
 * Summaries from the real Tailchat web client (kit web-dist + real server + the bundle with the
 * scripted engine, which answers with the prompt it got, so the reply shows what was summarized):
 * - "Summarize unread" in the chat input's "+" menu, after alice comes back to a panel where bob
 *   wrote while she was elsewhere: the web client marks the panel read as soon as it opens, yet
 *   the summary holds exactly what she had not read (the read position from before the visit);
 * - the same after a full page load straight onto the panel (read positions fetched at start-up);
 * - "Summarize last 50" in the same menu;
 * - "Summarize thread" hovering a reply: the thread's messages only.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleProcess } from '../support/bundle-process.js';
import { TailchatApi, type ChatMessage, type TestUser } from '../tailchat/api.js';
import { TailchatWebClient } from '../tailchat/browser.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';
import { openRealClient, waitForChat, type RealClient } from './support/real-client.js';

let stack: Stack;
let tc: TailchatInstance;
let bundle: BundleProcess;
let client: RealClient;
let page: Page;
let web: TailchatWebClient;
let api: TailchatApi;
let alice: TestUser;
let bob: TestUser;
let groupId: string;
let panelId: string;
let otherPanelId: string;
let botUserId: string;

beforeAll(async () => {
  stack = await startStack({
    label: 'web-summarize',
    bundle: { env: { AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '5', AI_STREAM_INTERVAL_MS: '150', AI_MAX_REPLY_CHARS: '8000' }, label: 'bundle-web-summarize' },
    waitForAgent: false,
    users: ['alice', 'bob'],
    browser: true,
  });
  ({ tc, bundle, api, botUserId } = stack);
  ({ alice, bob } = stack.users as { alice: TestUser; bob: TestUser });
  // Two panels: the summary of one must not read the other.
  const group = await api.call<{ _id: string; panels: Array<{ id: string; name: string }> }>(
    'group.createGroup',
    { name: 'Summaries', panels: [{ id: '00', name: 'general', type: 0 }, { id: '01', name: 'elsewhere', type: 0 }] },
    alice.token
  );
  groupId = group._id;
  panelId = group.panels.find((p) => p.name === 'general')!.id;
  otherPanelId = group.panels.find((p) => p.name === 'elsewhere')!.id;
  await api.call('group.updateGroupField', { groupId, fieldName: 'fallbackPermissions', fieldValue: ['core.viewPanel', 'core.message'] }, alice.token);
  await api.joinGroup(alice.token, groupId, bob.token);
  [client] = await Promise.all([openRealClient(tc.url, alice.token, `/main/group/${groupId}/${panelId}`, { browser: stack.browser }), stack.waitForAgent()]);
  page = client.page;
  web = new TailchatWebClient(page, tc.url);
}, 300_000);

afterAll(() => stack?.stop());

const post = (who: TestUser, content: string, meta?: Record<string, unknown>) =>
  api.sendMessage(who.token, { converseId: panelId, groupId, content, ...(meta ? { meta } : {}) });

/** The stored (done) AI reply whose quote shows `command`, and its text. */
async function summaryReplyTo(command: string): Promise<{ reply: Locator; text: string }> {
  const reply = page
    .locator('.chat-message-item')
    .filter({ has: page.locator('.chat-message-item_quote', { hasText: command }) })
    .locator('[data-testid="tcai-message"][data-run-status="done"]');
  await reply.last().waitFor({ timeout: 30_000 });
  return { reply: reply.last(), text: await reply.last().innerText() };
}

/** alice's read position as the web client stored it in Tailchat. */
async function alicesAck(): Promise<string | undefined> {
  const list = await api.call<Array<{ lastMessageId: string } | null>>('chat.ack.list', { converseIds: [panelId] }, alice.token);
  return list[0]?.lastMessageId;
}

describe('summaries in the real web client', () => {
  let lastSeen: ChatMessage;

  it('"Summarize unread" after coming back to a panel holds what arrived while alice was elsewhere', async () => {
    for (const n of [1, 2]) lastSeen = await post(bob, `SEEN-${n}: alice reads this one`);
    await page.locator(`[data-message-id="${lastSeen._id}"]`).waitFor({ timeout: 30_000 });
    await expect.poll(alicesAck, { timeout: 15_000 }).toBe(lastSeen._id); // the client acked what it showed
    await web.openPanelInSidebar(groupId, otherPanelId);
    const missed: ChatMessage[] = [];
    for (const n of [1, 2, 3]) missed.push(await post(bob, `MISSED-${n}: written while alice was away`));
    await web.openPanelInSidebar(groupId, panelId);
    await page.locator(`[data-message-id="${missed[2]!._id}"]`).waitFor({ timeout: 30_000 });
    // As soon as the panel shows them, Tailchat counts them read: a typed command would see nothing.
    await expect.poll(alicesAck, { timeout: 15_000 }).toBe(missed[2]!._id);
    await web.chooseInputAction('Summarize unread');
    const { reply, text } = await summaryReplyTo('/summarize unread');
    for (const n of [1, 2, 3]) expect(text).toContain(`MISSED-${n}:`);
    expect(text).not.toContain('SEEN-');
    await reply.scrollIntoViewIfNeeded();
    await web.screenshot('summarize-unread');
    lastSeen = missed[2]!;
  });

  it('also right after a page load straight onto the panel', async () => {
    // Everything shown so far (the first summary too) is read before alice leaves.
    const newest = async () => (await api.fetchConverseMessage(alice.token, panelId))[0]?._id;
    await expect.poll(async () => (await alicesAck()) === (await newest()), { timeout: 15_000 }).toBe(true);
    await page.goto(`${tc.url}/main/group/${groupId}/${otherPanelId}`);
    await waitForChat(page);
    const news = await post(bob, 'NEWS-1: posted before alice reloads');
    await page.goto(`${tc.url}/main/group/${groupId}/${panelId}`);
    await waitForChat(page);
    await page.locator(`[data-message-id="${news._id}"]`).waitFor({ timeout: 30_000 });
    await expect.poll(alicesAck, { timeout: 15_000 }).toBe(news._id);
    await web.chooseInputAction('Summarize unread');
    await expect.poll(async () => (await page.locator('.chat-message-item_quote', { hasText: '/summarize unread' }).count()) >= 2, { timeout: 30_000 }).toBe(true);
    const replies = page.locator('[data-testid="tcai-message"][data-run-status="done"]');
    await expect.poll(async () => (await replies.last().innerText()).includes('NEWS-1:'), { timeout: 30_000 }).toBe(true);
    const text = await replies.last().innerText();
    expect(text).not.toContain('MISSED-');
  });

  it('"Summarize last 50" summarizes the panel\'s latest messages', async () => {
    await web.chooseInputAction('Summarize last 50');
    const { text } = await summaryReplyTo('/summarize 50');
    expect(text).toContain('SEEN-1:');
    expect(text).toContain('NEWS-1:');
  });

  it('"Summarize thread" on a reply summarizes its thread only', async () => {
    const root = await post(bob, 'THREAD-ROOT: should the demo use the staging cluster?');
    await post(alice, 'OFF-TOPIC: the office is closed on Monday');
    const answer = await post(alice, 'THREAD-ANSWER: yes, staging-eu', { reply: { _id: root._id, author: root.author, content: root.content } });
    const item = await web.hoverMessage(answer._id);
    await item.locator('[data-testid="tcai-summarize-thread"]').click();
    const { reply, text } = await summaryReplyTo(`/summarize thread ${answer._id}`);
    expect(text).toContain('THREAD-ROOT:');
    expect(text).toContain('THREAD-ANSWER:');
    expect(text).not.toContain('OFF-TOPIC');
    expect(text).not.toContain('MISSED-');
    await reply.scrollIntoViewIfNeeded();
    await web.screenshot('summarize-thread');
  });
});
