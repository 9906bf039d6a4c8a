import { describe, expect, it } from 'vitest';
import { createVisitTracker, newestId } from '../../../plugins/com.yourcompany.ai/src/summarize/visits.js';

const id = (n: number) => `65f0000000000000000000${n.toString(16).padStart(2, '0')}`;

/** A stand-in for the web client's store: its read positions, reconnect count and startup fetch. */
function host(startup: Map<string, string> | null = new Map()) {
  const state = { ack: new Map<string, string>(), reconnects: 0 };
  const tracker = createVisitTracker({
    storedAck: (c) => state.ack.get(c),
    reconnects: () => state.reconnects,
    atStartup: () => Promise.resolve(startup),
  });
  return { state, tracker };
}

describe('read position at the start of a visit ("Summarize unread")', () => {
  it('coming back: what arrived while away is unread, even when a late cached fetch set the store back', async () => {
    const { state, tracker } = host();
    tracker.started('general'); // page load: nothing read yet
    expect(await tracker.readUpTo('general')).toBeNull();
    tracker.shown('general', id(1));
    state.ack.set('general', id(1));
    tracker.shown('general', id(2)); // SEEN-2 on screen and acked …
    state.ack.set('general', id(2));
    state.ack.set('general', id(1)); // … then a cached read-position fetch resolves with the older one
    tracker.ended('general');
    tracker.started('general'); // back after MISSED-3..5 arrived
    expect(await tracker.readUpTo('general')).toBe(id(2));
  });

  it('a read position newer than what this tab showed (read on another device) wins', async () => {
    const { state, tracker } = host();
    tracker.started('general');
    tracker.shown('general', id(2));
    tracker.ended('general');
    state.ack.set('general', id(7));
    tracker.started('general');
    expect(await tracker.readUpTo('general')).toBe(id(7));
  });

  it('a page opened right on the panel uses the read positions fetched at plugin load', async () => {
    const { tracker } = host(new Map([['general', id(4)]]));
    tracker.started('general');
    expect(await tracker.readUpTo('general')).toBe(id(4));
  });

  it('unknown when neither the store nor the startup fetch knows (the server then uses its own)', async () => {
    const { tracker } = host(null);
    tracker.started('general');
    expect(await tracker.readUpTo('general')).toBeUndefined();
    expect(await tracker.readUpTo('never-opened')).toBeUndefined();
  });

  it('a remount after a socket reconnect is the same visit', async () => {
    const { state, tracker } = host();
    tracker.started('general');
    tracker.shown('general', id(3));
    state.ack.set('general', id(3)); // Tailchat acks what it shows
    state.reconnects = 1; // reconnect: Tailchat reloads the messages and remounts the box
    tracker.ended('general');
    tracker.started('general');
    expect(await tracker.readUpTo('general')).toBeNull(); // still what was unread when she came
  });

  it('a reconnect while the user was elsewhere does not glue two visits together', async () => {
    const { state, tracker } = host();
    tracker.started('general');
    tracker.shown('general', id(3));
    tracker.ended('general');
    state.reconnects = 1;
    tracker.started('general');
    expect(await tracker.readUpTo('general')).toBe(id(3));
    // … and after a remount within this visit, leaving and coming back is a new visit again.
    tracker.shown('general', id(5));
    state.reconnects = 2;
    tracker.ended('general');
    tracker.started('general');
    expect(await tracker.readUpTo('general')).toBe(id(3));
    tracker.ended('general');
    tracker.started('general');
    expect(await tracker.readUpTo('general')).toBe(id(5));
  });

  it('the same panel open twice (a popup) is one visit until both close', async () => {
    const { tracker } = host();
    tracker.started('general');
    tracker.started('general');
    tracker.shown('general', id(2));
    tracker.ended('general');
    tracker.started('general');
    expect(await tracker.readUpTo('general')).toBeNull();
  });

  it('message ids compare as ObjectIds; anything else is ignored', () => {
    expect(newestId(id(2), id(10), undefined, null, 'local-draft-1')).toBe(id(10));
    expect(newestId()).toBeUndefined();
  });
  it('remembers at most maxConverses panels, the least recently opened go first', async () => {
    const tracker = createVisitTracker({ storedAck: () => undefined, reconnects: () => 0, atStartup: () => Promise.resolve(new Map()) }, 2);
    for (const c of ['a', 'b', 'c']) {
      tracker.started(c);
      tracker.shown(c, id(1));
      tracker.ended(c);
    }
    expect(await tracker.readUpTo('a')).toBeUndefined(); // forgotten: the server's own read position applies
    expect(await tracker.readUpTo('c')).toBeNull();
  });
});
