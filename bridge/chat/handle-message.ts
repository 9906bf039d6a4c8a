/**
 * The chat side of the event path: a Tailchat message comes in, and this decides what (if
 * anything) the agent does with it — ignore, answer a command, refuse, or start a run on the
 * engine side. Stateless, so any number of service instances can share the events.
 */
import type { GroupSettings } from '../../protocol/actions.js';
import { parseUpdateMessageEvent, SYSTEM_USER_ID, type AddedMessage } from '../message/incoming.js';
import type { RunJob } from '../run/execute.js';
import type { Logger } from '../run/execute.js';
import type { PermissionChecker } from '../permission/check.js';
import { sessionKeyFor } from '../session/keys.js';
import type { GroupSettingsStore } from '../settings/group-settings.js';
import type { RateLimiter } from '../limits/rate-limit.js';
import type { TailchatHost } from '../tailchat/host.js';
import { decide, type Decision, type Place } from '../trigger/decide.js';
import { TEXT } from './texts.js';
import { chunkLines, COMBINE_INSTRUCTION, parseCount, readHistory, SUMMARY_INSTRUCTION, transcriptLines } from './summarize.js';

/** How the chat side reaches the engine side (over the broker, or directly in tests). */
export interface RunnerClient {
  start(job: RunJob): Promise<void>;
  /** Stops the session's running reply; resolves true if one was running. */
  abortSession(sessionKey: string): Promise<boolean>;
  reset(engineId: string, sessionKey: string): Promise<void>;
  /** The engine's `/stats` text for this user. */
  stats(engineId: string, userId: string): Promise<string>;
}

export interface ChatDeps {
  host: TailchatHost;
  botUserId: string;
  botNickname: string;
  settings: GroupSettingsStore;
  can: PermissionChecker;
  runner: RunnerClient;
  isBot: (userId: string) => Promise<boolean>;
  dmEnabled: boolean;
  maxPromptChars: number;
  /** Per-user / per-group prompt rate; absent = unlimited. */
  rateLimit?: RateLimiter;
  defaultEngine: string;
  dmAgentId: string;
  logger: Logger;
}

export type HandleOutcome =
  | { kind: 'invalid'; error: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'command'; command: string }
  | { kind: 'started'; runId: string; sessionKey: string; engine: string };

/** Derived from the Tailchat message id, so a redelivered event maps to the same run. */
export function runIdFor(messageId: string): string {
  return `tc-${messageId}`;
}

export async function handleMessageEvent(payload: unknown, deps: ChatDeps): Promise<HandleOutcome> {
  const parsed = parseUpdateMessageEvent(payload);
  if (!parsed.ok) {
    deps.logger.warn('dropped malformed chat.message.updateMessage event', { error: parsed.error });
    return { kind: 'invalid', error: parsed.error };
  }
  const event = parsed.event;
  if (event.type !== 'add') return { kind: 'ignored', reason: event.type };
  // Never answer itself, the system user or any other bot: that is how loops start.
  if (event.author === deps.botUserId || event.author === SYSTEM_USER_ID) return { kind: 'ignored', reason: 'own-or-system' };
  if (await deps.isBot(event.author)) return { kind: 'ignored', reason: 'bot-author' };

  let settings: GroupSettings | undefined;
  let place: Place;
  if (event.groupId) {
    settings = await deps.settings.get(event.groupId);
    place = { kind: 'group', settings };
  } else {
    const withBot = await deps.host.isConverseMember(event.converseId, deps.botUserId);
    place = { kind: 'dm', withBot, enabled: deps.dmEnabled };
  }

  const decision = decide(event, place, { userId: deps.botUserId, nickname: deps.botNickname });
  if (decision.kind === 'ignore') return { kind: 'ignored', reason: decision.reason };

  if (event.groupId) {
    const permission = await deps.can(event.groupId, event.author, 'invoke');
    if (!permission.allowed) {
      deps.logger.info('refused: no invoke permission', { groupId: event.groupId, userId: event.author, reason: permission.reason });
      await say(deps, event, TEXT.noPermission);
      return { kind: 'refused', reason: permission.reason };
    }
  }

  const agentId = settings?.agentId ?? deps.dmAgentId;
  const engine = settings?.engine ?? deps.defaultEngine;
  const sessionKey = sessionKeyFor({
    agentId,
    scope: settings?.sessionScope ?? 'group',
    ...(event.groupId ? { groupId: event.groupId } : {}),
    converseId: event.converseId,
    ...(event.meta.reply?._id ? { threadRootId: event.meta.reply._id } : {}),
    userId: event.author,
  });

  if (decision.kind === 'command') return runCommand(decision, event, { sessionKey, engine, agentId }, settings, deps);

  if (decision.prompt.length > deps.maxPromptChars) {
    await say(deps, event, TEXT.promptTooLong(deps.maxPromptChars, decision.prompt.length));
    return { kind: 'refused', reason: 'prompt-too-long' };
  }

  const limited = await rateLimited(deps, event);
  if (limited) return limited;
  return startRun(deps, event, { prompt: decision.prompt, sessionKey, engine, agentId });
}

interface RunSpec {
  prompt: string;
  sessionKey: string;
  engine: string;
  agentId: string;
  /** Summaries of long transcripts: each chunk first, then `prompt` over the partial results. */
  mapChunks?: string[];
}

