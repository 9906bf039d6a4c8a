/**
 * Group detail → "AI assistant": per-group settings loaded with getGroupSettings and saved with
 * saveGroupSettings; client-side validation with the protocol's schema; server refusals shown.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, type GroupSettings } from '../../protocol/actions.js';
import { GROUP_ID } from './support/fixtures.js';
import { SHOTS, startWebHost, type WebHost } from './support/webhost.js';

let host: WebHost;

const STORED: GroupSettings = {
  enabled: false,
  engine: 'openclaw',
  agentId: 'main',
  trigger: 'mention',
  prefix: '/ai',
  allMessagesPanels: [],
  sessionScope: 'panel',
};

beforeAll(async () => {
  host = await startWebHost();
  await host.loadPlugins();
  await host.page.evaluate(
    (groupId) =>
      window.__host.setGroup({
        _id: groupId,
        name: 'Team',
        panels: [
          { id: 'p1', name: 'general', type: 0 },
          { id: 'p2', name: 'random', type: 0 },
          { id: 'f1', name: 'Folder', type: 1 },
          { id: 'w1', name: 'Web page', type: 2 },
        ],
      }),
    GROUP_ID
  );
});
afterAll(async () => {
  await host?.close();
});
beforeEach(async () => {
  await host.page.evaluate(() => window.__host.clear());
  host.requests.length = 0;
  host.respond(ACTIONS.getGroupSettings, () => ({ status: 200, body: { code: 200, data: { settings: STORED, canConfigure: true } } }));
  host.respond(ACTIONS.saveGroupSettings, (body) => ({ status: 200, body: { code: 200, data: { settings: (body as { settings: GroupSettings }).settings } } }));
});

async function openSettings() {
  await host.page.evaluate((groupId) => window.__host.openGroupDetail(groupId), GROUP_ID);
  const form = host.page.locator('[data-testid="tcai-settings"]');
  await form.waitFor();
  return form;
}

describe('group settings panel', () => {
  it('loads the stored settings of the group in the group detail', async () => {
    const form = await openSettings();
    expect(await host.page.locator('[data-testid="host-panel-label"]').innerText()).toBe('AI assistant');
    expect(host.requests.find((r) => r.action === 'getGroupSettings')?.body).toEqual({ groupId: GROUP_ID });
    expect(await form.locator('[data-testid="tcai-settings-enabled"]').isChecked()).toBe(false);
    expect(await form.locator('[data-testid="tcai-settings-engine"]').inputValue()).toBe('openclaw');
    expect(await form.locator('[data-testid="tcai-settings-agent"]').inputValue()).toBe('main');
    expect(await form.locator('[data-testid="tcai-settings-trigger-mention"]').isChecked()).toBe(true);
    expect(await form.locator('[data-testid="tcai-settings-scope-panel"]').isChecked()).toBe(true);
    expect(await form.locator('[data-testid="tcai-settings-readonly"]').count()).toBe(0);
  });

  it('saves every field (trigger "all" lists only text panels)', async () => {
    const form = await openSettings();
    await form.locator('[data-testid="tcai-settings-enabled"]').check();
    await form.locator('[data-testid="tcai-settings-engine"]').selectOption('mbe');
    await form.locator('[data-testid="tcai-settings-agent"]').fill('helper');
    await form.locator('[data-testid="tcai-settings-trigger-prefix"]').check();
    await form.locator('[data-testid="tcai-settings-prefix"]').fill('!ai');
    await form.locator('[data-testid="tcai-settings-trigger-all"]').check();
    const panels = form.locator('[data-testid="tcai-settings-panels"] input');
    expect(await panels.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).toEqual(['tcai-settings-panel-p1', 'tcai-settings-panel-p2']);
    await form.locator('[data-testid="tcai-settings-panel-p2"]').check();
    await form.locator('[data-testid="tcai-settings-scope-thread"]').check();
    await host.page.screenshot({ path: `${SHOTS}/40-settings-edit.png` });
    await form.locator('[data-testid="tcai-settings-save"]').click();
    await host.page.locator('[data-testid="host-toast"][data-type="success"]').waitFor();
    expect(host.requests.find((r) => r.action === 'saveGroupSettings')?.body).toEqual({
      groupId: GROUP_ID,
      settings: { enabled: true, engine: 'mbe', agentId: 'helper', trigger: 'all', prefix: '!ai', allMessagesPanels: ['p2'], sessionScope: 'thread' },
    });
  });

  it('checks fields with the protocol schema before sending', async () => {
    const form = await openSettings();
    await form.locator('[data-testid="tcai-settings-agent"]').fill('');
    await form.locator('[data-testid="tcai-settings-save"]').click();
    await form.getByText('Required').waitFor();
    expect(await form.locator('[data-testid="tcai-settings-error"]').innerText()).toContain('Check the highlighted fields');
    expect(host.requests.some((r) => r.action === 'saveGroupSettings')).toBe(false);
  });

  it('shows a refusal from the server', async () => {
    host.respond(ACTIONS.saveGroupSettings, () => ({
      status: 403,
      body: { code: 403, name: 'MoleculerClientError', message: 'You do not have the "configure" permission of the AI assistant in this group.' },
    }));
    const form = await openSettings();
    await form.locator('[data-testid="tcai-settings-enabled"]').check();
    await form.locator('[data-testid="tcai-settings-save"]').click();
    const error = form.locator('[data-testid="tcai-settings-error"]');
    await error.waitFor();
    expect(await error.innerText()).toBe('Not saved: You do not have the "configure" permission of the AI assistant in this group.');
    await host.page.locator('[data-testid="host-toast"][data-type="error"]').waitFor();
    expect(await form.locator('[data-testid="tcai-settings-save"]').isEnabled()).toBe(true);
    await host.page.screenshot({ path: `${SHOTS}/41-settings-refused.png` });
  });

  it('is read-only for members without the configure permission', async () => {
    host.respond(ACTIONS.getGroupSettings, () => ({ status: 200, body: { code: 200, data: { settings: { ...STORED, enabled: true }, canConfigure: false } } }));
    const form = await openSettings();
    await form.locator('[data-testid="tcai-settings-readonly"]').waitFor();
    expect(await form.locator('[data-testid="tcai-settings-enabled"]').isDisabled()).toBe(true);
    expect(await form.locator('[data-testid="tcai-settings-engine"]').isDisabled()).toBe(true);
    expect(await form.locator('[data-testid="tcai-settings-save"]').count()).toBe(0);
  });

  it('reports a failed load', async () => {
    host.respond(ACTIONS.getGroupSettings, () => ({ status: 403, body: { code: 403, message: 'Not a member of this group.' } }));
    await host.page.evaluate((groupId) => window.__host.openGroupDetail(groupId), GROUP_ID);
    const error = host.page.locator('[data-testid="tcai-settings-error"]');
    await error.waitFor();
    expect(await error.innerText()).toBe('Could not load the settings: Not a member of this group.');
  });

  it('is translated to Chinese', async () => {
    await host.page.evaluate(() => window.__host.setLang('zh-CN'));
    const form = await openSettings();
    expect(await form.innerText()).toContain('在本群组启用');
    expect(await form.locator('[data-testid="tcai-settings-save"]').innerText()).toBe('保存');
    await host.page.screenshot({ path: `${SHOTS}/42-settings-zh-CN.png` });
    await host.page.evaluate(() => window.__host.setLang('en-US'));
  });
});
