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

  /** The chat input's "+" menu (ChatInputBox/Addon.tsx; shown while the input is empty) → `label`. */
  async chooseInputAction(label: string): Promise<void> {
    await this.page.locator('svg.transition.transform.text-2xl').last().click();
    await this.page.locator('.ant-dropdown:not(.ant-dropdown-hidden) .ant-dropdown-menu-item').filter({ hasText: label }).click();
  }

  /**
   * "+" → `label` ("Send Image" / "Send File"), answering the file dialog the client opens
   * (`openFile` in utils/file-helper: a hidden `<input type=file>` it clicks) with `file`.
   */
  async chooseFileInputAction(label: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.chooseInputAction(label);
    await (await chooser).setFiles(file);
  }

  /**
   * Send Image's preview dialog (modals/ImageUploadPreviewer.tsx): "Upload original image" on
   * (else the client re-encodes the picture before uploading it), then Confirm.
   */
  async confirmImageUpload({ original }: { original: boolean }): Promise<void> {
    const dialog = this.page.locator('.ant-modal, [class*="modal"]').filter({ hasText: 'Upload picture to converse' }).last();
    await dialog.waitFor({ timeout: 15_000 });
    const toggle = dialog.locator('.ant-switch');
    if ((await toggle.getAttribute('aria-checked')) !== String(original)) await toggle.click();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  }

  /** Hover message `id` → its "…" action → Reply: the input then quotes it (ChatReply). */
  async replyTo(id: string): Promise<void> {
    const item = await this.hoverMessage(id);
    // The hover bar (Item.tsx): the emoji reaction button, then "…" with the message's menu.
    await item.locator(':scope > div.absolute > div').last().click();
    await this.page.locator('.ant-dropdown:not(.ant-dropdown-hidden) .ant-dropdown-menu-item').filter({ hasText: 'Reply' }).click();
  }

  /** Another panel of the open group through the group's sidebar link (no page load). */
  async openPanelInSidebar(groupId: string, panelId: string): Promise<void> {
    await this.page.locator(`a[href$="/main/group/${groupId}/${panelId}"]`).first().click();
    await this.page.waitForURL(new RegExp(`/main/group/${groupId}/${panelId}$`));
    await this.input().waitFor({ timeout: 30_000 });
  }

  /** Tailchat's message item of message `id`, hovered (its hover-only actions show). */
  async hoverMessage(id: string) {
    const item = this.page.locator(`[data-message-id="${id}"]`);
    await item.hover();
    return item;
  }

  /** The AI panel of run `runId` (the plugin's view under Tailchat's message item). */
  aiReply(runId: string) {
    return this.page.locator(`[data-testid="tcai-message"][data-run-id="${runId}"]`);
  }

  /** Clicks Regenerate under the reply of run `runId`. */
  async regenerate(runId: string): Promise<void> {
    await this.aiReply(runId).locator('[data-testid="tcai-regenerate"]').click();
  }

  /** The "n of total" label of the attempt pager under the reply of run `runId`. */
  attemptPosition(runId: string) {
    return this.aiReply(runId).locator('[data-testid="tcai-attempt-position"]');
  }

  /** ‹ or › in the attempt pager under the reply of run `runId`. */
  async showAttempt(runId: string, which: 'prev' | 'next'): Promise<void> {
    await this.aiReply(runId).locator(`[data-testid="tcai-attempt-${which}"]`).click();
  }

  /** The one-line stand-in of a reply that a regenerated one replaced. */
  supersededReply(runId: string) {
    return this.page.locator(`[data-testid="tcai-superseded"][data-run-id="${runId}"]`);
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
