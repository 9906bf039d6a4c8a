/**
 * Reading a run's state out of a `chat.history` answer (pure). Row identities come from the
 * official client's `readSessionMessageIdentity` (a user row carries `sendId` = our idempotency
 * key; an assistant row carries the `runId` that produced it).
 *
 * Used after a reconnect (adopt the in-flight run, or take the finished reply from history
 * instead of waiting for events that were sent while we were away) and for a redelivered run the
 * gateway already finished (`chat.send` answers `status: "ok"`).
 */
import { readSessionMessageIdentity } from '@openclaw/gateway-client';
import { z } from 'zod';
import { messageText } from './events.js';

export const chatHistorySchema = z.looseObject({
  messages: z.array(z.unknown()).default([]),
  inFlightRun: z
    .looseObject({
      runId: z.string(),
      text: z.string().optional(),
    })
    .nullish(),
  sessionInfo: z
    .looseObject({
      hasActiveRun: z.boolean().optional(),
      activeRunIds: z.array(z.string()).nullish(),
    })
    .nullish(),
});
export type ChatHistory = z.infer<typeof chatHistorySchema>;

export type RunInHistory =
  /** The run is executing now; `text` is what it has produced so far. */
  | { state: 'in-flight'; runId: string; text: string }
  /** The run finished; `text` is its reply ('' when it posted nothing). */
  | { state: 'finished'; runId: string; text: string }
  /** The gateway has our user turn but no reply and no live run for it. */
  | { state: 'accepted'; }
  /** The gateway never recorded the turn. */
  | { state: 'unknown' };

/**
 * Where run `runId` (our idempotency key; `aliases` = execution ids it ran under) stands.
 * A queued turn runs under another id: its reply is the assistant rows after our user row.
 */
export function locateRun(history: ChatHistory, runId: string, aliases: Iterable<string> = []): RunInHistory {
  const ids = new Set<string>([runId, ...aliases]);
  const inFlight = history.inFlightRun;
  if (inFlight && ids.has(inFlight.runId)) return { state: 'in-flight', runId: inFlight.runId, text: inFlight.text ?? '' };

  const rows = history.messages.map((message) => ({ message, identity: readSessionMessageIdentity(message) }));
  // 1. assistant rows produced under one of our ids
  let reply: { runId: string; text: string } | undefined;
  for (const row of rows) {
    if (row.identity?.role !== 'assistant' || !row.identity.runId || !ids.has(row.identity.runId)) continue;
    const text = messageText(row.message);
    if (text !== undefined && text.length > 0) reply = { runId: row.identity.runId, text };
    else reply ??= { runId: row.identity.runId, text: '' };
  }
  // 2. otherwise: the assistant rows between our user row and the next user row
  let userIndex = -1;
  rows.forEach((row, i) => {
    if (row.identity?.role === 'user' && (row.identity.sendId === runId || row.identity.idempotencyKey === `${runId}:user`)) userIndex = i;
  });
  if (!reply && userIndex >= 0) {
    for (const row of rows.slice(userIndex + 1)) {
      if (row.identity?.role === 'user') break;
      if (row.identity?.role !== 'assistant') continue;
      const execRunId = row.identity.runId ?? runId;
      if (inFlight && inFlight.runId === execRunId) return { state: 'in-flight', runId: execRunId, text: inFlight.text ?? '' };
      const text = messageText(row.message);
      if (text !== undefined && text.length > 0) reply = { runId: execRunId, text };
      else reply ??= { runId: execRunId, text: '' };
    }
  }
  const active = history.sessionInfo?.activeRunIds ?? [];
  if (active.some((id) => ids.has(id))) return { state: 'in-flight', runId: active.find((id) => ids.has(id))!, text: reply?.text ?? '' };
  // The live `final` event carries the reply trimmed; history keeps trailing whitespace. Match it.
  if (reply) return { state: 'finished', runId: reply.runId, text: reply.text.trimEnd() };
  return userIndex >= 0 ? { state: 'accepted' } : { state: 'unknown' };
}
