/**
 * Private tool output in the real web client: the real Tailchat server and web client (kit), the
 * bundle's own process (scripted engine: "tool" makes it call `word_count` with the prompt as its
 * argument) and this plugin, pre-installed for both members.
 * - bob asks (a plain member: the requester). His tool card shows name and status; "Show details"
 *   fetches the arguments and result from the server and shows them.
 * - carol, another plain member, sees the same card with name and status only, and reads who can
 *   see the details; she has no "Show details".
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleProcess } from '../support/bundle-process.js';
import { BOT_NICKNAME } from '../support/conversation.js';
import { TailchatApi, type TestUser } from '../tailchat/api.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';
import { openRealClient, type RealClient } from './support/real-client.js';
import { SHOTS } from './support/webhost.js';
import { CHAT_SERVICE } from '../../services/names.js';

let stack: Stack;
let tc: TailchatInstance;
let bundle: BundleProcess;
let bobClient: RealClient;
let carolClient: RealClient | undefined;
let api: TailchatApi;
let bob: TestUser;
let carol: TestUser;
let groupId: string;
let panelId: string;
let botUserId: string;

beforeAll(async () => {
  stack = await startStack({
    label: 'web-private-tools',
    bundle: { env: { AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '20' }, label: 'bundle-web-private' },
    users: ['alice', 'bob', 'carol'],
    group: { name: 'Private tools', members: ['bob', 'carol'] },
    client: { user: 'bob' },
  });
  ({ tc, bundle, api, botUserId } = stack);
  ({ bob, carol } = stack.users as { bob: TestUser; carol: TestUser });
  ({ groupId, panelId } = stack.group!);
  bobClient = stack.client;
  carolClient = await openRealClient(tc.url, carol.token, `/main/group/${groupId}/${panelId}`, { browser: stack.browser });
}, 300_000);

afterAll(() => stack?.stop());

function toolCard(page: Page, runId: string): Locator {
  return page.locator(`[data-testid="tcai-message"][data-run-id="${runId}"][data-run-status="done"] [data-testid="tcai-tool"]`);
}

describe('private tool output in the real web client', () => {
  it('the requester clicks "Show details" and reads the arguments; another member sees only name and status', async () => {
    const prompt = await api.sendMessage(bob.token, {
      converseId: panelId,
      groupId,
      content: `[at=${botUserId}]${BOT_NICKNAME}[/at] please use a tool on these seven words`,
      meta: { mentions: [botUserId] },
    });
    const runId = `tc-${prompt._id}`;

    const mine = toolCard(bobClient.page, runId);
    await mine.waitFor({ timeout: 60_000 });
    expect(await mine.getAttribute('data-redacted')).toBe('true');
    expect(await mine.locator('[data-testid="tcai-tool-status"]').innerText()).toBe('Succeeded');
    expect(await mine.locator('[data-testid="tcai-tool-args"]').count()).toBe(0);
    const show = mine.locator('[data-testid="tcai-tool-show"]');
    await show.waitFor({ timeout: 15_000 });
    const fetched = bobClient.page.waitForResponse((r) => r.url().endsWith(`/api/${CHAT_SERVICE}/getToolOutput`));
    await show.click();
    expect((await fetched).status()).toBe(200);
    const args = mine.locator('[data-testid="tcai-tool-args"]');
    await args.waitFor();
    expect(await args.innerText()).toContain('please use a tool on these seven words');
    expect(await mine.locator('[data-testid="tcai-tool-result"]').innerText()).toContain('"words"');
    await mine.screenshot({ path: `${SHOTS}/90-private-tool-requester.png` });

    const theirs = toolCard(carolClient!.page, runId);
    await theirs.waitFor({ timeout: 30_000 });
    expect(await theirs.locator('.tcai-tool-name').innerText()).toBe('word_count');
    expect(await theirs.locator('[data-testid="tcai-tool-status"]').innerText()).toBe('Succeeded');
    await theirs.locator('[data-testid="tcai-tool-private-note"]').waitFor({ timeout: 15_000 });
    expect(await theirs.innerText()).toContain('Only the requester and approvers can see the details');
    expect(await theirs.locator('[data-testid="tcai-tool-show"]').count()).toBe(0);
    expect(await theirs.locator('[data-testid="tcai-tool-args"], [data-testid="tcai-tool-result"], [data-testid="tcai-tool-toggle"]').count()).toBe(0);
    await theirs.screenshot({ path: `${SHOTS}/91-private-tool-member.png` });
  });
});
