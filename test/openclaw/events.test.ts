/**
 * The pure event mapping and history reading, fed with frames recorded from a real
 * openclaw@2026.9.6 gateway (test/openclaw/fixtures, recorded with the fake model server).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEventQueue } from '../../bridge/engine/event-queue.js';
import type { EngineEvent } from '../../bridge/engine/types.js';
import { createRunEventMapper, errorKindOf, messageText, type GatewayEventFrame } from '../../bridge/engine/openclaw/events.js';
import { chatHistorySchema, locateRun } from '../../bridge/engine/openclaw/history.js';

interface Recording {
  runId: string;
  executionRunId?: string;
  sessionKey: string;
  frames: GatewayEventFrame[];
}

function load(name: string): Recording {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Recording;
}
function loadHistory(name: string) {
  const raw = JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as { history: unknown };
  return chatHistorySchema.parse(raw.history);
}

function mapAll(rec: Recording, frames = rec.frames): EngineEvent[] {
  const mapper = createRunEventMapper({ runId: rec.runId, sessionKey: rec.sessionKey });
  if (rec.executionRunId) mapper.alias(rec.executionRunId);
  return frames.flatMap((f) => mapper.accept(f));
}

const ofType = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);

describe('mapping recorded gateway frames', () => {
  it('many deltas: growing snapshots in order, final equals the full text, statuses and usage', () => {
    const rec = load('many-deltas');
    const events = mapAll(rec);
    const texts = ofType(events, 'text');
    expect(texts.length).toBeGreaterThan(5);
    for (let i = 1; i < texts.length; i++) {
      expect(texts[i]!.text.startsWith(texts[i - 1]!.text)).toBe(true);
      expect(texts[i]!.text.length).toBeGreaterThan(texts[i - 1]!.text.length);
      expect(texts[i]!.replace).toBeUndefined();
      expect(texts[i - 1]!.text + texts[i]!.delta).toBe(texts[i]!.text);
    }
    const expected = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    const finals = ofType(events, 'final');
    expect(finals).toEqual([{ type: 'final', text: expected }]);
    expect(texts.at(-1)!.text).toBe(expected);
    expect(ofType(events, 'status').map((s) => s.phase)).toEqual(['preparing_workspace', 'preparing_context', 'starting_model']);
    expect(ofType(events, 'usage').length).toBeGreaterThan(0);
    expect(events.at(-1)?.type).toBe('final');
  });

  it('deduplicates frames delivered twice (runId + seq) and ignores an older snapshot arriving late', () => {
    const rec = load('many-deltas');
    const once = mapAll(rec);
    const twice = mapAll(rec, rec.frames.flatMap((f) => [f, f]));
    expect(twice).toEqual(once);

    const deltas = rec.frames.filter((f) => f.event === 'chat' && (f.payload as { state: string }).state === 'delta');
    const shuffled = [...rec.frames.filter((f) => f !== deltas[2]), deltas[2]!]; // an early delta arrives last
    const texts = ofType(mapAll(rec, shuffled), 'text');
    for (let i = 1; i < texts.length; i++) expect(texts[i]!.text.startsWith(texts[i - 1]!.text)).toBe(true);
  });

  it('ignores frames of other runs and of the same run id in another session', () => {
    const rec = load('many-deltas');
    expect(mapAll({ ...rec, runId: 'someone-else' })).toEqual([]);
    expect(mapAll({ ...rec, sessionKey: 'agent:main:tailchat:group:other' })).toEqual([]);
  });

  it('a fenced code block arrives whole in one delta and intact in the final', () => {
    const rec = load('code-fence');
    const events = mapAll(rec);
    const withFence = ofType(events, 'text').filter((t) => t.delta?.includes('```'));
    expect(withFence.length).toBe(1);
    expect(withFence[0]!.delta).toContain('```ts\nconst x = 1;\nconsole.log(x);\n```');
    expect(ofType(events, 'final')[0]!.text).toBe('Here is code:\n\n```ts\nconst x = 1;\nconsole.log(x);\n```\n\nDone.');
  });

  it('exec with approval allowed: tool start, approval requested/resolved, tool result, final', () => {
    const rec = load('approval-allow');
    const events = mapAll(rec);
    const kinds = events.filter((e) => e.type !== 'status' && e.type !== 'usage' && e.type !== 'text').map((e) => (e.type === 'tool' ? `tool.${e.phase}` : e.type));
    expect(kinds).toEqual(['tool.start', 'approval.requested', 'approval.resolved', 'tool.result', 'final']);
    const [start, result] = ofType(events, 'tool');
    expect(start).toMatchObject({ name: 'exec', phase: 'start', args: { command: 'echo tool-ran-ok' } });
    expect(result).toMatchObject({ name: 'exec', phase: 'result', isError: false, toolCallId: start!.toolCallId });
    const requested = ofType(events, 'approval.requested')[0]!;
    expect(requested.command).toBe('echo tool-ran-ok');
    expect(requested.expiresAt).toBeGreaterThan(1_700_000_000_000);
    expect(ofType(events, 'approval.resolved')[0]).toMatchObject({ approvalId: requested.approvalId, decision: 'allow-once', by: 'gateway-client' });
    expect(ofType(events, 'final')[0]!.text).toBe('Tool output was: tool-ran-ok');
  });

  it('exec with approval denied: resolved deny, failed tool result, the run reports it', () => {
    const events = mapAll(load('approval-deny'));
    expect(ofType(events, 'approval.resolved')[0]?.decision).toBe('deny');
    expect(ofType(events, 'tool').find((t) => t.phase === 'result')?.isError).toBe(true);
    expect(ofType(events, 'final')[0]!.text).toMatch(/Exec denied .*user-denied/);
  });

  it('abort mid-stream ends with aborted and no final', () => {
    const events = mapAll(load('abort'));
    expect(ofType(events, 'final')).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'aborted', reason: 'rpc' });
    expect(ofType(events, 'text').length).toBeGreaterThan(3);
  });

  it('a model error ends the run with one error event (the gateway sends two)', () => {
    const events = mapAll(load('model-error'));
    const errors = ofType(events, 'error');
    expect(errors.length).toBe(2); // the mapper reports both frames…
    const queue = createEventQueue('e-1');
    for (const e of events) queue.push(e);
    expect(queue.ended).toBe(true);
    const seen: EngineEvent[] = [];
    return (async () => {
      for await (const e of queue) seen.push(e);
      expect(ofType(seen, 'error')).toEqual([{ type: 'error', kind: 'unknown', message: 'LLM request failed: provider rejected the request schema or tool payload.' }]);
    })();
  });

  it('a queued turn: empty final under our id, the reply under the execution id (alias)', () => {
    const rec = load('queued-followup');
    const plain = createRunEventMapper({ runId: rec.runId, sessionKey: rec.sessionKey });
    const first = plain.accept(rec.frames[0]!);
    expect(first).toEqual([{ type: 'final', text: '' }]);
    expect(plain.sawActivity).toBe(false); // → the engine treats it as "deferred", not as the end
    const events = mapAll(rec, rec.frames.slice(1));
    expect(ofType(events, 'final')[0]!.text).toBe('You said: "second". I saw 1 earlier user turn(s): 1. "first [[many]]"');
  });

  it('maps OpenClaw error kinds and failover reasons onto ErrorKind', () => {
    expect(errorKindOf({ errorKind: 'rate_limit' })).toBe('rate_limit');
    expect(errorKindOf({ errorKind: 'context_length' })).toBe('context_length');
    expect(errorKindOf({ errorDetail: { failoverReason: 'rate_limit' } })).toBe('rate_limit');
    expect(errorKindOf({ errorDetail: { failoverReason: 'timeout' } })).toBe('timeout');
    expect(errorKindOf({ errorDetail: { httpStatus: 503 } })).toBe('unavailable');
    expect(errorKindOf({ errorDetail: { failoverReason: 'format' } })).toBe('unknown');
    expect(errorKindOf({})).toBe('unknown');
  });

  it('messageText reads snapshots in their shapes', () => {
    expect(messageText({ role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'toolCall' }, { type: 'text', text: 'b' }] })).toBe('ab');
    expect(messageText({ role: 'assistant', content: 'plain' })).toBe('plain');
    expect(messageText(undefined)).toBeUndefined();
  });

  it('adoptText never loses text and marks non-prefix rewrites as replace', () => {
    const m = createRunEventMapper({ runId: 'r', sessionKey: 'agent:main:x' });
    expect(m.adoptText('hello')).toEqual([{ type: 'text', text: 'hello', delta: 'hello' }]);
    expect(m.adoptText('hello world')).toEqual([{ type: 'text', text: 'hello world', delta: ' world' }]);
    expect(m.adoptText('bye')).toEqual([{ type: 'text', text: 'bye', replace: true }]);
    expect(m.adoptText('bye')).toEqual([]);
  });
});

describe('locating a run in chat.history', () => {
  it('finds the in-flight run with its buffered text', () => {
    const where = locateRun(loadHistory('history-in-flight'), 'r-1');
    expect(where.state).toBe('in-flight');
    expect(where.state === 'in-flight' && where.text.startsWith('slow slow')).toBe(true);
  });

  it('finds the finished reply (the last assistant row of the run)', () => {
    const where = locateRun(loadHistory('history-resent-after-restart'), 'r-1');
    expect(where).toMatchObject({ state: 'finished', runId: 'r-1' });
    expect(where.state === 'finished' && where.text).toBe('slow '.repeat(100).trimEnd());
  });

  it('a queued turn: the reply after our user row, under its execution id', () => {
    const where = locateRun(loadHistory('history-queued'), 'run-2');
    expect(where).toMatchObject({ state: 'finished', runId: '32833c1a-9a06-49dd-bfed-bb1a29c57093' });
    expect(where.state === 'finished' && where.text).toMatch(/I saw 2 earlier user turn/);
  });

  it('after a crash: the restart recovery\'s reply (after a synthetic system row) belongs to our turn', () => {
    const history = loadHistory('history-restart-recovery');
    const where = locateRun(history, 'k-1');
    expect(where).toMatchObject({ state: 'finished', runId: 'bcb277ac-4c24-4598-a6ad-dd2945dd42da' });
    expect(where.state === 'finished' && where.text).toBe('slow '.repeat(60).trimEnd());
    // while the recovery is only announced: our user row, one active run → that run is ours
    const announced = { ...history, messages: history.messages.slice(0, 1), inFlightRun: null, sessionInfo: { hasActiveRun: true, activeRunIds: ['bcb277ac-4c24-4598-a6ad-dd2945dd42da'] } };
    expect(locateRun(announced, 'k-1')).toEqual({ state: 'in-flight', runId: 'bcb277ac-4c24-4598-a6ad-dd2945dd42da', text: '' });
    // while it streams
    const streaming = { ...history, messages: history.messages.slice(0, 2), inFlightRun: { runId: 'bcb277ac-4c24-4598-a6ad-dd2945dd42da', text: 'slow slow' } };
    expect(locateRun(streaming, 'k-1')).toEqual({ state: 'in-flight', runId: 'bcb277ac-4c24-4598-a6ad-dd2945dd42da', text: 'slow slow' });
  });

  it('accepted (user turn only) and unknown', () => {
    const history = loadHistory('history-queued');
    const onlyUser = { ...history, messages: history.messages.slice(0, 3), inFlightRun: null, sessionInfo: { hasActiveRun: false, activeRunIds: [] } };
    expect(locateRun(onlyUser, 'run-2')).toEqual({ state: 'accepted' });
    expect(locateRun(history, 'never-sent')).toEqual({ state: 'unknown' });
  });
});
