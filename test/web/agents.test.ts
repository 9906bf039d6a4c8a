/**
 * Named agents in the stand-in host (issue #21): the "AI-generated · <agent>" label under every
 * agent reply, from `getAgentUsers`' agents matched by the message's author; the Agents section
 * of the group settings (`getGroupAgents`, `setGroupAgent`, the default agent); starter prompts
 * (the "+" menu's picker in a group and a DM, the chips of a DM) and what they send.
 */
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, type AgentView, type GroupAgentsView, type GroupSettings } from '../../protocol/actions.js';
import { GROUP_ID, aiMessage, aiMeta } from './support/fixtures.js';
import { SHOTS, startWebHost, type WebHost } from './support/webhost.js';

const ASSISTANT: AgentView = { agentId: 'assistant', userId: 'u_bot', nickname: 'AI Assistant', starterPrompts: [], isDefault: true };
const CODER: AgentView = { agentId: 'coder', userId: 'u_coder', nickname: 'Coder', starterPrompts: ['Review my diff'], isDefault: false };

let host: WebHost;

beforeAll(async () => {
  // u_legacy is an agent user the server gives no view of (a bot from before named agents).
  host = await startWebHost({ agentUserIds: ['u_bot', 'u_coder', 'u_legacy'], agents: [ASSISTANT, CODER] });
  await host.loadPlugins();
  await host.page.evaluate((groupId) => window.__host.setGroup({ _id: groupId, name: 'Team', panels: [{ id: 'p1', name: 'general', type: 0 }] }), GROUP_ID);
});
afterAll(async () => {
  await host?.close();
});

const byAuthor = (id: string, author: string, content: string) => ({ ...aiMessage(id, content, aiMeta([{ type: 'markdown', text: content }])), author });

describe('the AI-generated label', () => {
  beforeAll(async () => {
    await host.page.evaluate(() => window.__host.clear());
  });

  it("names the agent whose bot wrote the reply; the stored content stays the agent's text", async () => {
    const { page } = host;
    for (const m of [byAuthor('by-assistant', 'u_bot', 'Hello from the assistant.'), byAuthor('by-coder', 'u_coder', 'The diff looks fine.')]) {
      await page.evaluate((message) => window.__host.addMessage(message), m);
    }
    const assistant = page.locator('[data-message-id="by-assistant"]');
    const coder = page.locator('[data-message-id="by-coder"]');
    await coder.locator('[data-testid="ai-label"]').waitFor();
    expect(await assistant.locator('[data-testid="ai-label"]').innerText()).toBe('AI-generated · AI Assistant');
    expect(await coder.locator('[data-testid="ai-label"]').innerText()).toBe('AI-generated · Coder');
    // The label is the panel's, not part of the message: its content is exactly what was stored.
    expect(await coder.locator('[data-testid="host-content"]').textContent()).toBe('The diff looks fine.');
    await host.shot('120-ai-label');
  });

  it("an agent user without a view is labelled without a name; a member's message carries no label", async () => {
    const { page } = host;
    await page.evaluate((m) => window.__host.addMessage(m), byAuthor('by-legacy', 'u_legacy', 'Old bot.'));
    await page.evaluate((m) => window.__host.addMessage(m), byAuthor('by-alice', 'u_alice', 'I look like a reply.'));
    await page.locator('[data-message-id="by-legacy"] [data-testid="ai-label"]').waitFor();
    expect(await page.locator('[data-message-id="by-legacy"] [data-testid="ai-label"]').innerText()).toBe('AI-generated');
    await page.locator('[data-message-id="by-alice"] [data-testid="host-content"]').waitFor();
    expect(await page.locator('[data-message-id="by-alice"] [data-testid="ai-label"]').count()).toBe(0);
  });

  it('is translated to Chinese', async () => {
    const { page } = host;
    await page.evaluate(() => window.__host.setLang('zh-CN'));
    await page.evaluate((m) => window.__host.addMessage(m), byAuthor('by-coder-zh', 'u_coder', '看起来没问题。'));
    const label = page.locator('[data-message-id="by-coder-zh"] [data-testid="ai-label"]');
    await label.waitFor();
    expect(await label.innerText()).toBe('AI 生成 · Coder');
    await page.evaluate(() => window.__host.setLang('en-US'));
  });
});

