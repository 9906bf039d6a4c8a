/**
 * The real Tailchat web client with this plugin: the kit's prebuilt dist (test/tailchat/web-dist.ts)
 * served by a kit Tailchat from its public dir next to the built plugin, and a Chromium page
 * signed in as a user with the plugin pre-installed, as the Plugin Store and the login leave
 * browser storage (so no UI login or store clicks per test).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../tailchat/browser.js';
import type { StartOptions } from '../../tailchat/kit.js';
import { ensureWebDist } from '../../tailchat/web-dist.js';
import { REPO, ensurePluginBuilt } from './webhost.js';

/** startTailchat options that serve the web client and the built plugin at {BACKEND}/plugins/. */
export function webClientFiles(): Pick<StartOptions, 'publicDirs'> {
  ensurePluginBuilt();
  return { publicDirs: { '': ensureWebDist(), 'plugins/com.yourcompany.ai': path.join(REPO, 'dist/plugins/com.yourcompany.ai') } };
}

export interface RealClient {
  browser: Browser;
  page: Page;
  /** Console lines and page errors of the page. */
  logs: string[];
  close(): Promise<void>;
}

/** Chromium on `url + route`, signed in with `token`, the plugin's manifest.json installed. */
export async function openRealClient(url: string, token: string, route: string): Promise<RealClient> {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'plugins/com.yourcompany.ai/manifest.json'), 'utf8')) as Record<string, unknown>;
  const browser = await launchBrowser();
  // The dist registers a workbox service worker that would cache /plugins/*.
  const context = await browser.newContext({ serviceWorkers: 'block', locale: 'en-US', viewport: { width: 1400, height: 900 } });
  await context.addInitScript(
    ({ manifest, token }) => {
      // react-native-storage envelopes, as written by the Plugin Store install and the login.
      localStorage.setItem('$TailchatInstalledPlugins', JSON.stringify({ rawData: [manifest] }));
      localStorage.setItem('jsonwebtoken', JSON.stringify({ rawData: token }));
    },
    { manifest, token }
  );
  const page = await context.newPage();
  const logs: string[] = [];
  page.on('console', (message) => logs.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => logs.push(`[pageerror] ${error.message}`));
  await page.goto(url + route);
  await waitForChat(page);
  return { browser, page, logs, close: () => browser.close() };
}

/** The chat input is up (and the first-run tour, if shown, dismissed). */
export async function waitForChat(page: Page): Promise<void> {
  await page.locator('textarea').last().waitFor({ timeout: 60_000 });
  const skip = page.getByText('Skip Tour');
  if (await skip.count()) await skip.first().click().catch(() => {});
}

/** Group header → "View Detail" → Plugins → "AI assistant". */
export async function openGroupSettings(page: Page): Promise<void> {
  await page.locator('[data-testid="group-header"]').click();
  await page.locator('.ant-dropdown-menu-item').filter({ hasText: /View Detail|Show Detail|查看详情/ }).first().click();
  await page.getByText('AI assistant', { exact: true }).first().click();
}
