/**
 * Pure mapping of gateway event frames (`chat`, `agent`, `exec.approval.*`) to EngineEvents for
 * one run. Payloads are validated at this boundary with zod (loose objects: OpenClaw adds fields
 * additively, so unknown keys are kept, wrong types are dropped). Deduplicates by runId + seq
 * (per stream), ignores stale deltas, and keeps the cumulative text snapshot.
 *
 * Shapes, as seen from openclaw@2026.9.6 (protocol v4):
 * - chat `{runId, sessionKey, seq, state}`: `status {phase}`; `delta {deltaText, replace?, message}`
 *   where `message` is the cumulative assistant snapshot; `final {message?, usage?, stopReason?}`;
 *   `aborted {stopReason, message?}`; `error {errorMessage, errorKind?, errorDetail?}`.
 *   Chat and agent events of one run share a seq counter, and a delta and the final can carry
 *   the same seq — so the chat dedupe key includes `state`.
 * - agent `{runId, seq, stream, ts, data}`: `tool {phase: start|update|result, name, toolCallId,
 *   args | result, isError}` (only with the `tool-events` cap), `usage {outputTokens…}`,
 *   `lifecycle {phase…}`, `assistant {text, delta}`, `item`, `command_output`, `approval`.
 * - `exec.approval.requested {id, request{command, runId, sessionKey…}, expiresAtMs}`,
 *   `exec.approval.resolved {id, decision, resolvedBy, request}`.
 */
import { z } from 'zod';
import type { ErrorKind } from '../../../protocol/blocks.js';
import type { ApprovalDecision, EngineEvent, Usage } from '../types.js';

export interface GatewayEventFrame {
  event: string;
  payload?: unknown;
  seq?: number;
}

const messageSnapshot = z.unknown();

export const chatEventSchema = z.looseObject({
  runId: z.string().min(1),
  sessionKey: z.string().min(1),
  seq: z.number().int().min(0),
  state: z.enum(['status', 'delta', 'final', 'aborted', 'error']),
  phase: z.string().optional(),
  deltaText: z.string().optional(),
  replace: z.boolean().optional(),
  message: messageSnapshot.optional(),
  usage: z.unknown().optional(),
  stopReason: z.string().optional(),
  errorMessage: z.string().optional(),
  errorKind: z.string().optional(),
  errorDetail: z.looseObject({ failoverReason: z.string().optional(), httpStatus: z.number().optional() }).optional(),
});
export type ChatEventPayload = z.infer<typeof chatEventSchema>;

export const agentEventSchema = z.looseObject({
  runId: z.string().min(1),
  seq: z.number().int().min(0),
  stream: z.string().min(1),
  ts: z.number().optional(),
  sessionKey: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});
export type AgentEventPayload = z.infer<typeof agentEventSchema>;

const approvalRequest = z.looseObject({
  command: z.string().optional(),
  commandPreview: z.string().nullish(),
  runId: z.string().nullish(),
  sessionKey: z.string().nullish(),
  toolCallId: z.string().nullish(),
  allowedDecisions: z.array(z.string()).optional(),
});

const DECISIONS: readonly ApprovalDecision[] = ['allow-once', 'allow-always', 'deny'];
/** The gateway's list of acceptable decisions, restricted to the ones we know. */
function allowed(list: string[] | undefined): ApprovalDecision[] | undefined {
  const known = list?.filter((d): d is ApprovalDecision => (DECISIONS as readonly string[]).includes(d));
  return known && known.length > 0 ? known : undefined;
}

export const approvalRequestedSchema = z.looseObject({
  id: z.string().min(1),
  request: approvalRequest,
  createdAtMs: z.number().optional(),
  expiresAtMs: z.number().optional(),
});
export type ApprovalRequestedPayload = z.infer<typeof approvalRequestedSchema>;

export const approvalResolvedSchema = z.looseObject({
  id: z.string().min(1),
  decision: z.string(),
  resolvedBy: z.string().nullish(),
  request: approvalRequest.optional(),
});
export type ApprovalResolvedPayload = z.infer<typeof approvalResolvedSchema>;

const toolData = z.looseObject({
  phase: z.string(),
  name: z.string().default('tool'),
  toolCallId: z.string().min(1),
  args: z.unknown().optional(),
  result: z.unknown().optional(),
  isError: z.boolean().optional(),
});

/** Text of an assistant message snapshot (`{role, content: [{type:"text", text}]}` or a string). */
export function messageText(message: unknown): string | undefined {
  if (typeof message === 'string') return message;
  if (!message || typeof message !== 'object') return undefined;
  const m = message as { content?: unknown; text?: unknown };
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) {
    const parts = m.content
      .filter((p): p is { type: string; text: string } => !!p && typeof p === 'object' && (p as { type?: unknown }).type === 'text' && typeof (p as { text?: unknown }).text === 'string')
      .map((p) => p.text);
    return parts.length > 0 ? parts.join('') : undefined;
  }
  if (typeof m.text === 'string') return m.text;
  return undefined;
}

