/**
 * Reading a run's state out of a `chat.history` answer (pure). Row identities come from the
 * official client's `readSessionMessageIdentity` (a user row carries `sendId` = our idempotency
 * key; an assistant row carries the `runId` that produced it).
 *
 * Used after a reconnect (adopt the in-flight run, or take the finished reply from history
 * instead of waiting for events that were sent while we were away) and for a redelivered run the
 * gateway already finished (`chat.send` answers `status: "ok"`).
 *
 * Our turn may continue under other run ids (seen with openclaw 2026.9.6):
 * - a message sent to a busy session runs later under a new id;
 * - after a crash the gateway's restart recovery appends a synthetic user row
 *   (`provenance.kind: "internal_system"`, `sourceTool: "main_session_restart_recovery"`) and
 *   finishes the task under a new id, first announced in `sessionInfo.activeRunIds`.
 * So the reply of our turn is the last assistant text between our user row and the next human
 * user row, whatever run id produced it.
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
  /** The turn is executing now under `runId`; `text` is what it has produced so far. */
  | { state: 'in-flight'; runId: string; text: string }
  /** The turn finished; `text` is its reply ('' when it posted nothing). */
  | { state: 'finished'; runId: string; text: string }
  /** The gateway has our user turn but no reply and no live run for it. */
  | { state: 'accepted' }
  /** The gateway never recorded the turn (or it is beyond the page read). */
  | { state: 'unknown' };

function isInternalUserRow(message: unknown): boolean {
  const provenance = (message as { provenance?: { kind?: unknown } } | null)?.provenance;
  return provenance?.kind === 'internal_system';
}

/** Where the turn sent with idempotency key `runId` stands (`aliases`: other ids it ran under). */
export function locateRun(history: ChatHistory, runId: string, aliases: Iterable<string> = []): RunInHistory {
  const ids = new Set<string>([runId, ...aliases]);
  const inFlight = history.inFlightRun ?? undefined;
  const active = history.sessionInfo?.activeRunIds ?? [];
  if (inFlight && ids.has(inFlight.runId)) return { state: 'in-flight', runId: inFlight.runId, text: inFlight.text ?? '' };

  const rows = history.messages.map((message) => ({ message, identity: readSessionMessageIdentity(message) }));
  let userIndex = -1;
  rows.forEach((row, i) => {
    if (row.identity?.role === 'user' && (row.identity.sendId === runId || row.identity.idempotencyKey === `${runId}:user`)) userIndex = i;
  });

  let reply: { runId: string; text: string } | undefined;
  const consider = (row: (typeof rows)[number]) => {
    const text = messageText(row.message);
    const producer = row.identity?.runId ?? runId;
    if (text !== undefined && text.length > 0) reply = { runId: producer, text };
    else reply ??= { runId: producer, text: '' };
  };

  let lastHuman = true; // no human turn after ours
  if (userIndex >= 0) {
    const continuation = new Set<string>(ids);
    for (const row of rows.slice(userIndex + 1)) {
      if (row.identity?.role === 'user') {
        if (isInternalUserRow(row.message)) {
          if (row.identity.sendId) continuation.add(row.identity.sendId);
          continue;
        }
        lastHuman = false;
        break;
      }
      if (row.identity?.role !== 'assistant') continue;
      if (row.identity.runId) continuation.add(row.identity.runId);
      consider(row);
    }
    if (inFlight && (continuation.has(inFlight.runId) || lastHuman)) return { state: 'in-flight', runId: inFlight.runId, text: inFlight.text ?? '' };
    const live = active.find((id) => continuation.has(id));
    if (live) return { state: 'in-flight', runId: live, text: '' };
    // Our turn is the newest human turn, nothing answered it yet, and exactly one run is active in
    // the session: that run is working on it (queued execution or restart recovery).
    if (!reply && lastHuman && active.length === 1) return { state: 'in-flight', runId: active[0]!, text: '' };
  } else {
    for (const row of rows) {
      if (row.identity?.role === 'assistant' && row.identity.runId && ids.has(row.identity.runId)) consider(row);
    }
    const live = active.find((id) => ids.has(id));
    if (live) return { state: 'in-flight', runId: live, text: '' };
  }
  // The live `final` event carries the reply trimmed; history keeps trailing whitespace. Match it.
  if (reply) return { state: 'finished', runId: reply.runId, text: reply.text.trimEnd() };
  return userIndex >= 0 ? { state: 'accepted' } : { state: 'unknown' };
}
