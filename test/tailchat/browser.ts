/**
 * Headless Debian Chromium driven by playwright-core, and a page object for the real Tailchat
 * web client (served by Tailchat itself from its public/ dir).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from './kit.js';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** The machine has no network: background fetches would only fail and slow everything down. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run the README's test command (it installs Debian's chromium) or set CHROMIUM`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A fresh profile; the dist's service worker would cache /plugins/* across tests, so it is blocked. */
export function newContext(browser: Browser, init?: { installedPlugins?: unknown[] }): Promise<BrowserContext> {
  return browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 860 } }).then(async (ctx) => {
    if (init?.installedPlugins) {
      await ctx.addInitScript((plugins) => {
        localStorage.setItem('$TailchatInstalledPlugins', JSON.stringify({ rawData: plugins }));
      }, init.installedPlugins);
    }
    return ctx;
  });
}

export class TailchatWebClient {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async login(email: string, password: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/entry/login`, { waitUntil: 'domcontentloaded' });
    await this.page.locator('input[name="login-email"]').fill(email);
    await this.page.locator('input[name="login-password"]').fill(password);
    await this.page.getByRole('button', { name: 'Login', exact: true }).click();
    await this.page.waitForURL(/\/main/, { timeout: 30_000 });
  }

  /** A new account gets Tailchat's guided tour, whose overlay swallows clicks. */
  async dismissTour(): Promise<void> {
    const skip = this.page.getByText('Skip Tour').first();
    await skip.waitFor({ timeout: 4_000 }).then(
      () => skip.click(),
      () => undefined,
    );
  }

  async openPanel(groupId: string, panelId: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/main/group/${groupId}/${panelId}`, { waitUntil: 'domcontentloaded' });
    await this.input().waitFor({ timeout: 60_000 });
    await this.dismissTour();
  }

  input() {
    return this.page.locator('textarea').last();
  }

  async send(text: string): Promise<void> {
    const input = this.input();
    await input.click();
    await input.fill(text);
    await input.press('Enter');
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
