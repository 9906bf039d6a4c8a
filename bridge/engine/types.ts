/**
 * The one seam between chat and any engine (OpenClaw gateway, MBE, the scripted test engine).
 * Everything Tailchat-specific stays above it; everything engine-specific below it.
 */
import type { AutomationEvent, AutomationSpec } from '../../protocol/automations.js';
import type { ErrorKind } from '../../protocol/blocks.js';

export interface Requester {
  userId: string;
  nickname?: string;
}

export interface RunRequest {
  /** Stable per Tailchat message: engines use it as their idempotency key. */
  runId: string;
  /** Conversation memory key; see bridge/session. */
  sessionKey: string;
  agentId?: string;
  /** The bundle agent's instructions, for engines that take them from the bundle (scripted, MBE). */
  instructions?: string;
  prompt: string;
  requester: Requester;
  /** Where the request came from, for engines that keep per-place state (MBE stats). */
  origin: { groupId?: string; converseId: string; messageId: string };
  timeoutMs?: number;
  /** Files in the prompt (bridge/attachments/parse.ts): links only, as they cross the broker. */
  attachments?: AttachmentRef[];
  /** Their bytes, fetched and checked on the runner side (bridge/attachments/gate.ts); engines read these. */
  loadedAttachments?: LoadedAttachment[];
}

/** An image or file of a Tailchat message: where Tailchat stores it, not its bytes. */
export interface AttachmentRef {
  kind: 'image' | 'file';
  /** Tailchat's file link as written in the message (often `{BACKEND}/static/…`). */
  url: string;
  /** The file card's name; images are `image.png`, `image-2.png`, … (Tailchat keeps no image name). */
  name: string;
  width?: number;
  height?: number;
}

/** An attachment's bytes, fetched from Tailchat within the limits; its type is sniffed from the bytes. */
export interface LoadedAttachment {
  kind: 'image' | 'file';
  name: string;
  mimeType: string;
  sizeBytes: number;
  /** The bytes, base64. */
  content: string;
  width?: number;
  height?: number;
}

/** What an engine can take besides text. Absent = text only. */
export interface EngineCapabilities {
  /** Reads images and files passed as `loadedAttachments`. */
  attachments?: boolean;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

export type Badge = { kind: 'novelty' | 'expert' | 'demo'; label: string };

export type EngineEvent =
  | { type: 'status'; phase: string }
  /** `text` is the cumulative reply so far; `replace` means it is not a prefix extension. */
  | { type: 'text'; text: string; delta?: string; replace?: boolean }
  | {
      type: 'tool';
      toolCallId: string;
      name: string;
      phase: 'start' | 'result';
      args?: unknown;
      result?: unknown;
      isError?: boolean;
    }
  /** `allowedDecisions`: what the engine accepts for this request (absent = all three). */
  | { type: 'approval.requested'; approvalId: string; command: string; expiresAt?: number; allowedDecisions?: ApprovalDecision[] }
  | { type: 'approval.resolved'; approvalId: string; decision: ApprovalDecision; by?: string }
  | { type: 'usage'; usage: Usage }
  /** Run finished. `text` is the whole reply ('' = nothing to post). */
  | { type: 'final'; text: string; badges?: Badge[] }
  /** `cause`: why, where the kind alone does not tell the user enough (texts in bridge/run/execute.ts). */
  | { type: 'error'; kind: ErrorKind; message: string; cause?: ErrorCause }
  | { type: 'aborted'; reason?: string };

/**
 * - `engine-unreachable`: the engine went away (or was away at the start) and did not come back
 *   within its reconnect window.
 * - `interrupted-after-tools`: the engine lost the run after it had used tools; it is not sent
 *   again by itself, since its side effects could repeat.
 */
export type ErrorCause = 'engine-unreachable' | 'interrupted-after-tools';

/**
 * Status phases with one meaning for every engine (other phases are engine-specific): the engine
 * went away and the run waits for it (`reconnecting`), and it is back (`reconnected`). The live
 * draft says so while it waits (bridge/stream/reply-state.ts).
 */
export const ENGINE_PHASE = { reconnecting: 'reconnecting', reconnected: 'reconnected' } as const;

export type TerminalEvent = Extract<EngineEvent, { type: 'final' | 'error' | 'aborted' }>;

export type ApprovalDecision = 'allow-once' | 'allow-always' | 'deny';

/**
 * A started run. `start()` with a run id the engine already knows returns a view of that same
 * run (which catches up), never a second run. Status phases are engine-specific strings
 * (e.g. 'started', 'queued', 'resubmitted', 'mbe.route'), except ENGINE_PHASE.
 *
 * Iterating yields events in order and ends after exactly one terminal event. */
export interface EngineRun extends AsyncIterable<EngineEvent> {
  readonly runId: string;
}

export interface EngineHealth {
  ok: boolean;
  /** Human-readable, safe to show to admins (never contains secrets). */
  detail: string;
}

/**
 * Jobs that make an agent speak first (issue #22): created only by the bundle on a requester's
 * behalf, never by an agent's turn. An engine without it does not support schedules (MBE).
 */
export interface EngineAutomations {
  /** Creates the job; the same `declarationKey` gives the same job (idempotent). */
  create(spec: AutomationSpec): Promise<{ jobId: string; nextRunAt?: string }>;
  setEnabled(jobId: string, enabled: boolean): Promise<void>;
  remove(jobId: string): Promise<void>;
  /** Results and failures of runs, live; returns the undo. */
  onEvent(listener: (event: AutomationEvent) => void): () => void;
  /** Keep reporting results committed to this session (after a restart too: call again on start). */
  watch(sessionKey: string): Promise<void>;
  /** The results already committed to a session (catch-up after this instance was down). */
  committed(sessionKey: string): Promise<AutomationEvent[]>;
}

export interface Engine {
  readonly id: string;
  readonly capabilities?: EngineCapabilities;
  /** Absent: this engine does not run schedules. */
  readonly automations?: EngineAutomations;
  start(request: RunRequest): Promise<EngineRun>;
  /** Stops the session's current run (or the given one). Resolves true if something stopped. */
  abort(sessionKey: string, runId?: string): Promise<boolean>;
  /** Forgets the session's conversation memory (`/new`). */
  reset(sessionKey: string): Promise<void>;
  resolveApproval?(approvalId: string, decision: ApprovalDecision): Promise<void>;
  /** Text for the `/stats` command (engines that keep per-user statistics, e.g. MBE). */
  stats?(userId: string): Promise<string>;
  health(): Promise<EngineHealth>;
  close(): Promise<void>;
  /** Entries held by the engine's own bounded maps (metrics: tcai_bounded_entries). */
  sizes?(): Record<string, number>;
}

/** Thrown by engines for failures that happen before a run exists (bad auth, engine down). */
export class EngineError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly adminHint?: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
