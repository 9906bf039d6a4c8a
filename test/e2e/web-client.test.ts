/**
 * What a person sees: the real Tailchat web client (served by the real Tailchat server) in
 * Chromium, logged in as a member, talking to the agent in a group panel. No frontend plugin is
 * installed here: the reply must be readable in a stock client too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startStack, type Stack } from '../support/stack.js';
import type { TestUser } from '../tailchat/api.js';
import { newContext, TailchatWebClient } from '../tailchat/browser.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { CHAT_SERVICE } from '../../services/names.js';

describe('the stock Tailchat web client', () => {
  let stack: Stack;
  let tc: TailchatInstance;
  let browser: Browser;
  let alice: TestUser;
  let group: { groupId: string; textPanelId: string };

  beforeAll(async () => {
    // The shared Tailchat serves the web client; the plugin is not installed in this browser.
    stack = await startStack({
      label: 'web',
      bundle: { env: { AI_SCRIPTED_CHUNK_DELAY_MS: '40', AI_STREAM_INTERVAL_MS: '150' }, label: 'bundle-web' },
      users: ['alice'],
      group: { name: 'Web AI', webDefaults: false },
      browser: true,
    });
    ({ tc, browser } = stack);
    alice = stack.users.alice!;
    group = { groupId: stack.group!.groupId, textPanelId: stack.group!.panelId };
    // Typing a mention needs the picker; the owner switches the group to the "/ai" prefix instead,
    // through the plugin's own settings action over HTTP.
    const saved = await stack.api.call<{ settings: { trigger: string } }>(`${CHAT_SERVICE}.saveGroupSettings`, { groupId: group.groupId, settings: { trigger: 'prefix' } }, alice.token);
    expect(saved.settings.trigger).toBe('prefix');
  });
  afterAll(() => stack?.stop());

  it('shows the reply growing, then the final reply, which survives a reload', async () => {
    const ctx = await newContext(browser);
    const client = new TailchatWebClient(await ctx.newPage(), tc.url);
    await client.login(alice.email, alice.password);
    await client.openPanel(group.groupId, group.textPanelId);
    await client.send('/ai hello from the browser, answer slowly');

    const reply = client.page.getByText('You said: "hello from the browser, answer slowly"').first();
    await reply.waitFor({ timeout: 30_000 });
    await client.screenshot('stock-client-streaming');
    // The long answer keeps growing while we look…
    await client.page.getByText('Line 60 of a long answer.').first().waitFor({ timeout: 30_000 });
    await client.page.waitForTimeout(1_000);
    await client.screenshot('stock-client-final');
    // …and after a reload exactly one reply is there: the stored one, no leftover draft.
    await client.page.reload({ waitUntil: 'domcontentloaded' });
    await client.page.getByText('Line 60 of a long answer.').first().waitFor({ timeout: 30_000 });
    expect(await client.page.getByText('You said: "hello from the browser, answer slowly"').count()).toBe(1);
    await ctx.close();
  }, 120_000);
});
