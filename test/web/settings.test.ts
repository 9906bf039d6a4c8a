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

  it('tool details: private by default, "Every member" is saved as toolOutput everyone', async () => {
    const form = await openSettings();
    expect(await form.locator('[data-testid="tcai-settings-toolOutput-private"]').isChecked()).toBe(true);
    await form.locator('[data-testid="tcai-settings-toolOutput-everyone"]').check();
    await form.locator('[data-testid="tcai-settings-save"]').click();
    await host.page.locator('[data-testid="host-toast"][data-type="success"]').waitFor();
    expect((host.requests.find((r) => r.action === 'saveGroupSettings')?.body as { settings: GroupSettings }).settings.toolOutput).toBe('everyone');
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

describe('usage and audit log in the settings panel (admins)', () => {
  const USAGE = {
    groupId: GROUP_ID,
    month: '2026-05',
    totals: { runs: 7, inputTokens: 9000, outputTokens: 3500, totalTokens: 12500 },
    users: [
      { id: 'user-a', runs: 5, inputTokens: 7000, outputTokens: 3000, totalTokens: 10000 },
      { id: 'user-b', runs: 2, inputTokens: 2000, outputTokens: 500, totalTokens: 2500 },
    ],
    agents: [{ id: 'main', runs: 7, inputTokens: 9000, outputTokens: 3500, totalTokens: 12500 }],
    engines: [{ id: 'openclaw', runs: 7, inputTokens: 9000, outputTokens: 3500, totalTokens: 12500 }],
    budget: 10000,
    renewsOn: '2026-06-01',
  };
  const AUDIT = {
    groupId: GROUP_ID,
    entries: [
      { at: '2026-05-03T10:00:00.000Z', groupId: GROUP_ID, actor: 'user-a', action: 'settings.changed', details: { changes: { trigger: { from: 'mention', to: 'prefix' } } } },
      { at: '2026-05-02T10:00:00.000Z', groupId: GROUP_ID, actor: 'user-b', action: 'approval.decided', details: { runId: 'tc-1', approvalId: 'a1', decision: 'deny' } },
    ],
  };
  beforeEach(() => {
    host.respond(ACTIONS.getUsage, () => ({ status: 200, body: { code: 200, data: USAGE } }));
    host.respond(ACTIONS.getAuditLog, () => ({ status: 200, body: { code: 200, data: AUDIT } }));
  });

  it('shows runs, tokens, the used-up budget, top members and the audit entries', async () => {
    await openSettings();
    const usage = host.page.locator('[data-testid="tcai-usage"]');
    await usage.locator('[data-testid="tcai-usage-runs"]').waitFor();
    expect(await usage.locator('[data-testid="tcai-usage-runs"]').innerText()).toBe('7');
    expect(await usage.locator('[data-testid="tcai-usage-tokens"]').innerText()).toBe('12,500');
    expect(await usage.locator('[data-testid="tcai-usage-budget"]').getAttribute('data-exceeded')).toBe('true');
    expect(await usage.locator('[data-testid="tcai-usage-budget"]').innerText()).toContain('12,500 of 10,000 tokens (125%)');
    expect(await usage.locator('[data-testid="tcai-usage-budget-exceeded"]').innerText()).toContain('refused until 2026-06-01');
    expect(await usage.locator('[data-testid="tcai-usage-users-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(['user-a', 'user-b']);
    expect(host.requests.find((r) => r.action === 'getUsage')?.body).toEqual({ groupId: GROUP_ID });
    const entries = host.page.locator('[data-testid="tcai-audit-entry"]');
    await entries.first().waitFor();
    expect(await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['settings.changed', 'approval.decided']);
    expect(await entries.first().innerText()).toContain('changed the settings: trigger: mention → prefix');
    expect(await entries.nth(1).innerText()).toContain('denied a command (tc-1)');
    await host.page.screenshot({ path: `${SHOTS}/43-settings-usage-audit.png`, fullPage: true });
  });

  it('saves a budget, and an empty field clears it; a fraction is refused before sending', async () => {
    const form = await openSettings();
    const budget = form.locator('[data-testid="tcai-settings-budget"]');
    await budget.fill('2.5');
    await form.locator('[data-testid="tcai-settings-save"]').click();
    await form.getByText('A whole number above 0, or empty').waitFor();
    expect(host.requests.some((r) => r.action === 'saveGroupSettings')).toBe(false);
    await budget.fill('50000');
    await form.locator('[data-testid="tcai-settings-save"]').click();
    await host.page.locator('[data-testid="host-toast"][data-type="success"]').waitFor();
    expect((host.requests.find((r) => r.action === 'saveGroupSettings')?.body as { settings: GroupSettings }).settings.monthlyTokenBudget).toBe(50000);
    // The sections reload after a save (the audit log then shows the change).
    await expect.poll(() => host.requests.filter((r) => r.action === 'getAuditLog').length).toBeGreaterThanOrEqual(2);
    host.requests.length = 0;
    await budget.fill('');
    await form.locator('[data-testid="tcai-settings-save"]').click();
    await expect.poll(() => host.requests.find((r) => r.action === 'saveGroupSettings')).toBeTruthy();
    expect((host.requests.find((r) => r.action === 'saveGroupSettings')?.body as { settings: GroupSettings }).settings.monthlyTokenBudget).toBeNull();
  });

  it('is not shown to members without the configure permission; a failed load is reported', async () => {
    host.respond(ACTIONS.getGroupSettings, () => ({ status: 200, body: { code: 200, data: { settings: STORED, canConfigure: false } } }));
    await (await openSettings()).locator('[data-testid="tcai-settings-readonly"]').waitFor();
    expect(await host.page.locator('[data-testid="tcai-usage"]').count()).toBe(0);
    expect(await host.page.locator('[data-testid="tcai-audit"]').count()).toBe(0);
    expect(host.requests.some((r) => r.action === 'getUsage' || r.action === 'getAuditLog')).toBe(false);

    host.respond(ACTIONS.getGroupSettings, () => ({ status: 200, body: { code: 200, data: { settings: STORED, canConfigure: true } } }));
    host.respond(ACTIONS.getUsage, () => ({ status: 500, body: { code: 500, message: 'Redis is down' } }));
    await host.page.evaluate(() => window.__host.clear());
    await openSettings();
    const error = host.page.locator('[data-testid="tcai-usage-error"]');
    await error.waitFor();
    expect(await error.innerText()).toBe('Could not load the usage: Redis is down');
  });

  it('is translated to Chinese', async () => {
    await host.page.evaluate(() => window.__host.setLang('zh-CN'));
    await openSettings();
    const usage = host.page.locator('[data-testid="tcai-usage"]');
    await usage.locator('[data-testid="tcai-usage-runs"]').waitFor();
    expect(await usage.innerText()).toContain('本月用量（2026-05，UTC）');
    expect(await host.page.locator('[data-testid="tcai-audit"]').innerText()).toContain('审计日志');
    await host.page.evaluate(() => window.__host.setLang('en-US'));
  });
});

describe('failed replies (admins)', () => {
  const FAILURES = {
    groupId: GROUP_ID,
    kept: true,
    failures: [
      { at: '2026-05-03T10:00:00.000Z', groupId: GROUP_ID, converseId: 'p2', runId: 'tc-650000000000000000000009', messageId: 'm9', engine: 'openclaw', cause: 'interrupted', requester: 'u_bob' },
      { at: '2026-05-02T10:00:00.000Z', groupId: GROUP_ID, converseId: 'p1', runId: 'tc-650000000000000000000008', engine: 'openclaw', cause: 'engine-down', requester: 'u_alice' },
    ],
  };

  it('lists each failure with its cause, engine and who asked; "Show" opens its panel and closes the settings', async () => {
    host.respond(ACTIONS.getFailedReplies, () => ({ status: 200, body: { code: 200, data: FAILURES } }));
    await openSettings();
    const entries = host.page.locator('[data-testid="tcai-failure"]');
    await entries.first().waitFor();
    expect(host.requests.find((r) => r.action === 'getFailedReplies')?.body).toEqual({ groupId: GROUP_ID });
    expect(await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-cause')))).toEqual(['interrupted', 'engine-down']);
    expect(await entries.first().innerText()).toMatch(/Interrupted\s+Engine: openclaw\s+Bob/);
    expect(await entries.nth(1).locator('[data-testid="tcai-failure-cause"]').innerText()).toBe('Engine down');
    await entries.first().locator('[data-testid="tcai-failure-show"]').click();
    await host.page.locator('[data-testid="host-group-detail"]').waitFor({ state: 'detached' });
    expect(await host.page.evaluate(() => window.__host.navigations())).toEqual([`/main/group/${GROUP_ID}/p2`]);
  });

  it('says when nothing failed, when failures are not kept (no database), and in Chinese', async () => {
    host.respond(ACTIONS.getFailedReplies, () => ({ status: 200, body: { code: 200, data: { groupId: GROUP_ID, failures: [], kept: true } } }));
    await openSettings();
    const section = host.page.locator('[data-testid="tcai-failures"]');
    await section.getByText('No reply ended in an error recently.').waitFor();

    await host.page.evaluate(() => window.__host.clear());
    host.respond(ACTIONS.getFailedReplies, () => ({ status: 200, body: { code: 200, data: { groupId: GROUP_ID, failures: [], kept: false } } }));
    await openSettings();
    await host.page.locator('[data-testid="tcai-failures-not-kept"]').waitFor();
    expect(await host.page.locator('[data-testid="tcai-failures-not-kept"]').innerText()).toContain('AI_MONGO_URL');

    await host.page.evaluate(() => window.__host.clear());
    await host.page.evaluate(() => window.__host.setLang('zh-CN'));
    host.respond(ACTIONS.getFailedReplies, () => ({ status: 200, body: { code: 200, data: FAILURES } }));
    await openSettings();
    await host.page.locator('[data-testid="tcai-failure"]').first().waitFor();
    expect(await section.innerText()).toContain('失败的回复');
    expect(await section.innerText()).toContain('被中断');
    await host.page.evaluate(() => window.__host.setLang('en-US'));
  });
});