async function rateLimited(deps: ChatDeps, event: AddedMessage): Promise<HandleOutcome | undefined> {
  if (!deps.rateLimit) return undefined;
  const rate = await deps.rateLimit(event.author, event.groupId);
  if (rate.allowed) return undefined;
  deps.logger.info('refused: rate limit', { scope: rate.scope, userId: event.author, groupId: event.groupId });
  await say(deps, event, TEXT.rateLimited(rate.scope, Math.ceil(rate.retryAfterMs / 1000)));
  return { kind: 'refused', reason: `rate-limit-${rate.scope}` };
}

async function startRun(deps: ChatDeps, event: AddedMessage, spec: RunSpec): Promise<HandleOutcome> {
  const runId = runIdFor(event.messageId);
  const job: RunJob = {
    engineId: spec.engine,
    request: {
      runId,
      sessionKey: spec.sessionKey,
      agentId: spec.agentId,
      prompt: spec.prompt,
      requester: { userId: event.author },
      origin: { converseId: event.converseId, messageId: event.messageId, ...(event.groupId ? { groupId: event.groupId } : {}) },
    },
    target: {
      converseId: event.converseId,
      ...(event.groupId ? { groupId: event.groupId } : {}),
      audience: event.groupId ? { room: event.converseId } : { users: await dmMembers(deps, event) },
      replyTo: { _id: event.messageId, author: event.author, content: event.content.slice(0, 200) },
    },
    ...(spec.mapChunks ? { mapChunks: spec.mapChunks } : {}),
  };
  try {
    await deps.runner.start(job);
  } catch (err) {
    deps.logger.error('could not hand the run to a runner', { runId, error: err instanceof Error ? err.message : String(err) });
    await say(deps, event, TEXT.unavailable);
    return { kind: 'refused', reason: 'runner-unavailable' };
  }
  return { kind: 'started', runId, sessionKey: spec.sessionKey, engine: spec.engine };
}

async function runCommand(
  decision: Extract<Decision, { kind: 'command' }>,
  event: AddedMessage,
  where: { sessionKey: string; engine: string; agentId: string },
  settings: GroupSettings | undefined,
  deps: ChatDeps,
): Promise<HandleOutcome> {
  const { sessionKey, engine } = where;
  switch (decision.command) {
    case 'summarize':
      return summarize(decision.arg, event, where, deps);
    case 'help':
      await say(deps, event, TEXT.help(settings?.prefix ?? '/ai'));
      break;
    case 'stop': {
      const stopped = await deps.runner.abortSession(sessionKey);
      // A stopped run posts its own "stopped" reply; only say something when nothing ran.
      if (!stopped) await say(deps, event, TEXT.nothingToStop);
      break;
    }
    case 'stats':
      await say(deps, event, await deps.runner.stats(engine, event.author));
      break;
    case 'new':
      await deps.runner.reset(engine, sessionKey);
      await say(deps, event, TEXT.newConversation);
      break;
  }
  return { kind: 'command', command: decision.command };
}

async function dmMembers(deps: ChatDeps, event: AddedMessage): Promise<string[]> {
  return deps.host.getConverseMembers(event.converseId, deps.botUserId);
}

/** A short plain reply from the bot, as a reply to the message that caused it. */
async function say(deps: ChatDeps, event: AddedMessage, text: string): Promise<void> {
  try {
    await deps.host.sendMessage(deps.botUserId, {
      converseId: event.converseId,
      ...(event.groupId ? { groupId: event.groupId } : {}),
      content: text,
      meta: { reply: { _id: event.messageId, author: event.author, content: event.content.slice(0, 200) } },
    });
  } catch (err) {
    deps.logger.error('could not post a reply', { converseId: event.converseId, error: err instanceof Error ? err.message : String(err) });
  }
}

async function summarize(arg: string | undefined, event: AddedMessage, where: { sessionKey: string; engine: string; agentId: string }, deps: ChatDeps): Promise<HandleOutcome> {
  const limited = await rateLimited(deps, event);
  if (limited) return limited;
  const history = await readHistory(deps.host, event.converseId, event.messageId, parseCount(arg), event.author);
  const lines = await transcriptLines(deps.host, history, deps.botUserId);
  if (lines.length === 0) {
    await say(deps, event, TEXT.nothingToSummarize);
    return { kind: 'command', command: 'summarize' };
  }
  // The window follows the prompt limit: a long history is summarized in parts, never cut off.
  const chunks = chunkLines(lines, Math.max(500, deps.maxPromptChars - 600));
  // Its own session: a summary neither reads nor pollutes the group's conversation memory.
  const sessionKey = `${where.sessionKey}:summary:${event.messageId.toLowerCase()}`;
  const outcome = await startRun(deps, event, {
    ...where,
    sessionKey,
    prompt: chunks.length === 1 ? `${SUMMARY_INSTRUCTION}\n\n${chunks[0]}` : COMBINE_INSTRUCTION,
    ...(chunks.length > 1 ? { mapChunks: chunks } : {}),
  });
  return outcome.kind === 'started' ? { kind: 'command', command: 'summarize' } : outcome;
}
