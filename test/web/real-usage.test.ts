/**
 * Usage, budget and audit log in the REAL Tailchat web client: the kit's Tailchat and web client,
 * the bundle's own process (scripted engine, which reports token usage) and this plugin.
 * alice owns the group: after a few replies she opens Group detail → AI assistant and sees this
 * month's runs and tokens with her name among the top members; she sets a budget below what the
 * group used, saves, and the audit log shows her change; the next mention is answered with the
 * budget notice in the chat.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageReport } from '../../protocol/admin.js';
import type { BundleProcess } from '../support/bundle-process.js';
import { BOT_NICKNAME } from '../support/conversation.js';
import { TailchatApi, type TestUser } from '../tailchat/api.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';
import { openGroupSettings, type RealClient } from './support/real-client.js';
import { SHOTS } from './support/webhost.js';
import { CHAT_SERVICE } from '../../services/names.js';


let stack: Stack;
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
  stack = await startStack({
    label: 'web-usage',
    bundle: { env: { AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '20', AI_STREAM_INTERVAL_MS: '150' }, label: 'bundle-web-usage' },
    users: ['alice'],
    group: { name: 'Usage group' },
    client: { user: 'alice' },
  });
  ({ tc, bundle, api, botUserId } = stack);
  alice = stack.users.alice!;
  ({ groupId, panelId } = stack.group!);
  client = stack.client;
  page = client.page;
}, 300_000);

afterAll(() => stack?.stop());

const ask = (text: string) =>
  api.sendMessage(alice.token, { converseId: panelId, groupId, content: `[at=${botUserId}]${BOT_NICKNAME}[/at] ${text}`, meta: { mentions: [botUserId] } });
const usage = () => api.call<UsageReport>(`${CHAT_SERVICE}.getUsage`, { groupId }, alice.token);

describe('usage and audit log in the real web client', () => {
  it('shows the month\'s usage and top members, saves a budget that the audit log records, and the agent then answers with the budget notice', async () => {
    for (const text of ['first question', 'second question']) await ask(text);
    await expect.poll(async () => (await usage()).totals.runs, { timeout: 30_000 }).toBe(2);
    const used = (await usage()).totals.totalTokens;

    await openGroupSettings(page);
    const section = page.locator('[data-testid="tcai-usage"]');
    await section.locator('[data-testid="tcai-usage-runs"]').waitFor({ timeout: 15_000 });
    expect(await section.locator('[data-testid="tcai-usage-runs"]').innerText()).toBe('2');
    expect(await section.locator('[data-testid="tcai-usage-tokens"]').innerText()).toBe(used.toLocaleString('en-US'));
    expect(await section.locator('[data-testid="tcai-usage-budget"]').innerText()).toContain('No monthly budget');
    // Tailchat's own user display names the member.
    const topRow = section.locator('[data-testid="tcai-usage-users-row"]').first();
    expect(await topRow.getAttribute('data-id')).toBe(alice.userId);
    await expect.poll(() => topRow.innerText(), { timeout: 10_000 }).toContain(alice.nickname);
    expect(await page.locator('[data-testid="tcai-audit"]').innerText()).toContain('No approvals, settings changes or opened tool details yet.');

    await page.locator('[data-testid="tcai-settings-budget"]').fill(String(used));
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/${CHAT_SERVICE}/saveGroupSettings`));
    await page.locator('[data-testid="tcai-settings-save"]').click();
    expect((await saved).status()).toBe(200);
    const entry = page.locator('[data-testid="tcai-audit-entry"]').first();
    await entry.waitFor({ timeout: 15_000 });
    expect(await entry.getAttribute('data-action')).toBe('settings.changed');
    expect(await entry.innerText()).toContain(`monthlyTokenBudget: (none) → ${used}`);
    await expect.poll(() => entry.innerText(), { timeout: 10_000 }).toContain(alice.nickname);
    const budget = section.locator('[data-testid="tcai-usage-budget"]');
    await expect.poll(() => budget.getAttribute('data-exceeded'), { timeout: 10_000 }).toBe('true');
    expect(await budget.innerText()).toContain(`${used.toLocaleString('en-US')} of ${used.toLocaleString('en-US')} tokens (100%)`);
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/90-usage-audit-real-client.png` });

    await page.keyboard.press('Escape');
    await ask('a question over budget');
    const notice = page.locator('.chat-message-item').filter({ hasText: 'This group has used its AI budget for' });
    await notice.first().waitFor({ timeout: 20_000 });
    expect(await notice.first().innerText()).toContain('an admin can raise it in the AI settings');
    await page.screenshot({ path: `${SHOTS}/91-budget-notice-real-client.png` });
    expect((await usage()).totals.runs).toBe(2);
  });
});
