/**
 * Named agents in the real web client (issue #21), on the real Tailchat with the bundle's own
 * process, two agents on the scripted engine and one on the real OpenClaw gateway (driven by the
 * fake model server); env AI_AGENTS, none joins groups by itself, so the group starts without
 * agents. alice owns the group, bob is a member without `configure`.
 * - Tailchat's own `@` picker lists an agent once alice added it in the group settings (Agents),
 *   and no longer once she removed it;
 * - picking the OpenClaw agent in the `@` list sends its mention chip and only it answers, through
 *   the gateway; a scripted agent asked next starts its own conversation (no shared context);
 * - bob sees the agents read-only, and the server refuses his setGroupAgent (403);
 * - "+" → "Suggested prompts" → a prompt of one agent: the message carries a mention chip of that
 *   agent, that agent answers (its reply labelled "AI-generated · <agent>"), the other does not;
 * - in a DM with an agent its starter prompts are chips over the input; one click sends it as
 *   plain text and the agent answers.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentUsersView, AgentView } from '../../protocol/actions.js';
import { CHAT_SERVICE } from '../../services/names.js';
import { startStack, type Stack } from '../support/stack.js';
import type { ChatMessage, TailchatApi, TestUser } from '../tailchat/api.js';
import type { Script } from '../model-server/server.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { agentRow, closeGroupDetail, mentionSuggestions, openAgentsSection, openStarterPicker, starterChips } from './support/agents.js';
import { openRealClient, waitForChat, type RealClient } from './support/real-client.js';
import { SHOTS } from './support/webhost.js';

/**
 * The agents of this file (config `agents`, README "Agents"), on bot users of their own: the
 * shared Tailchat keeps the default plugin bot of other files under its own nickname.
 */
const AGENTS = [
  { id: 'helper', botId: 'tcai-web-agents-helper', nickname: 'Helper', engine: 'scripted', starterPrompts: ['Say hello to the team'], joinGroups: false },
  { id: 'coder', botId: 'tcai-web-agents-coder', nickname: 'Coder', engine: 'scripted', starterPrompts: ['Review my diff', 'Explain the build error'], joinGroups: false },
  // On the bundle's default engine: the stack's real OpenClaw gateway.
  { id: 'claw', botId: 'tcai-web-agents-claw', nickname: 'Claw', joinGroups: false },
];
const CLAW_ANSWER = 'Claw here: the gateway answered this one.';
const script: Script = [{ match: '[[claw]]', reply: { kind: 'text', text: CLAW_ANSWER } }];

let stack: Stack;
let tc: TailchatInstance;
let api: TailchatApi;
let client: RealClient;
let page: Page;
let alice: TestUser;
let bob: TestUser;
let groupId: string;
let panelId: string;
let helper: AgentView;
let coder: AgentView;
let claw: AgentView;

beforeAll(async () => {
  stack = await startStack({
    label: 'web-agents',
    model: { script },
    gateway: {},
    bundle: {
      env: { AI_SCRIPTED_CHUNK_DELAY_MS: '5', AI_STREAM_INTERVAL_MS: '150', AI_AGENTS: JSON.stringify(AGENTS) },
      label: 'bundle-web-agents',
    },
    users: ['alice', 'bob'],
    group: { name: 'Agents', members: ['bob'] },
    client: { user: 'alice' },
  });
  ({ tc, api } = stack);
  ({ alice, bob } = stack.users as { alice: TestUser; bob: TestUser });
  ({ groupId, panelId } = stack.group!);
  client = stack.client;
  page = client.page;
  const view = await api.call<AgentUsersView>(`${CHAT_SERVICE}.getAgentUsers`, {}, alice.token);
  helper = view.agents.find((a) => a.agentId === 'helper')!;
  coder = view.agents.find((a) => a.agentId === 'coder')!;
  claw = view.agents.find((a) => a.agentId === 'claw')!;
  expect(helper && coder && claw, JSON.stringify(view)).toBeTruthy();
}, 300_000);

afterAll(() => stack?.stop());

/** Flips an agent's switch in the open Agents section and waits for the server's answer. */
async function setMember(section: Locator, agentId: string, member: boolean): Promise<void> {
  const row = agentRow(section, agentId);
  if ((await row.getAttribute('data-member')) === String(member)) return;
  const answered = page.waitForResponse((r) => r.url().endsWith(`/api/${CHAT_SERVICE}/setGroupAgent`));
  await row.locator('[data-testid="tcai-agent-switch"]').click();
  expect((await answered).status()).toBe(200);
  await expect.poll(() => row.getAttribute('data-member'), { timeout: 15_000 }).toBe(String(member));
}

