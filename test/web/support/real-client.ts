/**
 * The real Tailchat web client with this plugin: the kit's prebuilt dist (test/tailchat/web-dist.ts)
 * served by a kit Tailchat from its public dir next to the built plugin and a `registry-be.json`
 * listing it (the Plugin Store's server list), and Chromium pages signed in as a user, with the
 * plugin pre-installed the way the Plugin Store leaves browser storage, or not (then the test
 * installs it through the store's UI).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../tailchat/browser.js';
import type { StartOptions } from '../../tailchat/kit.js';
import { ensureWebDist } from '../../tailchat/web-dist.js';
import { REPO, ensurePluginBuilt } from './webhost.js';

const MANIFEST = path.join(REPO, 'plugins/com.yourcompany.ai/manifest.json');

export function pluginManifest(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as Record<string, unknown>;
}

/**
 * startTailchat options that serve the web client, the built plugin at {BACKEND}/plugins/ and
 * `registry-be.json` listing its manifest (as `scripts/stack.ts` does for the local stack).
 */
export function webClientFiles(): Pick<StartOptions, 'publicDirs' | 'publicFiles'> {
  ensurePluginBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcai-web-'));
  fs.writeFileSync(path.join(dir, 'registry-be.json'), JSON.stringify([pluginManifest()], null, 2));
  // Tailchat's builtin com.msgbyte.iam loads from {BACKEND}/plugins/, which the kit's server does
  // not build: an empty stand-in keeps its "Plugin failed to load" toast off every screenshot.
  fs.writeFileSync(path.join(dir, 'iam.js'), "definePlugin('@plugins/com.msgbyte.iam', [], function () {});\n");
  return {
    publicDirs: { '': ensureWebDist(), 'plugins/com.yourcompany.ai': path.join(REPO, 'dist/plugins/com.yourcompany.ai') },
    publicFiles: { 'registry-be.json': path.join(dir, 'registry-be.json'), 'plugins/com.msgbyte.iam/index.js': path.join(dir, 'iam.js') },
  };
}

export interface RealClient {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console lines and page errors of the page. */
  logs: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Put the plugin's manifest.json in the installed list before the page loads (default true). */
  preinstall?: boolean;
  /** Open a new context in this browser instead of launching one (close() then keeps the browser). */
  browser?: Browser;
}

/** Chromium on `url + route`, signed in with `token` (a returning user: no first-run tour). */
export async function openRealClient(url: string, token: string, route: string, options: OpenOptions = {}): Promise<RealClient> {
  const manifest = options.preinstall === false ? null : pluginManifest();
  const browser = options.browser ?? (await launchBrowser());
  // The dist registers a workbox service worker that would cache /plugins/*.
  const context = await browser.newContext({ serviceWorkers: 'block', locale: 'en-US', viewport: { width: 1400, height: 900 } });
  await context.addInitScript(
    ({ manifest, token }) => {
      // react-native-storage envelopes, as written by the Plugin Store install and the login.
      // Only on the first load of the context: a later reload keeps what the page itself stored.
      if (localStorage.getItem('jsonwebtoken') === null) {
        if (manifest) localStorage.setItem('$TailchatInstalledPlugins', JSON.stringify({ rawData: [manifest] }));
        localStorage.setItem('jsonwebtoken', JSON.stringify({ rawData: token }));
      }
      // The intro plugin's guided tour (its overlay swallows clicks) has run before.
      localStorage.setItem('plugin:com.msgbyte.intro/hasRun', 'true');
    },
    { manifest, token }
  );
  const page = await context.newPage();
  const logs: string[] = [];
  page.on('console', (message) => logs.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => logs.push(`[pageerror] ${error.message}`));
  await page.goto(url + route);
  if (route.startsWith('/main/group/')) await waitForChat(page);
  return { browser, context, page, logs, close: () => (options.browser ? context.close() : browser.close()) };
}

/** The chat input is up (and the first-run tour, if shown anyway, dismissed). */
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

/**
 * On the Plugin Store page (`/main/personal/plugins`): "All" → the card of com.yourcompany.ai (listed from the server's
 * registry-be.json) → Install. Resolves with the store's toast text (it asks for a page refresh,
 * the manifest has requireRestart).
 * Selectors (Tailchat 1.11 PluginStore/index.tsx + Item.tsx): antd tabs `[role=tab]` named
 * "All"/"全部"; a card is `div.rounded-md` showing the label and the manifest `name`; its buttons read
 * "Install"/"安装", then "Installed"/"已安装"; toasts are `[data-testid="toast"]` (web init.tsx).
 * The buttons are found by the text a user reads, not by their accessible name: antd keeps the
 * loading spinner (`aria-label="loading"`) in the button until its leave transition ends, and on a
 * busy machine that transition can stay unfinished, so the name reads "loading Installed" while the
 * user sees "Installed" (this was the "first click does not take" flake: the install had taken).
 */
export async function installFromPluginStore(page: Page): Promise<string> {
  await page.getByRole('tab', { name: /^(All|全部)$/ }).click();
  const card = page.locator('div.rounded-md').filter({ hasText: 'com.yourcompany.ai' });
  await card.waitFor({ timeout: 30_000 });
  await card.locator('button', { hasText: /^\s*(Install|安装)\s*$/ }).click();
  await card.locator('button', { hasText: /^\s*(Installed|已安装)\s*$/ }).waitFor({ timeout: 15_000 });
  const toast = page.locator('[data-testid="toast"]').filter({ hasText: /refresh|刷新/ });
  await toast.waitFor({ timeout: 10_000 });
  return toast.innerText();
}
