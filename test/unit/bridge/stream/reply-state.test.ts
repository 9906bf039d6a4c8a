import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../bridge/engine/types.js';
import { applyEvent, initialReplyState, toBlocks, toPlainText } from '../../../../bridge/stream/reply-state.js';

const fold = (events: EngineEvent[]) => events.reduce(applyEvent, initialReplyState());

describe('reply state', () => {
  it('says the agent is reconnecting while the engine is away, until the engine speaks again', () => {
    const away = fold([{ type: 'text', text: 'Half' }, { type: 'status', phase: 'reconnecting' }]);
    expect(away.reconnecting).toBe(true);
    expect(toBlocks(away)).toEqual([{ type: 'markdown', text: 'Half' }]); // the panel says it in its status bar
    expect(toPlainText(away)).toBe('Half\n\n🔌 Reconnecting to the agent… · 正在重新连接智能体…');
    for (const back of [{ type: 'status', phase: 'reconnected' }, { type: 'text', text: 'Half more' }, { type: 'error', kind: 'unavailable', message: 'x' }] as EngineEvent[]) {
      expect(applyEvent(away, back).reconnecting).toBeUndefined();
    }
  });
  it('renders from the latest snapshot, honouring replace', () => {
    const s = fold([
      { type: 'text', text: 'Hel' },
      { type: 'text', text: 'Hello wor' },
      { type: 'text', text: 'Rewritten', replace: true },
    ]);
    expect(toBlocks(s)).toEqual([{ type: 'markdown', text: 'Rewritten' }]);
  });
  it('places tool cards where they happened and settles them', () => {
    const s = fold([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool', toolCallId: 't1', name: 'exec', phase: 'start', args: { cmd: 'ls' } },
      { type: 'tool', toolCallId: 't1', name: 'exec', phase: 'result', result: 'a b' },
      { type: 'text', text: 'Let me check. Found a and b.' },
      { type: 'final', text: '' },
    ]);
    expect(s.status).toBe('done');
    expect(toBlocks(s)).toEqual([
      { type: 'markdown', text: 'Let me check.' },
      { type: 'tool', toolCallId: 't1', name: 'exec', status: 'succeeded', args: { cmd: 'ls' }, result: 'a b' },
      { type: 'markdown', text: 'Found a and b.' },
    ]);
  });
  it('marks failed tools, expires pending approvals, and records who decided', () => {
    let s = fold([
      { type: 'approval.requested', approvalId: 'a1', command: 'rm -rf /tmp/x' },
      { type: 'approval.requested', approvalId: 'a2', command: 'ls' },
      { type: 'approval.resolved', approvalId: 'a1', decision: 'deny', by: 'U9' },
      { type: 'tool', toolCallId: 't1', name: 'exec', phase: 'start' },
    ]);
    s = applyEvent(s, { type: 'error', kind: 'timeout', message: 'too slow' });
    const blocks = toBlocks(s);
    expect(blocks).toContainEqual({ type: 'approval', approvalId: 'a1', command: 'rm -rf /tmp/x', status: 'denied', decidedBy: 'U9' });
    expect(blocks).toContainEqual({ type: 'approval', approvalId: 'a2', command: 'ls', status: 'expired' });
    expect(blocks).toContainEqual({ type: 'tool', toolCallId: 't1', name: 'exec', status: 'failed' });
    expect(blocks.at(-1)).toEqual({ type: 'error', kind: 'timeout', message: 'too slow' });
  });
  it('gives clients without the plugin readable text', () => {
    const s = fold([
      { type: 'tool', toolCallId: 't', name: 'search', phase: 'start' },
      { type: 'text', text: 'Answer.' },
      { type: 'final', text: 'Answer.', badges: [{ kind: 'demo', label: 'demo' }] },
    ]);
    expect(toPlainText(s)).toBe('🔧 Tool: search (succeeded)\n\nAnswer.\n\n[demo]');
    expect(toPlainText(fold([{ type: 'text', text: 'Half' }, { type: 'aborted' }]))).toBe('Half\n\n⏹ Stopped.');
  });
});

describe('card order', () => {
  it('keeps cards in arrival order when they appear at the same point of the text', () => {
    const s = fold([
      { type: 'approval.requested', approvalId: 'a1', command: 'make' },
      { type: 'approval.resolved', approvalId: 'a1', decision: 'allow-once', by: 'U' },
      { type: 'tool', toolCallId: 't1', name: 'exec', phase: 'start' },
      { type: 'tool', toolCallId: 't1', name: 'exec', phase: 'result', result: 'ok' },
      { type: 'final', text: 'Done.' },
    ]);
    expect(toBlocks(s).map((b) => b.type)).toEqual(['approval', 'tool', 'markdown']);
  });
});