const ERROR_KINDS = new Set<ErrorKind>(['refusal', 'timeout', 'rate_limit', 'context_length', 'unavailable', 'auth', 'bad_response', 'denied', 'unknown']);
const FAILOVER_TO_KIND: Record<string, ErrorKind> = {
  rate_limit: 'rate_limit',
  timeout: 'timeout',
  context_overflow: 'context_length',
  context_length: 'context_length',
  auth: 'auth',
  billing: 'auth',
  overloaded: 'unavailable',
  server_error: 'unavailable',
  network: 'unavailable',
  refusal: 'refusal',
  content_filter: 'refusal',
};

/** OpenClaw's `errorKind` (refusal|timeout|rate_limit|context_length|unknown) or the failover reason. */
export function errorKindOf(payload: Pick<ChatEventPayload, 'errorKind' | 'errorDetail'>): ErrorKind {
  const k = payload.errorKind as ErrorKind | undefined;
  if (k && ERROR_KINDS.has(k) && k !== 'unknown') return k;
  const reason = payload.errorDetail?.failoverReason;
  if (reason && FAILOVER_TO_KIND[reason]) return FAILOVER_TO_KIND[reason];
  const status = payload.errorDetail?.httpStatus;
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'auth';
  if (status !== undefined && status >= 500) return 'unavailable';
  return 'unknown';
}

function usageOf(raw: unknown): Usage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const num = (...keys: string[]) => {
    for (const k of keys) if (typeof r[k] === 'number' && Number.isFinite(r[k])) return r[k];
    return undefined;
  };
  const usage: Usage = {};
  const input = num('inputTokens', 'input', 'prompt_tokens');
  const output = num('outputTokens', 'output', 'completion_tokens');
  const total = num('totalTokens', 'total', 'total_tokens');
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  if (total !== undefined) usage.totalTokens = total;
  if (usage.inputTokens === undefined && usage.outputTokens === undefined && usage.totalTokens === undefined) return undefined;
  if (usage.inputTokens === 0 && usage.outputTokens === 0 && (usage.totalTokens ?? 0) === 0) return undefined;
  return usage;
}

export function approvalDecisionOf(decision: string): ApprovalDecision {
  return decision === 'allow-once' || decision === 'allow-always' ? decision : 'deny';
}

export interface RunEventMapperOptions {
  runId: string;
  /** Canonical session key (`agent:<id>:…`); events for other sessions are ignored. */
  sessionKey: string;
}

export interface RunEventMapper {
  /** Maps one frame; returns the EngineEvents it produces (possibly none). */
  accept(frame: GatewayEventFrame): EngineEvent[];
  /** Adds another gateway run id whose events belong to this run (a queued run's execution id). */
  alias(runId: string): void;
  readonly runIds: ReadonlySet<string>;
  /** The cumulative reply text so far. */
  readonly text: string;
  readonly lastStatus: string | undefined;
  /** True once a status, delta, tool or lifecycle event of this run was seen. */
  readonly sawActivity: boolean;
  /** True once any tool started (a lost run with tools must not be resent). */
  readonly sawTool: boolean;
  readonly pendingApprovals: ReadonlyMap<string, Extract<EngineEvent, { type: 'approval.requested' }>>;
  /** Rebuilds the snapshot from an authoritative text (history / in-flight run); emits a text event when it differs. */
  adoptText(text: string): EngineEvent[];
  /** The same run id starts executing again (resent after a gateway crash): seq counters restart. */
  restartExecution(): void;
}

