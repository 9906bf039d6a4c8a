/**
 * The map step of a map → reduce run (long-history summaries): each chunk is sent to the
 * engine on its own throwaway session, the partial answers are collected, and the combining
 * prompt is built from them. Progress shows in the live draft.
 */
import { EngineError, type Engine, type RunRequest } from '../engine/types.js';
import type { ReplyPublisher } from '../notify/reply-publisher.js';
import { applyEvent, initialReplyState } from '../stream/reply-state.js';

export const PART_INSTRUCTION = (i: number, n: number) =>
  `This is part ${i} of ${n} of a long chat transcript. Summarize this part concisely; keep names, decisions and open questions.`;

/** Runs one request to its end and returns the final text; failures become EngineErrors. */
export async function collectFinalText(engine: Engine, request: RunRequest): Promise<string> {
  for await (const event of await engine.start(request)) {
    if (event.type === 'final') return event.text;
    if (event.type === 'error') throw new EngineError(event.kind, event.message);
    if (event.type === 'aborted') throw new EngineError('unknown', 'stopped');
  }
  throw new EngineError('bad_response', 'stream ended without a final event');
}

export async function runMapStep(engine: Engine, request: RunRequest, chunks: string[], publisher: ReplyPublisher): Promise<RunRequest> {
  const partials: string[] = [];
  for (const [i, chunk] of chunks.entries()) {
    const progress = `⏳ Reading part ${i + 1} of ${chunks.length} of the history… · 正在阅读第 ${i + 1}/${chunks.length} 部分…`;
    publisher.update(applyEvent(initialReplyState(), { type: 'text', text: progress }));
    partials.push(
      await collectFinalText(engine, {
        ...request,
        runId: `${request.runId}-part${i + 1}`,
        sessionKey: `${request.sessionKey}:part${i + 1}`,
        prompt: `${PART_INSTRUCTION(i + 1, chunks.length)}\n\n${chunk}`,
      }),
    );
  }
  return { ...request, prompt: `${request.prompt}\n\n${partials.map((p, i) => `Part ${i + 1}:\n${p}`).join('\n\n')}` };
}
