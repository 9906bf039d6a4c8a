/**
 * Page objects for named agents in the real web client: Tailchat's own `@` picker, the plugin's
 * Agents section of the group settings, the "Suggested prompts" picker of the chat input's "+"
 * menu and the starter chips of a DM with an agent.
 * Selectors of Tailchat 1.11.11: the chat input is a react-mentions `MentionsInput` with
 * `className="chatbox-mention-input"` (ChatInputBox/input.tsx), so its suggestion items are
 * `.chatbox-mention-input__suggestions__item`, each a UserListItem showing the nickname; a sent
 * mention renders as bbcode's `span.plugin-bbcode-mention-tag[data-userid]` (MentionTag.tsx).
 */
import type { Locator, Page } from 'playwright-core';
import { TailchatWebClient } from '../../tailchat/browser.js';
import { openGroupSettings } from './real-client.js';

/**
 * What Tailchat's `@` picker offers for `query` (typed after "@" in the empty input), one text per
 * item (avatar letter, nickname and discriminator); the input is left empty.
 */
export async function mentionSuggestions(page: Page, query = ''): Promise<string[]> {
  const input = page.locator('textarea').last();
  await input.click();
  await input.fill('');
  await input.pressSequentially(`@${query}`);
  const items = page.locator('.chatbox-mention-input__suggestions__item');
  await items.first().waitFor({ timeout: 10_000 });
  const names = await items.allInnerTexts();
  await input.press('Escape');
  await input.fill('');
  return names.map((text) => text.trim());
}

/** Group header → detail → "AI assistant" → the Agents section, once its rows are there. */
export async function openAgentsSection(page: Page): Promise<Locator> {
  await openGroupSettings(page);
  const section = page.locator('[data-testid="tcai-agents"]');
  await section.locator('[data-testid="tcai-agent"]').first().waitFor({ timeout: 15_000 });
  return section;
}

/** The row of one agent in the Agents section. */
export function agentRow(section: Locator, agentId: string): Locator {
  return section.locator(`[data-testid="tcai-agent"][data-agent-id="${agentId}"]`);
}

/** Closes the group detail: its full-screen modal's close button (FullModal.tsx, "ESC"). */
export async function closeGroupDetail(page: Page): Promise<void> {
  const close = page.locator('[data-testid="full-modal-close"]');
  await close.click();
  await close.waitFor({ state: 'detached', timeout: 10_000 });
}

/** "+" → "Suggested prompts": the plugin's picker, once it has listed its agents (or said there are none). */
export async function openStarterPicker(page: Page, baseUrl: string): Promise<Locator> {
  await new TailchatWebClient(page, baseUrl).chooseInputAction('Suggested prompts');
  const picker = page.locator('[data-testid="tcai-starter-picker"]');
  await picker.locator('[data-testid="tcai-starter-agent"], [data-testid="tcai-starter-none"], [data-testid="tcai-starter-error"]').first().waitFor({ timeout: 15_000 });
  return picker;
}

/** The starter chips over the chat input of a DM with an agent. */
export function starterChips(page: Page): Locator {
  return page.locator('[data-testid="tcai-starter-chips"]');
}
