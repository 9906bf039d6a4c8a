import { describe, expect, it } from 'vitest';
import { createEventQueue } from '../../../../bridge/engine/event-queue.js';
import type { EngineEvent } from '../../../../bridge/engine/types.js';

describe('event queue', () => {
  it('yields pushed events in order and ends after the first terminal event', async () => {
    const q = createEventQueue('r1');
    setTimeout(() => {
      q.push({ type: 'text', text: 'a' });
      q.push({ type: 'final', text: 'a' });
      q.push({ type: 'final', text: 'duplicate' }); // a lying engine
      q.push({ type: 'text', text: 'late' });
    }, 5);
    const seen: EngineEvent[] = [];
    for await (const e of q) seen.push(e);
    expect(seen).toEqual([{ type: 'text', text: 'a' }, { type: 'final', text: 'a' }]);
    expect(q.ended).toBe(true);
  });
});
