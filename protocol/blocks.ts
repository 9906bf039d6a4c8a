/**
 * The contract between the backend and the panels: what an agent reply carries in a Tailchat
 * message's `meta[AI_META_KEY]` and in the live draft events. Plain data only, validated with zod
 * on both sides (the frontend treats anything it cannot parse as text).
 */
import { z } from 'zod';

export const PLUGIN_ID = 'com.yourcompany.ai';
/** Key under a message's `meta` that holds the agent reply (other plugins own other keys). */
export const AI_META_KEY = 'com.yourcompany.ai';
export const META_VERSION = 1;

export const markdownBlock = z.object({ type: z.literal('markdown'), text: z.string() });
export const codeBlock = z.object({
  type: z.literal('code'),
  code: z.string(),
  language: z.string().optional(),
  filename: z.string().optional(),
});
/** A unified diff (`git diff` / `diff -u` text); may span several files. */
export const diffBlock = z.object({
  type: z.literal('diff'),
  patch: z.string(),
  filename: z.string().optional(),
});
export const toolStatus = z.enum(['running', 'succeeded', 'failed']);
export const toolBlock = z.object({
  type: z.literal('tool'),
  toolCallId: z.string(),
  name: z.string(),
  status: toolStatus,
  args: z.unknown().optional(),
  result: z.unknown().optional(),
  /** True when args/result were withheld from this audience (private tool output). */
  redacted: z.boolean().optional(),
});
export const approvalStatus = z.enum(['pending', 'approved', 'denied', 'expired']);
export const approvalBlock = z.object({
  type: z.literal('approval'),
  approvalId: z.string(),
  command: z.string(),
  status: approvalStatus,
  decidedBy: z.string().optional(),
  /** Epoch milliseconds. */
  expiresAt: z.number().optional(),
  /** Decisions the engine accepts; absent = allow-once, allow-always, deny. */
  decisions: z.array(z.enum(['allow-once', 'allow-always', 'deny'])).optional(),
});
export const errorKind = z.enum([
  'refusal',
  'timeout',
  'rate_limit',
  'context_length',
  'unavailable',
  'auth',
  'bad_response',
  'denied',
  'unknown',
]);
export const errorBlock = z.object({ type: z.literal('error'), kind: errorKind, message: z.string() });
/** MBE notes: novelty and the expert that answered. */
export const badgeBlock = z.object({
  type: z.literal('badge'),
  kind: z.enum(['novelty', 'expert', 'demo']),
  label: z.string(),
});

export const knownBlock = z.discriminatedUnion('type', [
  markdownBlock,
  codeBlock,
  diffBlock,
  toolBlock,
  approvalBlock,
  errorBlock,
  badgeBlock,
]);
/** Third-party panels register their own `type`; unknown blocks keep their data. */
export const anyBlock = z.looseObject({ type: z.string() });

export const runStatus = z.enum(['queued', 'streaming', 'done', 'error', 'aborted']);

export const aiMeta = z.object({
  v: z.literal(META_VERSION),
  runId: z.string(),
  engine: z.string(),
  status: runStatus,
  /** A live run that waits: `reconnecting` = its engine went away; it goes on when the engine is back. */
  phase: z.enum(['reconnecting']).optional(),
  blocks: z.array(anyBlock),
  requester: z.string().optional(),
  sessionKey: z.string().optional(),
  /**
   * A reply longer than one message is stored as several: part 1 carries every block (the panel
   * shows the whole reply there), later parts carry only the readable text of their slice.
   */
  part: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }).optional(),
  /**
   * Regenerated replies only (protocol/run-id.ts): attempt `n` (≥ 2) at the same prompt as the
   * first answer `of` (its run id). Absent = the first answer.
   */
  attempt: z.object({ n: z.number().int().min(2), of: z.string() }).optional(),
});

export type MarkdownBlock = z.infer<typeof markdownBlock>;
export type CodeBlock = z.infer<typeof codeBlock>;
export type DiffBlock = z.infer<typeof diffBlock>;
export type ToolBlock = z.infer<typeof toolBlock>;
export type ToolStatus = z.infer<typeof toolStatus>;
export type ApprovalBlock = z.infer<typeof approvalBlock>;
export type ApprovalStatus = z.infer<typeof approvalStatus>;
export type ErrorBlock = z.infer<typeof errorBlock>;
export type ErrorKind = z.infer<typeof errorKind>;
export type BadgeBlock = z.infer<typeof badgeBlock>;
export type KnownBlock = z.infer<typeof knownBlock>;
export type AnyBlock = z.infer<typeof anyBlock>;
export type RunStatus = z.infer<typeof runStatus>;
export type AiMeta = z.infer<typeof aiMeta>;
