/**
 * Decides whether a Tailchat message is addressed to an agent, to which one, and what it asks for.
 * Pure: the service gathers the facts (the agents of the place, group settings) and calls this.
 */
import type { GroupSettings } from '../../protocol/actions.js';
import type { AddedMessage } from '../message/incoming.js';
import { capIntake, mentionsUser, promptFromContent } from '../message/bbcode.js';
import { splitWhenAndWhat } from '../automations/schedule-parse.js';
import { commandMetaOf } from '../../protocol/command-meta.js';
import { carriesAgentMeta } from '../message/agent-reply.js';

export type Command = 'stop' | 'new' | 'help' | 'stats' | 'summarize' | 'remind' | 'schedule';

export type Decision =
  | { kind: 'ignore'; reason: IgnoreReason }
  /**
   * `agentId`: the agent the command is for. `unaddressed`: a bare stop word in a group (stops a
   * running reply of any agent there; no answer when none runs), which names no agent.
   */
  | { kind: 'command'; command: Command; arg?: string; agentId?: string; unaddressed?: true }
  | { kind: 'prompt'; prompt: string; agentId: string; via: 'mention' | 'reply' | 'prefix' | 'panel' | 'dm' | 'action' };

export type IgnoreReason = 'disabled' | 'not-addressed' | 'dm-disabled' | 'dm-without-bot' | 'agent-not-in-group';

/**
 * Where the message was posted. In a group: its settings, and the agents that are members there
 * (only they answer). In a DM: the agents that are members of it.
 */
export type Place =
  | { kind: 'group'; settings: GroupSettings; members: readonly AgentRef[] }
  | { kind: 'dm'; agents: readonly AgentRef[]; enabled: boolean };

const COMMANDS: Record<string, Command> = {
  '/stop': 'stop',
  '/new': 'new',
  '/reset': 'new',
  '/help': 'help',
  '/stats': 'stats',
  '/summarize': 'summarize',
  '/summary': 'summarize',
  '/remind': 'remind',
  '/schedule': 'schedule',
  '/schedules': 'schedule',
};
/** A request for a reminder in words (English or Chinese), not as /remind. */
const REMINDER_REQUEST = /^(remind\b|提醒)/i;

/** A message that is only one of these words stops the running reply, like /stop. */
const STOP_WORDS = new Set(['stop', '停止', '停']);

export interface AgentRef {
  agentId: string;
  /** The agent's bot user. */
  userId: string;
  /** Typed mentions without the picker (`@AI Assistant …`) count too. */
  nickname: string;
}

/** Default of `limits.maxIntakeChars`: how much of a message is read at all. */
export const DEFAULT_MAX_INTAKE_CHARS = 65_536;

/**
 * Runs on every message, so only the first `maxIntakeChars` are read: a mention beyond them does
 * not count (an addressed message that long is refused as too long by the caller).
 *
 * Which agent: the first one mentioned (picked or typed), else the one whose message this replies
 * to, else the group's default agent (`defaultAgentId`: prefix, "every message" panels, the
 * plugin's own buttons). Only agents in `place` are candidates; a message only for others is
 * not addressed, and one for the default agent when it is not a member is `agent-not-in-group`.
 */
