/**
 * Decides whether a Tailchat message is addressed to the agent, and what it asks for.
 * Pure: the service gathers the facts (bot id, group settings, DM membership) and calls this.
 */
import type { GroupSettings } from '../../protocol/actions.js';
import type { AddedMessage } from '../message/incoming.js';
import { capIntake, mentionsUser, promptFromContent } from '../message/bbcode.js';
import { commandMetaOf } from '../../protocol/command-meta.js';
import { carriesAgentMeta } from '../message/agent-reply.js';

export type Command = 'stop' | 'new' | 'help' | 'stats' | 'summarize';

export type Decision =
  | { kind: 'ignore'; reason: IgnoreReason }
  /** `unaddressed`: a bare stop word in a group (stops a running reply; no answer when none runs). */
  | { kind: 'command'; command: Command; arg?: string; unaddressed?: true }
  | { kind: 'prompt'; prompt: string; via: 'mention' | 'reply' | 'prefix' | 'panel' | 'dm' | 'action' };

export type IgnoreReason = 'disabled' | 'not-addressed' | 'dm-disabled' | 'dm-without-bot';

export type Place = { kind: 'group'; settings: GroupSettings } | { kind: 'dm'; withBot: boolean; enabled: boolean };

const COMMANDS: Record<string, Command> = {
  '/stop': 'stop',
  '/new': 'new',
  '/reset': 'new',
  '/help': 'help',
  '/stats': 'stats',
  '/summarize': 'summarize',
  '/summary': 'summarize',
};
/** A message that is only one of these words stops the running reply, like /stop. */
const STOP_WORDS = new Set(['stop', '停止', '停']);

export interface BotRef {
  userId: string;
  /** Typed mentions without the picker (`@AI Assistant …`) count too. */
  nickname: string;
}

/** Default of `limits.maxIntakeChars`: how much of a message is read at all. */
export const DEFAULT_MAX_INTAKE_CHARS = 65_536;

/**
 * Runs on every message, so only the first `maxIntakeChars` are read: a mention beyond them does
 * not count (an addressed message that long is refused as too long by the caller).
 */
export function decide(message: AddedMessage, place: Place, bot: BotRef, maxIntakeChars = DEFAULT_MAX_INTAKE_CHARS): Decision {
  const botUserId = bot.userId;
  const plain = capIntake(message.plain ?? message.content, maxIntakeChars);
  const content = capIntake(message.content, maxIntakeChars);
  let via: Extract<Decision, { kind: 'prompt' }>['via'];
  let text = promptFromContent(plain, botUserId);

  if (place.kind === 'dm') {
    if (!place.withBot) return { kind: 'ignore', reason: 'dm-without-bot' };
    if (!place.enabled) return { kind: 'ignore', reason: 'dm-disabled' };
    via = 'dm';
  } else {
    const s = place.settings;
    if (!s.enabled) return { kind: 'ignore', reason: 'disabled' };
    const prefixed = s.trigger !== 'mention' && startsWithWord(text, s.prefix);
    // Typed, not picked: the web client's mention list offers group members only, and the plugin
    // bot is none. Anywhere in the message, like a picked mention (Reply puts "@author" first).
    const typed = typedMentionOf(text, bot.nickname);
    const typedMention = typed !== undefined;
    if (typed !== undefined) text = typed;
    if (typedMention || mentionsUser(content, message.meta.mentions, botUserId)) via = 'mention';
    // A member's message dressed as an agent reply (our meta, bridge/message/agent-reply.ts) is
    // not a reply to the agent: that meta only speaks for the agent on the bot's own messages.
    else if (message.meta.reply?.author === botUserId && !carriesAgentMeta(message.meta)) via = 'reply';
    // Sent by the plugin's own buttons (chat input menu, thread action): a command, no mention.
    else if (commandMetaOf(message.meta) && COMMANDS[firstWordOf(text)]) via = 'action';
    else if (prefixed) via = 'prefix';
    else if (s.trigger === 'all' && s.allMessagesPanels.includes(message.converseId)) via = 'panel';
    // "stop" alone is for the agent while it writes here, mention or not.
    else if (isStopWord(text)) return { kind: 'command', command: 'stop', unaddressed: true };
    else return { kind: 'ignore', reason: 'not-addressed' };
    if (prefixed) text = text.slice(s.prefix.length).trim();
  }

  const firstWord = firstWordOf(text);
  const command = COMMANDS[firstWord];
  if (command) {
    const arg = text.slice(firstWord.length).trim();
    return arg ? { kind: 'command', command, arg } : { kind: 'command', command };
  }
  if (isStopWord(text)) return { kind: 'command', command: 'stop' };
  if (text === '') return { kind: 'command', command: 'help' };
  return { kind: 'prompt', prompt: text, via };
}

/** Longer than any stop word with its punctuation; the check below is then never run on a long text. */
const STOP_WORD_MAX_CHARS = 16;

function isStopWord(text: string): boolean {
  if (text.length > STOP_WORD_MAX_CHARS) return false;
  return STOP_WORDS.has(text.trim().toLowerCase().replace(/[.!。！]+$/, ''));
}

function firstWordOf(text: string): string {
  return text.split(/\s/, 1)[0]!.toLowerCase();
}

/** The text without a typed `@<nickname>` (as a whole word, any case), or undefined when there is none. */
function typedMentionOf(text: string, nickname: string): string | undefined {
  const escaped = nickname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(^|\\s)@${escaped}(?=\\s|$)`, 'i').exec(text);
  if (!match) return undefined;
  const before = text.slice(0, match.index).trimEnd();
  const after = text.slice(match.index + match[0].length).trimStart();
  return before && after ? `${before} ${after}` : before || after;
}

function startsWithWord(text: string, prefix: string): boolean {
  return text.startsWith(prefix) && (text.length === prefix.length || /\s/.test(text[prefix.length]!));
}