/** The stored reply (panel done) under the message that quotes `prompt`. */
function replyQuoting(p: Page, prompt: string): Locator {
  return p
    .locator('.chat-message-item')
    .filter({ has: p.locator('.chat-message-item_quote', { hasText: prompt }) })
    .locator('[data-testid="tcai-message"][data-run-status="done"]');
}

/** The converse's latest messages, newest first (Tailchat's fetchConverseMessage). */
async function messagesIn(converseId: string): Promise<ChatMessage[]> {
  return api.fetchConverseMessage(alice.token, converseId);
}

describe('agents as group members in the real web client', () => {
  it("the admin adds the three agents in the group settings, and Tailchat's @ picker lists them", async () => {
    const before = await mentionSuggestions(page);
    expect(before.some((name) => /Coder|Helper|Claw/.test(name))).toBe(false);

    const section = await openAgentsSection(page);
    expect(await section.locator('[data-testid="tcai-agent-name"]').allInnerTexts()).toEqual(['Helper', 'Coder', 'Claw']);
    expect(await section.locator('[data-testid="tcai-agents-readonly"]').count()).toBe(0);
    await setMember(section, 'helper', true);
    await setMember(section, 'coder', true);
    await setMember(section, 'claw', true);
    await page.screenshot({ path: `${SHOTS}/122-agents-added.png` });
    await closeGroupDetail(page);

    const offered = async () => (await mentionSuggestions(page)).filter((name) => /Helper|Coder|Claw/.test(name)).length;
    await expect.poll(offered, { timeout: 30_000 }).toBe(3);
    await page.locator('textarea').last().pressSequentially('@Cod');
    await page.locator('.chatbox-mention-input__suggestions__item').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/123-mention-list.png` });
    await page.locator('textarea').last().fill('');
  });

  it('removing an agent takes it out of the picker; adding it back brings it back', async () => {
    let section = await openAgentsSection(page);
    await setMember(section, 'coder', false);
    await closeGroupDetail(page);
    await expect.poll(async () => (await mentionSuggestions(page)).some((name) => name.includes('Coder')), { timeout: 30_000 }).toBe(false);
    expect((await mentionSuggestions(page)).some((name) => name.includes('Helper'))).toBe(true);

    section = await openAgentsSection(page);
    await setMember(section, 'coder', true);
    await closeGroupDetail(page);
    await expect.poll(async () => (await mentionSuggestions(page)).some((name) => name.includes('Coder')), { timeout: 30_000 }).toBe(true);
  });

  it('a member without configure sees the agents without switches, and the server refuses him', async () => {
    // Tailchat shows a member the group's detail (where the plugin's settings are) only with core.groupDetail.
    await api.call('group.updateGroupField', { groupId, fieldName: 'fallbackPermissions', fieldValue: ['core.viewPanel', 'core.message', 'core.groupDetail'] }, alice.token);
    const bobClient = await openRealClient(tc.url, bob.token, `/main/group/${groupId}/${panelId}`, { browser: stack.browser });
    try {
      const section = await openAgentsSection(bobClient.page);
      await section.locator('[data-testid="tcai-agents-readonly"]').waitFor();
      expect(await section.locator('[data-testid="tcai-agent"]').count()).toBe(3);
      expect(await section.locator('[data-testid="tcai-agent-switch"]').count()).toBe(0);
      expect(await section.locator('[data-testid="tcai-agent-default"]').count()).toBe(0);
    } finally {
      await bobClient.close();
    }
    const refused = await api.request(`${CHAT_SERVICE}.setGroupAgent`, { groupId, agentId: 'coder', member: false }, bob.token);
    expect(refused.status).toBe(403);
    // Coder is still a member.
    const group = (await api.getUserGroups(alice.token)).find((g) => g._id === groupId);
    expect(group?.members.map((m) => m.userId)).toContain(coder.userId);
  });
});

describe('starter prompts', () => {
  it('"+" → a prompt of one agent sends a mention chip of it, and only that agent answers', async () => {
    await page.reload();
    await waitForChat(page);
    const picker = await openStarterPicker(page, tc.url);
    const offered = picker.locator('[data-testid="tcai-starter-agent"]');
    // Claw has no starter prompts: nothing to offer for it.
    expect(await offered.evaluateAll((els) => els.map((e) => e.getAttribute('data-agent-id')))).toEqual(['helper', 'coder']);
    await page.screenshot({ path: `${SHOTS}/124-starter-picker.png` });
    await picker.locator('[data-testid="tcai-starter-agent"][data-agent-id="coder"] [data-testid="tcai-starter-prompt"]', { hasText: 'Review my diff' }).click();
    await picker.waitFor({ state: 'detached', timeout: 10_000 });

    // The prompt as Tailchat's mention picker would have sent it: a chip of Coder, the mention in meta.
    await page.locator(`.plugin-bbcode-mention-tag[data-userid="${coder.userId}"]`).last().waitFor({ timeout: 15_000 });
    const prompt = (await messagesIn(panelId)).find((m) => m.author === alice.userId)!; // newest first
    expect(prompt.content).toBe(`[at=${coder.userId}]Coder[/at] Review my diff`);
    expect((prompt.meta as { mentions?: string[] }).mentions).toEqual([coder.userId]);

    const reply = replyQuoting(page, 'Review my diff');
    await reply.waitFor({ timeout: 30_000 });
    expect(await reply.locator('[data-testid="ai-label"]').innerText()).toBe('AI-generated · Coder');
    await reply.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/125-starter-answered.png` });
    const replies = (await messagesIn(panelId)).filter((m) => (m.meta as { reply?: { _id?: string } } | undefined)?.reply?._id === prompt._id);
    expect(replies.map((m) => m.author)).toEqual([coder.userId]);
    // Helper was not asked: a moment later it still has not answered.
    await page.waitForTimeout(1_500);
    const later = (await messagesIn(panelId)).filter((m) => (m.meta as { reply?: { _id?: string } } | undefined)?.reply?._id === prompt._id);
    expect(later.some((m) => m.author === helper.userId)).toBe(false);
  });

  it('picking the OpenClaw agent in the @ list sends its chip and only it answers, through the gateway; a scripted agent asked next starts its own conversation', async () => {
    await page.goto(`${tc.url}/main/group/${groupId}/${panelId}`);
    await waitForChat(page);
    const input = page.locator('textarea').last();
    await input.pressSequentially('@Cla');
    await page.locator('.chatbox-mention-input__suggestions__item', { hasText: 'Claw' }).first().click();
    await input.pressSequentially(' what does the gateway say [[claw]]');
    await input.press('Enter');

    const reply = replyQuoting(page, 'what does the gateway say');
    await reply.waitFor({ timeout: 60_000 });
    expect(await reply.locator('[data-testid="ai-label"]').innerText()).toBe('AI-generated · Claw');
    expect(await reply.innerText()).toContain(CLAW_ANSWER);
    const prompt = (await messagesIn(panelId)).find((m) => m.author === alice.userId)!; // newest first
    expect(prompt.content).toContain(`[at=${claw.userId}]`);
    expect((prompt.meta as { mentions?: string[] }).mentions).toEqual([claw.userId]);
    await page.screenshot({ path: `${SHOTS}/128-openclaw-agent-answered.png` });

    // Helper has not spoken in this group yet: its conversation starts now, without Coder's or Claw's turns.
    await input.pressSequentially('@Hel');
    await page.locator('.chatbox-mention-input__suggestions__item', { hasText: 'Helper' }).first().click();
    await input.pressSequentially(' your turn');
    await input.press('Enter');
    const helped = replyQuoting(page, 'your turn');
    await helped.waitFor({ timeout: 30_000 });
    expect(await helped.locator('[data-testid="ai-label"]').innerText()).toBe('AI-generated · Helper');
    expect(await helped.innerText()).toContain('This is turn 1 of this conversation.');
    const answered = (await messagesIn(panelId)).filter((m) => (m.meta as { reply?: { _id?: string } } | undefined)?.reply?._id === prompt._id);
    expect(answered.map((m) => m.author)).toEqual([claw.userId]);
  });

  it('in a DM with an agent, its starter prompts are chips; one click sends it and the agent answers', async () => {
    const dm = await api.createDMConverse(alice.token, [coder.userId]);
    await page.goto(`${tc.url}/main/personal/converse/${dm._id}`);
    await waitForChat(page);
    const chips = starterChips(page);
    await chips.waitFor({ timeout: 30_000 });
    expect(await chips.locator('[data-testid="tcai-starter-chip"]').allInnerTexts()).toEqual(['Review my diff', 'Explain the build error']);
    await page.screenshot({ path: `${SHOTS}/126-dm-starter-chips.png` });

    await chips.locator('[data-testid="tcai-starter-chip"]', { hasText: 'Explain the build error' }).click();
    await chips.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(async () => (await messagesIn(dm._id)).some((m) => m.author === alice.userId && m.content === 'Explain the build error'), { timeout: 15_000 }).toBe(true);
    const answer = page.locator(`.chat-message-item [data-testid="tcai-message"][data-run-status="done"]`).last();
    await answer.waitFor({ timeout: 30_000 });
    expect(await answer.locator('[data-testid="ai-label"]').innerText()).toBe('AI-generated · Coder');
    await expect.poll(async () => (await messagesIn(dm._id)).filter((m) => m.author === coder.userId).length, { timeout: 15_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/127-dm-answered.png` });
  });
});