export function decide(message: AddedMessage, place: Place, defaultAgentId: string, maxIntakeChars = DEFAULT_MAX_INTAKE_CHARS): Decision {
  const plain = capIntake(message.plain ?? message.content, maxIntakeChars);
  const content = capIntake(message.content, maxIntakeChars);
  let via: Extract<Decision, { kind: 'prompt' }>['via'];
  let agent: AgentRef | undefined;
  let typedText: string | undefined;

  if (place.kind === 'dm') {
    if (place.agents.length === 0) return { kind: 'ignore', reason: 'dm-without-bot' };
    if (!place.enabled) return { kind: 'ignore', reason: 'dm-disabled' };
    const mentioned = firstMentioned(place.agents, plain, content, message.meta.mentions);
    agent = mentioned?.agent ?? place.agents[0]!;
    typedText = mentioned?.typedText;
    via = 'dm';
  } else {
    const s = place.settings;
    if (!s.enabled) return { kind: 'ignore', reason: 'disabled' };
    const mentioned = firstMentioned(place.members, plain, content, message.meta.mentions);
    const repliedTo = message.meta.reply?.author;
    const defaultAgent = place.members.find((a) => a.agentId === defaultAgentId);
    // The text as the checks below read it: no agent is mentioned in it (else it went to that agent).
    const unmentioned = () => promptFromContent(plain, '');
    if (mentioned) {
      via = 'mention';
      agent = mentioned.agent;
      typedText = mentioned.typedText;
      // A member's message dressed as an agent reply (our meta, bridge/message/agent-reply.ts) is
      // not a reply to the agent: that meta only speaks for the agent on the bot's own messages.
    } else if (repliedTo && !carriesAgentMeta(message.meta) && place.members.some((a) => a.userId === repliedTo)) {
      via = 'reply';
      agent = place.members.find((a) => a.userId === repliedTo);
    } else {
      // Sent by the plugin's own buttons (chat input menu, thread action): a command, no mention.
      if (commandMetaOf(message.meta) && COMMANDS[firstWordOf(unmentioned())]) via = 'action';
      else if (s.trigger !== 'mention' && startsWithWord(unmentioned(), s.prefix)) via = 'prefix';
      else if (s.trigger === 'all' && s.allMessagesPanels.includes(message.converseId)) via = 'panel';
      // "stop" alone is for the agents while they write here, mention or not.
      else if (isStopWord(unmentioned())) return { kind: 'command', command: 'stop', unaddressed: true };
      else return { kind: 'ignore', reason: 'not-addressed' };
      agent = defaultAgent;
    }
    if (!agent) return { kind: 'ignore', reason: 'agent-not-in-group' };
  }

  let text = typedText ?? promptFromContent(plain, agent.userId);
  if (place.kind === 'group' && place.settings.trigger !== 'mention' && startsWithWord(text, place.settings.prefix)) text = text.slice(place.settings.prefix.length).trim();

  const agentId = agent.agentId;
  const firstWord = firstWordOf(text);
  const command = COMMANDS[firstWord];
  if (command) {
    const arg = text.slice(firstWord.length).trim();
    return arg ? { kind: 'command', command, arg, agentId } : { kind: 'command', command, agentId };
  }
  if (isStopWord(text)) return { kind: 'command', command: 'stop', agentId };
  if (text === '') return { kind: 'command', command: 'help', agentId };
  // "remind us every weekday at 9:00 to post the summary": a reminder the bundle sets itself
  // (checked like /remind), never something the agent's turn could do. Only when it reads as one.
  if (REMINDER_REQUEST.test(text) && splitWhenAndWhat(text).ok) return { kind: 'command', command: 'remind', arg: text, agentId };
  return { kind: 'prompt', prompt: text, agentId, via };
}

/**
 * The agent mentioned first: picked mentions (a chip, `[at=<id>]`) in the order they appear, then
 * typed ones (`@Nickname`, no picker), with the text that remains once the typed mention is cut.
 */
function firstMentioned(agents: readonly AgentRef[], plain: string, content: string, mentions: string[] | undefined): { agent: AgentRef; typedText?: string } | undefined {
  let picked: { agent: AgentRef; at: number } | undefined;
  for (const agent of agents) {
    if (!mentionsUser(content, mentions, agent.userId)) continue;
    const at = content.toLowerCase().indexOf(`[at=${agent.userId.toLowerCase()}]`);
    const position = at < 0 ? Number.MAX_SAFE_INTEGER : at;
    if (!picked || position < picked.at) picked = { agent, at: position };
  }
  if (picked) return { agent: picked.agent };
  let typed: { agent: AgentRef; at: number; text: string } | undefined;
  for (const agent of agents) {
    const hit = typedMentionOf(promptFromContent(plain, agent.userId), agent.nickname);
    if (hit && (!typed || hit.at < typed.at)) typed = { agent, at: hit.at, text: hit.text };
  }
  return typed ? { agent: typed.agent, typedText: typed.text } : undefined;
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

/** The text without a typed `@<nickname>` (as a whole word, any case) and where it was, or undefined when there is none. */
function typedMentionOf(text: string, nickname: string): { text: string; at: number } | undefined {
  const escaped = nickname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(^|\\s)@${escaped}(?=\\s|$)`, 'i').exec(text);
  if (!match) return undefined;
  const before = text.slice(0, match.index).trimEnd();
  const after = text.slice(match.index + match[0].length).trimStart();
  return { text: before && after ? `${before} ${after}` : before || after, at: match.index };
}

function startsWithWord(text: string, prefix: string): boolean {
  return text.startsWith(prefix) && (text.length === prefix.length || /\s/.test(text[prefix.length]!));
}
