/**
 * Folds a run's engine events into what the user sees: ordered blocks for the panel (text, code,
 * diff, tool cards, approvals, errors, badges) and readable plain text for clients without the
 * plugin. Pure and cheap, so it can run on every delta.
 */
import type { AnyBlock, ApprovalBlock, ErrorKind, RunStatus, ToolBlock } from '../../protocol/blocks.js';
import { ENGINE_PHASE, type ApprovalDecision, type Badge, type EngineEvent, type Usage } from '../engine/types.js';
import { splitFences } from './fences.js';

interface Anchored<T> {
  /** Length of the reply text when the item appeared: where it sits between text parts. */
  at: number;
  /** Arrival order among cards, for cards that appeared at the same text position. */
  order?: number;
  block: T;
}

export interface ReplyState {
  status: RunStatus;
  text: string;
  tools: Anchored<ToolBlock>[];
  approvals: Anchored<ApprovalBlock>[];
  error?: { kind: ErrorKind; message: string };
  badges: Badge[];
  usage?: Usage;
  abortReason?: string;
  /** While waiting for a free slot on the runner (1 = next). */
  queuePosition?: number;
  /** While the engine is away and the run waits for it to come back (ENGINE_PHASE.reconnecting). */
  reconnecting?: true;
}

export function initialReplyState(): ReplyState {
  return { status: 'streaming', text: '', tools: [], approvals: [], badges: [] };
}

export function queuedReplyState(position: number): ReplyState {
  return { ...initialReplyState(), status: 'queued', queuePosition: position };
}

const queuedText = (position: number) => `⏳ Waiting for a free slot: position ${position} in the queue. · 排队中：第 ${position} 位。`;
const reconnectingText = '🔌 Reconnecting to the agent… · 正在重新连接智能体…';

const DECISION_STATUS: Record<ApprovalDecision, ApprovalBlock['status']> = {
  'allow-once': 'approved',
  'allow-always': 'approved',
  deny: 'denied',
};

/** Returns a new state; `state` is not changed (snapshots already sent stay valid). */
export function applyEvent(state: ReplyState, event: EngineEvent): ReplyState {
  if (event.type === 'status' && event.phase === ENGINE_PHASE.reconnecting) return state.reconnecting ? state : { ...state, reconnecting: true };
  // Anything else the engine says means it is back.
  if (state.reconnecting) {
    const { reconnecting: _back, ...rest } = state;
    return applyEvent(rest, event);
  }
  switch (event.type) {
    case 'status':
    case 'usage':
      return event.type === 'usage' ? { ...state, usage: event.usage } : state;
    case 'text':
      return { ...state, text: event.text };
    case 'tool': {
      const status: ToolBlock['status'] = event.phase === 'start' ? 'running' : event.isError ? 'failed' : 'succeeded';
      const existing = state.tools.find((t) => t.block.toolCallId === event.toolCallId);
      const block: ToolBlock = {
        type: 'tool',
        toolCallId: event.toolCallId,
        name: event.name,
        status,
        ...(event.args !== undefined ? { args: event.args } : existing?.block.args !== undefined ? { args: existing.block.args } : {}),
        ...(event.result !== undefined ? { result: event.result } : {}),
      };
      const tools = existing
        ? state.tools.map((t) => (t === existing ? { ...t, block } : t))
        : [...state.tools, { at: state.text.length, order: state.tools.length + state.approvals.length, block }];
      return { ...state, tools };
    }
    case 'approval.requested': {
      if (state.approvals.some((a) => a.block.approvalId === event.approvalId)) return state;
      const block: ApprovalBlock = {
        type: 'approval',
        approvalId: event.approvalId,
        command: event.command,
        status: 'pending',
        ...(event.expiresAt ? { expiresAt: event.expiresAt } : {}),
        ...(event.allowedDecisions ? { decisions: event.allowedDecisions } : {}),
      };
      return { ...state, approvals: [...state.approvals, { at: state.text.length, order: state.tools.length + state.approvals.length, block }] };
    }
    case 'approval.resolved':
      return {
        ...state,
        approvals: state.approvals.map((a) =>
          // An expired approval stays expired: the engine's deny is our own doing.
          a.block.approvalId === event.approvalId && a.block.status !== 'expired'
            ? { ...a, block: { ...a.block, status: DECISION_STATUS[event.decision], ...(event.by ? { decidedBy: event.by } : {}) } }
            : a,
        ),
      };
    case 'final':
      return {
        ...state,
        status: 'done',
        // An empty final keeps what streamed; a final text wins over the last snapshot.
        text: event.text || state.text,
        badges: event.badges ?? state.badges,
        tools: settleTools(state.tools),
        approvals: expirePending(state.approvals),
      };
    case 'error':
      return { ...state, status: 'error', error: { kind: event.kind, message: event.message }, tools: settleTools(state.tools, 'failed'), approvals: expirePending(state.approvals) };
    case 'aborted':
      return { ...state, status: 'aborted', tools: settleTools(state.tools, 'failed'), approvals: expirePending(state.approvals), ...(event.reason ? { abortReason: event.reason } : {}) };
  }
}

