/**
 * The extension API: a separate mini-star plugin (examples/plugins/com.example.ai-weather)
 * imports `registerPanel` from `@plugins/com.yourcompany.ai` and draws a new block type.
 * Loaded after a reply was already on screen, it upgrades that reply's text fallback in place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiMessage, aiMeta } from './support/fixtures.js';
import { SHOTS, startWebHost, type WebHost } from './support/webhost.js';

let host: WebHost;

beforeAll(async () => {
  host = await startWebHost();
  await host.loadPlugins(['com.yourcompany.ai']);
});
afterAll(async () => {
  await host?.close();
});

describe('third-party panels', () => {
  it('a block type nobody registered shows as text until its plugin loads, then as its panel', async () => {
    const { page } = host;
    const blocks = [
      { type: 'markdown', text: 'Weather for your trip:' },
      { type: 'weather', city: 'Lisbon', tempC: 21, summary: 'sunny' },
      { type: 'weather', city: 'Oslo', tempC: 'cold' }, // fails the plugin's validate()
    ];
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('w1', 'Lisbon 21 °C', aiMeta(blocks)));
    const item = page.locator('[data-message-id="w1"]');
    await item.locator('[data-testid="tcai-fallback"]').first().waitFor();
    expect(await item.locator('[data-testid="tcai-fallback"]').count()).toBe(2);
    expect(await item.locator('[data-testid="tcai-fallback"]').first().innerText()).toContain('Lisbon');

    await host.loadPlugins(['com.example.ai-weather']);
    await item.locator('[data-testid="example-weather"]').waitFor();
    expect(await item.locator('[data-testid="example-weather"]').innerText()).toContain('Lisbon');
    expect(await item.locator('[data-testid="example-weather"]').count()).toBe(1);
    // The invalid one stays readable text, marked as data the panel cannot show.
    const invalid = item.locator('[data-testid="tcai-fallback"]');
    expect(await invalid.count()).toBe(1);
    expect(await invalid.getAttribute('data-reason')).toBe('invalid');
    expect(await invalid.innerText()).toContain('Oslo');
    await item.screenshot({ path: `${SHOTS}/50-third-party-panel.png` });
  });

  it('exposes the registry as the plugin module for other plugins', async () => {
    const api = await host.page.evaluate(
      () =>
        new Promise<{ keys: string[]; types: string[] }>((resolve, reject) => {
          const requirePlugin = (window as unknown as { requirePlugin: (deps: string[], ok: (m: Record<string, unknown>) => void, fail: (e: unknown) => void) => void }).requirePlugin;
          requirePlugin(
            ['@plugins/com.yourcompany.ai'],
            (module) => resolve({ keys: Object.keys(module).sort(), types: (module.getRegisteredPanelTypes as () => string[])() }),
            reject
          );
        })
    );
    expect(api.keys).toEqual(['AI_META_KEY', 'PLUGIN_ID', 'getRegisteredPanelTypes', 'registerPanel']);
    expect(api.types).toEqual(['markdown', 'code', 'diff', 'tool', 'approval', 'error', 'badge', 'weather']);
  });
});
