/**
 * What a person sees: the real Tailchat web client (served by the real Tailchat server) in
 * Chromium, logged in as a member, talking to the agent in a group panel. No frontend plugin is
 * installed here: the reply must be readable in a stock client too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startBundleProcess, type BundleProcess } from '../support/bundle-process.js';
import { createUser, TailchatApi, type TestUser } from '../tailchat/api.js';
import { launchBrowser, newContext, TailchatWebClient } from '../tailchat/browser.js';
import { startTailchat, waitForHealthServices, type TailchatInstance } from '../tailchat/kit.js';
import { ensureWebDist } from '../tailchat/web-dist.js';

describe('the stock Tailchat web client', () => {
  let tc: TailchatInstance;
  let bundle: BundleProcess;
  let browser: Browser;
  let alice: TestUser;
  let group: { groupId: string; textPanelId: string };

  beforeAll(async () => {
    tc = await startTailchat({ transporter: 'redis', label: 'web', publicDirs: { '': ensureWebDist() } });
    bundle = startBundleProcess({ TRANSPORTER: tc.transporter, TAILCHAT_NAMESPACE: tc.namespace, AI_SCRIPTED_CHUNK_DELAY_MS: '40', AI_STREAM_INTERVAL_MS: '150' }, 'bundle-web');
    await waitForHealthServices(tc.url, ['plugin:com.yourcompany.ai', 'plugin:com.yourcompany.ai.runner'], 60_000);
    const api = new TailchatApi(tc.url);
    alice = await createUser(api, 'alice');
    group = await api.createGroup(alice.token, 'Web AI');
    // Typing a mention needs the picker; the owner switches the group to the "/ai" prefix instead,
    // through the plugin's own settings action over HTTP.
    const saved = await api.call<{ settings: { trigger: string } }>('plugin:com.yourcompany.ai.saveGroupSettings', { groupId: group.groupId, settings: { trigger: 'prefix' } }, alice.token);
    expect(saved.settings.trigger).toBe('prefix');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await bundle?.stop();
    await tc?.stop();
  });

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
