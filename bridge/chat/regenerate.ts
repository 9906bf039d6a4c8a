/**
 * Regenerate: the same prompt answered again, in the same session, as a new reply to the same
 * prompt message. Tailchat cannot edit a stored message, so the old reply stays; the new one
 * carries its attempt number (protocol/run-id.ts, meta `attempt`) and the panel pages between
 * them. Stateless like the rest of the chat side: the attempts already answered are read from
 * the converse, the ones still running are asked of the runners.
 */
import { z } from 'zod';
import { parseRunId, runIdFor } from '../../protocol/run-id.js';
import { agentReplyOf } from '../message/agent-reply.js';
import { addedMessageEvent, SYSTEM_USER_ID, type AddedMessage } from '../message/incoming.js';
import { checkRead, type ReadGrant } from '../permission/reads.js';
import type { TailchatHost } from '../tailchat/host.js';
import { decide } from '../trigger/decide.js';
import { defaultAgentOf, placeOf, runDecision, type ChatDeps } from './handle-message.js';
import { isOlder, pageReader } from './history-pages.js';

export type RegenerateRefusal = 'not-found' | 'forbidden' | 'running' | 'not-a-prompt' | 'rate-limited' | 'unavailable' | 'refused' | 'too-many-attempts';

/** Attempts at one prompt when the config does not say (limits.maxAttempts). */
export const DEFAULT_MAX_ATTEMPTS = 20;

/** Why a Regenerate did not start; `message` is for the person who clicked. */
export class RegenerateError extends Error {
  constructor(
    readonly kind: RegenerateRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'RegenerateError';
  }
}

export interface RegenerateDeps {
  /** The chat core's deps (the runner rides the caller's context). */
  chat: ChatDeps;
  /**
   * The prompt message read as the caller (`chat.message.getMessage`): Tailchat answers only
   * members of its group or DM, so this is also the membership check. Rejects or null = not visible.
   */
  readMessage(messageId: string, asUserId: string): Promise<unknown>;
  /**
   * The run ids among these that a runner is executing or queueing right now. Rejects when any
   * runner did not answer (see runningAmong): then nobody knows, and Regenerate refuses.
   */
  activeRuns(runIds: string[]): Promise<string[]>;
  /** Attempts at one prompt, the first answer included (limits.maxAttempts); default 20. */
  maxAttempts?: number;
  /** How many history pages (50 messages each) are read for earlier attempts; default 10. */
  maxPages?: number;
}

export interface Regenerated {
  runId: string;
  attempt: number;
}

const TEXT = {
  notFound: 'That reply is not visible to you. · 你无法查看该回复。',
  forbidden: 'Only the member who asked, or members with the "Use the AI assistant" permission, can regenerate or retry this reply. · 只有提问者或拥有“使用 AI 助手”权限的成员可以重新生成或重试此回复。',
  running: 'This prompt is still being answered. Wait for that reply to finish (or stop it) first. · 该问题仍在回答中，请等待其完成（或先停止）。',
  notAPrompt: 'That message is not addressed to the assistant any more (the group settings changed), so it cannot be answered again. · 该消息已不再发给 AI 助手（群设置已更改），无法重新生成。',
  refused: 'The assistant could not answer again. · AI 助手无法重新回答。',
  tooManyAttempts: (max: number) => `This prompt has been answered ${max} times, the most allowed. Ask it again as a new message. · 该问题已回答 ${max} 次，已达上限，请重新发送问题。`,
  unknownRunning: 'Could not check whether this prompt is still being answered. Please try again in a moment. · 无法确认该问题是否仍在回答中，请稍后再试。',
};

/** One runner's answer to `activeRuns`. */
const activeRunsAnswer = z.array(z.string());

/**
 * The running ids from every runner's answer to `activeRuns`. A runner that refused or did not
 * answer may be the one running the prompt, so its silence is no "nothing running": throws.
 */
export function runningAmong(answers: PromiseSettledResult<unknown>[]): string[] {
  return answers.flatMap((a) => {
    const ids = a.status === 'fulfilled' ? activeRunsAnswer.safeParse(a.value) : undefined;
    if (!ids?.success) throw new RegenerateError('unavailable', TEXT.unknownRunning);
    return ids.data;
  });
}

/**
 * Starts the next attempt at the prompt that `runId` answered, for `callerId`: in a group anyone
 * with the invoke permission (the prompt's author or another member), in a DM any member. Refused
 * while an attempt at the same prompt is still running. The prompt goes through the same
 * checks as when it was posted (trigger, attachments, length, rate limit, budget).
 */
