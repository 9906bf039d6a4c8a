/**
 * Run ids: `tc-<promptMessageId>` for the first answer to a Tailchat message, and
 * `tc-<promptMessageId>.r<n>` for attempt n (n ≥ 2) of the same prompt (Regenerate).
 *
 * The id is derived, not random: a redelivered Tailchat event maps to the same run (engines and
 * the run ledger treat the id as an idempotency key), every attempt still has an id of its own
 * (OpenClaw's `chat.send` would otherwise return the first answer again), and anyone holding a
 * run id finds the prompt message it answers. Plain functions, no zod: the web client imports
 * this too.
 */

const PREFIX = 'tc-';
/** Tailchat message ids are ObjectIds; never contain the `.` that starts the attempt suffix. */
const RUN_ID = /^tc-([A-Za-z0-9_-]{1,64})(?:\.r([1-9][0-9]{0,5}))?$/;

export interface ParsedRunId {
  /** The prompt message this run answers. */
  messageId: string;
  /** 1 for the first answer. */
  attempt: number;
}

/** The run id of attempt `attempt` (1 = the first answer) at the prompt message `messageId`. */
export function runIdFor(messageId: string, attempt = 1): string {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  return attempt === 1 ? `${PREFIX}${messageId}` : `${PREFIX}${messageId}.r${attempt}`;
}

/** undefined for anything that is not a run id of ours (including the non-canonical `.r1`). */
export function parseRunId(runId: string): ParsedRunId | undefined {
  const m = RUN_ID.exec(runId);
  if (!m) return undefined;
  const attempt = m[2] === undefined ? 1 : Number(m[2]);
  if (attempt === 1 && m[2] !== undefined) return undefined;
  return { messageId: m[1]!, attempt };
}

/** The run id of the first answer to the same prompt (the key that groups all its attempts). */
export function originalRunId(runId: string): string {
  const parsed = parseRunId(runId);
  return parsed ? runIdFor(parsed.messageId) : runId;
}

/**
 * What a reply's meta says about its attempt (protocol/blocks.ts `attempt`): nothing for the
 * first answer, so replies stored before Regenerate existed look exactly like first answers.
 */
export function attemptMetaOf(runId: string): { n: number; of: string } | undefined {
  const parsed = parseRunId(runId);
  return parsed && parsed.attempt > 1 ? { n: parsed.attempt, of: runIdFor(parsed.messageId) } : undefined;
}
