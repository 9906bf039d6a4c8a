/**
 * A push-to-pull adapter: engines receive events from callbacks (sockets, timers) and hand the
 * chat side an async iterable. Ends after the first terminal event; later pushes are dropped so
 * a lying engine (duplicate finals) can never produce a second reply.
 */
import type { EngineEvent, EngineRun } from './types.js';

const TERMINAL = new Set(['final', 'error', 'aborted']);

export interface EventQueue extends EngineRun {
  push(event: EngineEvent): void;
  readonly ended: boolean;
}

export function createEventQueue(runId: string): EventQueue {
  const buffer: EngineEvent[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  return {
    runId,
    get ended() {
      return ended;
    },
    push(event) {
      if (ended) return;
      buffer.push(event);
      if (TERMINAL.has(event.type)) ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (buffer.length > 0) {
          const event = buffer.shift()!;
          yield event;
          if (TERMINAL.has(event.type)) return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
  };
}