export function createRunEventMapper(opts: RunEventMapperOptions): RunEventMapper {
  const runIds = new Set<string>([opts.runId]);
  const seen = new Set<string>();
  let lastDeltaSeq = -1;
  let text = '';
  let lastStatus: string | undefined;
  let sawActivity = false;
  let sawTool = false;
  const pendingApprovals = new Map<string, Extract<EngineEvent, { type: 'approval.requested' }>>();
  const toolPhases = new Set<string>();

  const sessionMatches = (key: string | null | undefined) => !key || key.toLowerCase() === opts.sessionKey;

  function snapshot(next: string, replaceHint: boolean | undefined): EngineEvent[] {
    if (next === text && !replaceHint) return [];
    const extends_ = next.startsWith(text);
    const event: EngineEvent = extends_ && !replaceHint ? { type: 'text', text: next, delta: next.slice(text.length) } : { type: 'text', text: next, replace: true };
    text = next;
    return [event];
  }

  function onChat(p: ChatEventPayload): EngineEvent[] {
    const key = `chat:${p.runId}:${p.seq}:${p.state}`;
    if (seen.has(key)) return [];
    seen.add(key);
    switch (p.state) {
      case 'status': {
        sawActivity = true;
        if (!p.phase || p.phase === lastStatus) return [];
        lastStatus = p.phase;
        return [{ type: 'status', phase: p.phase }];
      }
      case 'delta': {
        sawActivity = true;
        if (p.seq < lastDeltaSeq) return []; // an older snapshot arriving late
        lastDeltaSeq = p.seq;
        const snap = messageText(p.message);
        const next = snap ?? (p.replace ? (p.deltaText ?? '') : text + (p.deltaText ?? ''));
        return snapshot(next, p.replace);
      }
      case 'final': {
        const finalText = messageText(p.message) ?? '';
        const out: EngineEvent[] = [];
        const usage = usageOf(p.usage);
        if (usage) out.push({ type: 'usage', usage });
        out.push({ type: 'final', text: finalText });
        return out;
      }
      case 'aborted':
        return [{ type: 'aborted', ...(p.stopReason ? { reason: p.stopReason } : {}) }];
      case 'error':
        return [{ type: 'error', kind: errorKindOf(p), message: p.errorMessage ?? 'The agent run failed.' }];
    }
  }

  function onAgent(p: AgentEventPayload): EngineEvent[] {
    const key = `agent:${p.runId}:${p.seq}`;
    if (seen.has(key)) return [];
    seen.add(key);
    if (p.stream === 'lifecycle' || p.stream === 'run_status' || p.stream === 'assistant' || p.stream === 'item') sawActivity = true;
    if (p.stream === 'usage') {
      const usage = usageOf(p.data);
      return usage ? [{ type: 'usage', usage }] : [];
    }
    if (p.stream !== 'tool') return [];
    const parsed = toolData.safeParse(p.data);
    if (!parsed.success) return [];
    const d = parsed.data;
    if (d.phase !== 'start' && d.phase !== 'result') return [];
    const toolKey = `${d.toolCallId}:${d.phase}`;
    if (toolPhases.has(toolKey)) return [];
    toolPhases.add(toolKey);
    sawActivity = true;
    if (d.phase === 'start') {
      sawTool = true;
      return [{ type: 'tool', toolCallId: d.toolCallId, name: d.name, phase: 'start', ...(d.args !== undefined ? { args: d.args } : {}) }];
    }
    return [
      {
        type: 'tool',
        toolCallId: d.toolCallId,
        name: d.name,
        phase: 'result',
        ...(d.result !== undefined ? { result: d.result } : {}),
        ...(d.isError !== undefined ? { isError: d.isError } : {}),
      },
    ];
  }

  function belongs(request: { runId?: string | null; sessionKey?: string | null } | undefined): boolean {
    return !!request?.runId && runIds.has(request.runId) && sessionMatches(request.sessionKey);
  }

  return {
    accept(frame) {
      switch (frame.event) {
        case 'chat': {
          const parsed = chatEventSchema.safeParse(frame.payload);
          if (!parsed.success || !runIds.has(parsed.data.runId) || !sessionMatches(parsed.data.sessionKey)) return [];
          return onChat(parsed.data);
        }
        case 'agent': {
          const parsed = agentEventSchema.safeParse(frame.payload);
          if (!parsed.success || !runIds.has(parsed.data.runId) || !sessionMatches(parsed.data.sessionKey)) return [];
          return onAgent(parsed.data);
        }
        case 'exec.approval.requested': {
          const parsed = approvalRequestedSchema.safeParse(frame.payload);
          if (!parsed.success || !belongs(parsed.data.request)) return [];
          const key = `approval:${parsed.data.id}:requested`;
          if (seen.has(key)) return [];
          seen.add(key);
          const command = parsed.data.request.command ?? parsed.data.request.commandPreview ?? '';
          const event: Extract<EngineEvent, { type: 'approval.requested' }> = {
            type: 'approval.requested',
            approvalId: parsed.data.id,
            command,
            ...(parsed.data.expiresAtMs !== undefined ? { expiresAt: parsed.data.expiresAtMs } : {}),
            ...(allowed(parsed.data.request.allowedDecisions) ? { allowedDecisions: allowed(parsed.data.request.allowedDecisions)! } : {}),
          };
          pendingApprovals.set(parsed.data.id, event);
          return [event];
        }
        case 'exec.approval.resolved': {
          const parsed = approvalResolvedSchema.safeParse(frame.payload);
          if (!parsed.success) return [];
          // The resolved event names the run in `request`; fall back to ids we saw requested.
          if (!belongs(parsed.data.request) && !pendingApprovals.has(parsed.data.id)) return [];
          const key = `approval:${parsed.data.id}:resolved`;
          if (seen.has(key)) return [];
          seen.add(key);
          pendingApprovals.delete(parsed.data.id);
          return [
            {
              type: 'approval.resolved',
              approvalId: parsed.data.id,
              decision: approvalDecisionOf(parsed.data.decision),
              ...(parsed.data.resolvedBy ? { by: parsed.data.resolvedBy } : {}),
            },
          ];
        }
        default:
          return [];
      }
    },
    alias(runId) {
      runIds.add(runId);
    },
    get runIds() {
      return runIds;
    },
    get text() {
      return text;
    },
    get lastStatus() {
      return lastStatus;
    },
    get sawActivity() {
      return sawActivity;
    },
    get sawTool() {
      return sawTool;
    },
    get pendingApprovals() {
      return pendingApprovals;
    },
    adoptText(next) {
      return snapshot(next, undefined);
    },
    restartExecution() {
      sawActivity = false;
      seen.clear();
      toolPhases.clear();
      lastDeltaSeq = -1;
      lastStatus = undefined;
    },
  };
}