function settleTools(tools: Anchored<ToolBlock>[], as: ToolBlock['status'] = 'succeeded'): Anchored<ToolBlock>[] {
  return tools.map((t) => (t.block.status === 'running' ? { ...t, block: { ...t.block, status: as } } : t));
}
function expirePending(approvals: Anchored<ApprovalBlock>[]): Anchored<ApprovalBlock>[] {
  return approvals.map((a) => (a.block.status === 'pending' ? { ...a, block: { ...a.block, status: 'expired' as const } } : a));
}

/** An approval nobody decided in time: shown as expired (the engine is told to deny it). */
export function expireApproval(state: ReplyState, approvalId: string): ReplyState {
  return {
    ...state,
    approvals: state.approvals.map((a) =>
      a.block.approvalId === approvalId && a.block.status === 'pending' ? { ...a, block: { ...a.block, status: 'expired' as const } } : a,
    ),
  };
}

export interface BlockOptions {
  /**
   * Tool cards carry name and status only (`redacted: true`): the blocks go to an audience that
   * may not see arguments and results (bridge/privacy/visibility.ts).
   */
  privateTools?: boolean;
}

/** A tool card without its arguments and result. */
export function redactTool(block: ToolBlock): ToolBlock {
  return { type: 'tool', toolCallId: block.toolCallId, name: block.name, status: block.status, redacted: true };
}

/** Ordered panel blocks: text parts with tool and approval cards where they happened. */
export function toBlocks(state: ReplyState, options: BlockOptions = {}): AnyBlock[] {
  if (state.status === 'queued') return [{ type: 'markdown', text: queuedText(state.queuePosition ?? 1) }];
  const anchored = [...state.tools, ...state.approvals].sort((a, b) => a.at - b.at || (a.order ?? 0) - (b.order ?? 0));
  const blocks: AnyBlock[] = [];
  let from = 0;
  for (const item of anchored) {
    const at = Math.min(item.at, state.text.length);
    if (at > from) blocks.push(...splitFences(state.text.slice(from, at)));
    from = Math.max(from, at);
    blocks.push(options.privateTools && item.block.type === 'tool' ? redactTool(item.block) : item.block);
  }
  if (state.text.length > from) blocks.push(...splitFences(state.text.slice(from)));
  if (state.error) blocks.push({ type: 'error', kind: state.error.kind, message: state.error.message });
  for (const b of state.badges) blocks.push({ type: 'badge', kind: b.kind, label: b.label });
  return blocks;
}

/** Readable text for clients without the plugin (Tailchat's own apps, bots, search). */
export function toPlainText(state: ReplyState, labels: PlainLabels = DEFAULT_LABELS): string {
  if (state.status === 'queued') return queuedText(state.queuePosition ?? 1);
  const parts: string[] = [];
  for (const a of state.approvals) parts.push(`${labels.approval}: ${a.block.command} (${a.block.status})`);
  for (const t of state.tools) parts.push(`${labels.tool}: ${t.block.name} (${t.block.status})`);
  if (state.text) parts.push(state.text);
  if (state.status === 'error' && state.error) parts.push(`${labels.error}: ${state.error.message}`);
  if (state.status === 'aborted') parts.push(labels.aborted);
  if (state.badges.length) parts.push(state.badges.map((b) => `[${b.label}]`).join(' '));
  if (state.reconnecting) parts.push(reconnectingText);
  return parts.join('\n\n');
}

export interface PlainLabels {
  approval: string;
  tool: string;
  error: string;
  aborted: string;
}
const DEFAULT_LABELS: PlainLabels = {
  approval: '⚠ Approval needed',
  tool: '🔧 Tool',
  error: '⚠ The agent could not answer',
  aborted: '⏹ Stopped.',
};