describe('the Agents section of the group settings', () => {
  const SETTINGS: GroupSettings = { enabled: true, engine: 'scripted', agentId: 'main', trigger: 'mention', prefix: '/ai', allMessagesPanels: [], sessionScope: 'panel', defaultAgent: 'assistant' };
  let view: GroupAgentsView;

  beforeEach(async () => {
    await host.page.evaluate(() => window.__host.clear());
    host.requests.length = 0;
    view = { agents: [{ ...ASSISTANT, member: true }, { ...CODER, member: false }], defaultAgentId: 'assistant', canConfigure: true };
    host.respond(ACTIONS.getGroupSettings, () => ({ status: 200, body: { code: 200, data: { settings: SETTINGS, canConfigure: view.canConfigure } } }));
    host.respond(ACTIONS.getGroupAgents, () => ({ status: 200, body: { code: 200, data: view } }));
    host.respond(ACTIONS.setGroupAgent, (body) => {
      const { agentId, member } = body as { agentId: string; member: boolean };
      view = { ...view, agents: view.agents.map((a) => (a.agentId === agentId ? { ...a, member } : a)) };
      return { status: 200, body: { code: 200, data: view } };
    });
    host.respond(ACTIONS.saveGroupSettings, (body) => {
      const patch = (body as { settings: Partial<GroupSettings> }).settings;
      if (patch.defaultAgent) view = { ...view, defaultAgentId: patch.defaultAgent };
      return { status: 200, body: { code: 200, data: { settings: { ...SETTINGS, ...patch } } } };
    });
  });

  async function openAgents() {
    await host.page.evaluate((groupId) => window.__host.openGroupDetail(groupId), GROUP_ID);
    const section = host.page.locator('[data-testid="tcai-agents"]');
    await section.locator('[data-testid="tcai-agent"]').first().waitFor();
    return section;
  }
  const row = (section: Locator, agentId: string) => section.locator(`[data-testid="tcai-agent"][data-agent-id="${agentId}"]`);

  it('lists every configured agent with its membership, for the group it is opened in', async () => {
    const section = await openAgents();
    expect(host.requests.find((r) => r.action === ACTIONS.getGroupAgents)?.body).toEqual({ groupId: GROUP_ID });
    expect(await section.locator('[data-testid="tcai-agent-name"]').allInnerTexts()).toEqual(['AI Assistant', 'Coder']);
    expect(await row(section, 'assistant').getAttribute('data-member')).toBe('true');
    expect(await row(section, 'coder').locator('[data-testid="tcai-agent-membership"]').innerText()).toBe('Not a member');
    expect(await row(section, 'coder').locator('[data-testid="tcai-agent-switch"]').isChecked()).toBe(false);
  });

  it('an admin adds an agent with its switch: the server is asked, and the list shows it as a member', async () => {
    const section = await openAgents();
    await row(section, 'coder').locator('[data-testid="tcai-agent-switch"]').click();
    await expect.poll(() => row(section, 'coder').getAttribute('data-member')).toBe('true');
    expect(host.requests.find((r) => r.action === ACTIONS.setGroupAgent)?.body).toEqual({ groupId: GROUP_ID, agentId: 'coder', member: true });
    expect(await row(section, 'coder').locator('[data-testid="tcai-agent-switch"]').isChecked()).toBe(true);
    await host.page.locator('[data-testid="host-toast"][data-type="success"]', { hasText: 'Coder joined the group' }).waitFor();
    await host.shot('121-agents-settings');

    await row(section, 'coder').locator('[data-testid="tcai-agent-switch"]').click();
    await expect.poll(() => row(section, 'coder').getAttribute('data-member')).toBe('false');
    expect(host.requests.filter((r) => r.action === ACTIONS.setGroupAgent).at(-1)?.body).toEqual({ groupId: GROUP_ID, agentId: 'coder', member: false });
  });

  it("shows the server's refusal, and the switch keeps the server's state", async () => {
    host.respond(ACTIONS.setGroupAgent, () => ({ status: 403, body: { code: 403, message: 'You do not have the "configure" permission of the AI assistant in this group.' } }));
    const section = await openAgents();
    await row(section, 'coder').locator('[data-testid="tcai-agent-switch"]').click();
    const error = section.locator('[data-testid="tcai-agents-error"]');
    await error.waitFor();
    expect(await error.innerText()).toBe('Not changed: You do not have the "configure" permission of the AI assistant in this group.');
    await host.page.locator('[data-testid="host-toast"][data-type="error"]').waitFor();
    await expect.poll(() => row(section, 'coder').locator('[data-testid="tcai-agent-switch"]').isChecked()).toBe(false);
  });

  it('the default agent is saved at once as the defaultAgent setting, and the form does not undo it', async () => {
    view = { ...view, agents: view.agents.map((a) => ({ ...a, member: true })) };
    const section = await openAgents();
    const select = section.locator('[data-testid="tcai-agent-default"]');
    expect(await select.locator('option').allInnerTexts()).toEqual(['AI Assistant', 'Coder']);
    await select.selectOption('coder');
    await expect.poll(() => host.requests.find((r) => r.action === ACTIONS.saveGroupSettings)?.body).toEqual({ groupId: GROUP_ID, settings: { defaultAgent: 'coder' } });
    await expect.poll(() => select.inputValue()).toBe('coder');
    // The form was loaded with defaultAgent 'assistant': saving it must not send that back.
    await host.page.locator('[data-testid="tcai-settings-save"]').click();
    await expect.poll(() => host.requests.filter((r) => r.action === ACTIONS.saveGroupSettings).length).toBe(2);
    expect((host.requests.filter((r) => r.action === ACTIONS.saveGroupSettings)[1]?.body as { settings: Partial<GroupSettings> }).settings).not.toHaveProperty('defaultAgent');
  });

  it('members without configure see the list read-only: no switches, no select', async () => {
    view = { ...view, canConfigure: false };
    const section = await openAgents();
    await section.locator('[data-testid="tcai-agents-readonly"]').waitFor();
    expect(await section.locator('[data-testid="tcai-agent"]').count()).toBe(2);
    expect(await section.locator('[data-testid="tcai-agent-switch"]').count()).toBe(0);
    expect(await section.locator('[data-testid="tcai-agent-default"]').count()).toBe(0);
    expect(await section.locator('[data-testid="tcai-agent-default-name"]').innerText()).toBe('AI Assistant');
  });

  it('is translated to Chinese', async () => {
    await host.page.evaluate(() => window.__host.setLang('zh-CN'));
    const section = await openAgents();
    expect(await section.locator('h3').innerText()).toBe('智能体');
    expect(await row(section, 'coder').locator('[data-testid="tcai-agent-membership"]').innerText()).toBe('不是成员');
    await host.page.evaluate(() => window.__host.setLang('en-US'));
  });
});