export async function regenerate(runId: string, callerId: string, deps: RegenerateDeps): Promise<Regenerated> {
  const { chat } = deps;
  const maxAttempts = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const parsed = parseRunId(runId);
  if (!parsed) throw new RegenerateError('not-found', TEXT.notFound);
  // Before anyone is asked anything: the next attempt would be over the cap.
  if (parsed.attempt >= maxAttempts) throw new RegenerateError('too-many-attempts', TEXT.tooManyAttempts(maxAttempts));
  const prompt = promptEventOf(await deps.readMessage(parsed.messageId, callerId).catch(() => null));
  if (!prompt) throw new RegenerateError('not-found', TEXT.notFound);
  // getMessage checks the group the message names, not that its converse is a panel of it.
  const reads = await checkRead(chat.host, { userId: callerId, converseId: prompt.converseId, groupId: prompt.groupId });
  if (!reads.allowed) {
    chat.logger.warn('regenerate refused: the prompt names a place the caller may not read', { reason: reads.reason, runId, by: callerId });
    throw new RegenerateError('not-found', TEXT.notFound);
  }
  if (chat.agents.byUserId(prompt.author) || prompt.author === SYSTEM_USER_ID || (await chat.isBot(prompt.author))) {
    throw new RegenerateError('not-a-prompt', TEXT.notAPrompt);
  }
  // In groups the caller needs invoke, the prompt's author too: someone whose access to the agent
  // was taken away must not keep running it through old prompts.
  if (prompt.groupId) {
    const permission = await chat.can(prompt.groupId, callerId, 'invoke');
    if (!permission.allowed) throw new RegenerateError('forbidden', TEXT.forbidden);
  }

  const answered = await answeredAttempts(chat.host, prompt, reads.grant, chat.agents.userIds, deps.maxPages ?? 10);
  const attempt = Math.max(parsed.attempt, ...answered) + 1;
  if (attempt > maxAttempts) throw new RegenerateError('too-many-attempts', TEXT.tooManyAttempts(maxAttempts));
  // An attempt without a stored reply is running, queued, or lost; only a runner knows which.
  const unanswered: string[] = [];
  for (let n = 1; n <= attempt; n++) if (!answered.has(n)) unanswered.push(runIdFor(prompt.messageId, n));
  const running = await deps.activeRuns(unanswered).catch((err: unknown) => {
    throw err instanceof RegenerateError ? err : new RegenerateError('unavailable', TEXT.unknownRunning);
  });
  if (running.length > 0) throw new RegenerateError('running', TEXT.running);

  const { settings, place, agents } = await placeOf(prompt, chat);
  const decision = decide(prompt, place, defaultAgentOf(settings, chat).id, chat.maxIntakeChars);
  // Only prompts and summaries have replies worth another attempt (other commands answer as text).
  if (decision.kind === 'ignore' || (decision.kind === 'command' && decision.command !== 'summarize')) {
    throw new RegenerateError('not-a-prompt', TEXT.notAPrompt);
  }
  let said: string | undefined;
  const respond = async (text: string) => void (said ??= text);
  const outcome = await runDecision(decision, prompt, settings, { ...chat, respond }, reads.grant, { attempt, by: callerId }, undefined, agents);
  const started = outcome.kind === 'started' || (outcome.kind === 'command' && said === undefined);
  if (started) {
    chat.logger.info('reply regenerated', { runId: runIdFor(prompt.messageId, attempt), attempt, by: callerId, groupId: prompt.groupId });
    return { runId: runIdFor(prompt.messageId, attempt), attempt };
  }
  const reason = outcome.kind === 'refused' ? outcome.reason : 'refused';
  // A second click (or another member) started this very attempt a moment ago.
  if (reason === 'already-started') throw new RegenerateError('running', TEXT.running);
  if (reason.startsWith('rate-limit')) throw new RegenerateError('rate-limited', said ?? TEXT.refused);
  if (reason === 'runner-unavailable') throw new RegenerateError('unavailable', said ?? TEXT.refused);
  throw new RegenerateError('refused', said ?? TEXT.refused);
}

/** Stored message (as getMessage returns it: a document in-process, JSON over a transporter) → the trigger's event shape. */
function promptEventOf(raw: unknown): AddedMessage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const doc = (typeof (raw as { toJSON?: unknown }).toJSON === 'function' ? (raw as { toJSON(): unknown }).toJSON() : raw) as Record<string, unknown>;
  const id = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
  if (doc.hasRecall === true) return undefined;
  const groupId = id(doc.groupId);
  const parsed = addedMessageEvent.safeParse({
    type: 'add',
    converseId: id(doc.converseId),
    messageId: id(doc._id),
    author: id(doc.author),
    content: doc.content,
    ...(groupId ? { groupId } : {}),
    meta: doc.meta ?? {},
  });
  return parsed.success ? parsed.data : undefined;
}

/**
 * Attempt numbers of the prompt that have a stored reply (any part), newest pages first, down to
 * the prompt itself or `maxPages` pages, through the caller's read grant.
 */
async function answeredAttempts(host: TailchatHost, prompt: AddedMessage, grant: ReadGrant, agentUsers: readonly string[], maxPages: number): Promise<Set<number>> {
  const read = pageReader(host, grant);
  const found = new Set<number>();
  let before: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const messages = await read(before);
    for (const m of messages) {
      // A member's message carrying a forged meta is no attempt: it must not push the count on.
      const replyRunId = agentReplyOf(m, agentUsers)?.runId;
      const reply = replyRunId ? parseRunId(replyRunId) : undefined;
      if (reply?.messageId === prompt.messageId) found.add(reply.attempt);
    }
    const oldest = messages[messages.length - 1];
    // Replies are newer than their prompt: once a page reaches back to it, nothing is missing.
    if (!oldest || !isOlder(prompt.messageId, oldest._id)) break;
    before = oldest._id;
  }
  return found;
}
