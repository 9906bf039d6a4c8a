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
import { startBundleProcess, type BundleProcess } from '../support/bundle-process.js';
import { BOT_NICKNAME, botUserIdOn } from '../support/conversation.js';
import { TailchatApi, createUser, type TestUser } from '../tailchat/api.js';
import { startTailchat, waitForHealthServices, type TailchatInstance } from '../tailchat/kit.js';
import { openRealClient, webClientFiles, type RealClient } from './support/real-client.js';
import { SHOTS } from './support/webhost.js';

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
  tc = await startTailchat({ label: 'web-private-tools', ...webClientFiles(), waitForServices: ['gateway', 'user', 'group', 'chat.message'] });
  bundle = startBundleProcess({ TRANSPORTER: tc.transporter, TAILCHAT_NAMESPACE: tc.namespace, AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '20' }, 'bundle-web-private');
  api = new TailchatApi(tc.url);
  const [alice, b, c] = await Promise.all([createUser(api, 'alice'), createUser(api, 'bob'), createUser(api, 'carol')]);
  [bob, carol] = [b, c];
  ({ groupId, textPanelId: panelId } = await api.createGroup(alice.token, 'Private tools'));
  // What the web client's "create group" does (see real-agent.test.ts): members may see panels.
  await api.call('group.updateGroupField', { groupId, fieldName: 'fallbackPermissions', fieldValue: ['core.viewPanel', 'core.message'] }, alice.token);
  await api.joinGroup(alice.token, groupId, bob.token);
  await api.joinGroup(alice.token, groupId, carol.token);
  [botUserId, bobClient] = await Promise.all([
    botUserIdOn(tc),
    openRealClient(tc.url, bob.token, `/main/group/${groupId}/${panelId}`),
    waitForHealthServices(tc.url, ['plugin:com.yourcompany.ai', 'plugin:com.yourcompany.ai.runner'], 60_000),
  ]);
  carolClient = await openRealClient(tc.url, carol.token, `/main/group/${groupId}/${panelId}`, { browser: bobClient.browser });
}, 300_000);

afterAll(async () => {
  await carolClient?.close().catch(() => {});
  await bobClient?.close().catch(() => {});
  await bundle?.stop();
  await tc?.stop();
});

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
    const fetched = bobClient.page.waitForResponse((r) => r.url().endsWith('/api/plugin:com.yourcompany.ai/getToolOutput'));
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
