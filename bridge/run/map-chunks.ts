/**
 * The map step of a map → reduce run (long-history summaries): each chunk is sent to the
 * engine on its own throwaway session, the partial answers are collected, and the combining
 * prompt is built from them. Progress shows in the live draft.
 */
import { EngineError, type Engine, type RunRequest, type Usage } from '../engine/types.js';
import type { ReplyPublisher } from '../notify/reply-publisher.js';
import { applyEvent, initialReplyState } from '../stream/reply-state.js';

export const PART_INSTRUCTION = (i: number, n: number) =>
  `This is part ${i} of ${n} of a long chat transcript. Summarize this part concisely; keep names, decisions and open questions.`;

/** Runs one request to its end: its final text and usage (engines report running totals). */
export async function collectFinal(engine: Engine, request: RunRequest): Promise<{ text: string; usage?: Usage }> {
  let usage: Usage | undefined;
  for await (const event of await engine.start(request)) {
    if (event.type === 'usage') usage = event.usage;
    if (event.type === 'final') return { text: event.text, ...(usage ? { usage } : {}) };
    if (event.type === 'error') throw new EngineError(event.kind, event.message);
    if (event.type === 'aborted') throw new EngineError('unknown', 'stopped');
  }
  throw new EngineError('bad_response', 'stream ended without a final event');
}

/** Usage of several engine runs together (a field stays absent when no run reported it). */
export function addUsage(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!a || !b) return a ?? b;
  const sum = (x?: number, y?: number) => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  const out: Usage = {};
  for (const key of ['inputTokens', 'outputTokens', 'totalTokens'] as const) {
    const value = sum(a[key], b[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Summarizes each chunk, then returns the combining request and what the part runs used (the
 * run is metered as a whole: its parts count towards the group's tokens and budget too).
 */
export async function runMapStep(engine: Engine, request: RunRequest, chunks: string[], publisher: ReplyPublisher): Promise<{ request: RunRequest; usage?: Usage }> {
  const partials: string[] = [];
  let usage: Usage | undefined;
  for (const [i, chunk] of chunks.entries()) {
    const progress = `⏳ Reading part ${i + 1} of ${chunks.length} of the history… · 正在阅读第 ${i + 1}/${chunks.length} 部分…`;
    publisher.update(applyEvent(initialReplyState(), { type: 'text', text: progress }));
    const part = await collectFinal(engine, {
      ...request,
      runId: `${request.runId}-part${i + 1}`,
      sessionKey: `${request.sessionKey}:part${i + 1}`,
      prompt: `${PART_INSTRUCTION(i + 1, chunks.length)}\n\n${chunk}`,
    });
    partials.push(part.text);
    usage = addUsage(usage, part.usage);
  }
  const combined = { ...request, prompt: `${request.prompt}\n\n${partials.map((p, i) => `Part ${i + 1}:\n${p}`).join('\n\n')}` };
  return { request: combined, ...(usage ? { usage } : {}) };
}