describe('starter prompts', () => {
  const GROUP_STATE = {
    chat: { currentConverseId: 'p1', converses: { p1: { type: 'Group', members: [] } } },
    group: { groups: { [GROUP_ID]: { _id: GROUP_ID, panels: [{ id: 'p1' }] } } },
  };
  const DM_STATE = { chat: { currentConverseId: 'dm1', converses: { dm1: { type: 'DM', members: ['u_alice', 'u_coder'] } } } };

  beforeEach(async () => {
    await host.page.evaluate(() => window.__host.clear());
    host.requests.length = 0;
    await host.page.evaluate(() => window.__host.showChatInput(true));
  });
  afterAll(async () => {
    await host.page.evaluate(() => window.__host.showChatInput(false));
    await host.page.evaluate(() => window.__host.setGlobalState(null));
  });

  async function openPicker() {
    expect(await host.page.evaluate(() => window.__host.inputActionLabels())).toContain('Suggested prompts');
    await host.page.evaluate(() => window.__host.runInputAction('Suggested prompts'));
    const picker = host.page.locator('[data-testid="tcai-starter-picker"]');
    await picker.locator('[data-testid="tcai-starter-agent"], [data-testid="tcai-starter-none"]').first().waitFor();
    return picker;
  }

  it('"+" in a group offers the member agents\' prompts; a choice is sent as a mention of that agent', async () => {
    host.respond(ACTIONS.getGroupAgents, () => ({
      status: 200,
      body: { code: 200, data: { agents: [{ ...ASSISTANT, starterPrompts: ['Hello'], member: false }, { ...CODER, member: true }], defaultAgentId: 'assistant', canConfigure: false } },
    }));
    await host.page.evaluate((snapshot) => window.__host.setGlobalState(snapshot), GROUP_STATE);
    const picker = await openPicker();
    expect(host.requests.find((r) => r.action === ACTIONS.getGroupAgents)?.body).toEqual({ groupId: GROUP_ID });
    expect(await picker.locator('[data-testid="tcai-starter-agent"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-agent-id')))).toEqual(['coder']);
    await host.shot('128-starter-picker');
    await picker.locator('[data-testid="tcai-starter-prompt"]', { hasText: 'Review my diff' }).click();
    await picker.waitFor({ state: 'detached' });
    expect(await host.page.evaluate(() => window.__host.sent())).toEqual([{ content: '[at=u_coder]Coder[/at] Review my diff', meta: { mentions: ['u_coder'] } }]);
  });

  it('"+" in a group without a member agent that has prompts says so', async () => {
    host.respond(ACTIONS.getGroupAgents, () => ({ status: 200, body: { code: 200, data: { agents: [{ ...CODER, member: false }], defaultAgentId: 'coder', canConfigure: false } } }));
    await host.page.evaluate((snapshot) => window.__host.setGlobalState(snapshot), GROUP_STATE);
    const picker = await openPicker();
    expect(await picker.locator('[data-testid="tcai-starter-none"]').innerText()).toContain('No agent of this group offers suggested prompts');
    expect(await picker.locator('[data-testid="tcai-starter-prompt"]').count()).toBe(0);
  });

  it("\"+\" in a DM offers the DM's agent; its prompt is sent as it reads", async () => {
    await host.page.evaluate((snapshot) => window.__host.setGlobalState(snapshot), DM_STATE);
    const picker = await openPicker();
    expect(await picker.locator('[data-testid="tcai-starter-agent"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-agent-id')))).toEqual(['coder']);
    await picker.locator('[data-testid="tcai-starter-prompt"]', { hasText: 'Review my diff' }).click();
    await picker.waitFor({ state: 'detached' });
    expect(await host.page.evaluate(() => window.__host.sent())).toEqual([{ content: 'Review my diff' }]);
    expect(host.requests.some((r) => r.action === ACTIONS.getGroupAgents)).toBe(false);
  });

  it('a DM with an agent shows its prompts as chips over the input until the user has written', async () => {
    await host.page.evaluate((snapshot) => window.__host.setGlobalState(snapshot), DM_STATE);
    const chips = host.page.locator('[data-testid="host-input"] [data-testid="tcai-starter-chips"]');
    await chips.waitFor();
    // A greeting of the agent does not end the start.
    await host.page.evaluate((m) => window.__host.addMessage(m), { ...byAuthor('greeting', 'u_coder', 'Hi, I am Coder.'), converseId: 'dm1', groupId: undefined });
    expect(await chips.locator('[data-testid="tcai-starter-chip"]').allInnerTexts()).toEqual(['Review my diff']);
    // Placed over the input box, not in its row.
    expect(await chips.evaluate((el) => getComputedStyle(el).position)).toBe('absolute');
    await host.shot('129-dm-starter-chips');
    await chips.locator('[data-testid="tcai-starter-chip"]').click();
    await expect.poll(() => host.page.evaluate(() => window.__host.sent())).toEqual([{ content: 'Review my diff' }]);
    await host.page.evaluate((m) => window.__host.addMessage(m), { _id: 'asked', content: 'Review my diff', author: 'u_alice', converseId: 'dm1' });
    await chips.waitFor({ state: 'detached' });
  });

  it('no chips in a DM between people, nor in a group panel', async () => {
    await host.page.evaluate(() => window.__host.setGlobalState({ chat: { currentConverseId: 'dm2', converses: { dm2: { type: 'DM', members: ['u_alice', 'u_bob'] } } } }));
    await host.page.locator('[data-testid="host-input"]').waitFor();
    // The chunk that decides is loaded for a DM: give it the time to (not) show anything.
    await expect.poll(() => host.page.evaluate(() => performance.getEntriesByType('resource').some((e) => /\/Starters-\w+\.js$/.test(e.name)))).toBe(true);
    await host.page.waitForTimeout(300);
    expect(await host.page.locator('[data-testid="tcai-starter-chips"]').count()).toBe(0);
    await host.page.evaluate((snapshot) => window.__host.setGlobalState(snapshot), GROUP_STATE);
    await host.page.waitForTimeout(300);
    expect(await host.page.locator('[data-testid="tcai-starter-chips"]').count()).toBe(0);
  });
});
