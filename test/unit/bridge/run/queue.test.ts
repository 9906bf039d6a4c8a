import { describe, expect, it } from 'vitest';
import { createAdmission } from '../../../../bridge/run/queue.js';

describe('run admission', () => {
  const item = (id: string, group: string) => ({ id, group });
  it('caps runs per group and in all, queues the rest in order, and starts them as slots free', () => {
    const a = createAdmission({ maxActive: 3, maxPerGroup: 2, maxQueued: 10 }, (i: { id: string; group: string }) => i.group);
    const [a1, a2, a3, b1, b2] = [item('a1', 'A'), item('a2', 'A'), item('a3', 'A'), item('b1', 'B'), item('b2', 'B')];
    expect(a.admit(a1)).toEqual({ kind: 'run' });
    expect(a.admit(a2)).toEqual({ kind: 'run' });
    expect(a.admit(a3)).toEqual({ kind: 'queued', position: 1 }); // group A full
    expect(a.admit(b1)).toEqual({ kind: 'run' });
    expect(a.admit(b2)).toEqual({ kind: 'queued', position: 2 }); // instance full
    expect(a.release(b1)).toEqual([b2]); // B's slot frees: b2 fits, a3 still blocked by its group
    expect(a.positions().map((p) => [p.item.id, p.position])).toEqual([['a3', 1]]);
    expect(a.release(a1)).toEqual([a3]); // a slot in all and in group A: a3 starts
    expect(a.active).toBe(3);
    expect(a.queued).toBe(0);
  });
  it('refuses when the queue is full and lets waiting items be removed', () => {
    const a = createAdmission({ maxActive: 1, maxPerGroup: 1, maxQueued: 1 }, (i: { id: string; group: string }) => i.group);
    a.admit(item('x', 'G'));
    expect(a.admit(item('y', 'G'))).toEqual({ kind: 'queued', position: 1 });
    expect(a.admit(item('z', 'G'))).toEqual({ kind: 'full' });
    expect(a.remove((i) => i.id === 'y').map((i) => i.id)).toEqual(['y']);
    expect(a.queued).toBe(0);
  });

  it('holds one user to maxPerUser runs, running and waiting together, across all their groups', () => {
    type U = { id: string; group: string; user: string };
    const a = createAdmission({ maxActive: 10, maxPerGroup: 1, maxQueued: 10, maxPerUser: 2 }, (i: U) => i.group, (i: U) => i.user);
    const m = (id: string, group: string, user: string): U => ({ id, group, user });
    const [x1, x2, x3] = [m('x1', 'A', 'X'), m('x2', 'A', 'X'), m('x3', 'B', 'X')];
    expect(a.admit(x1)).toEqual({ kind: 'run' });
    expect(a.admit(x2)).toEqual({ kind: 'queued', position: 1 }); // group A busy: waiting counts too
    expect(a.admit(x3)).toEqual({ kind: 'user-busy' }); // another group, same user
    expect(a.admit(m('y1', 'B', 'Y'))).toEqual({ kind: 'run' }); // others are not held back
    expect(a.remove((i) => i.id === 'x2').map((i) => i.id)).toEqual(['x2']);
    expect(a.admit(x3)).toEqual({ kind: 'queued', position: 1 }); // a removed wait frees the slot
    a.release(x1);
    expect(a.admit(m('x4', 'C', 'X'))).toEqual({ kind: 'run' });
    expect(a.admit(m('x5', 'D', 'X'))).toEqual({ kind: 'user-busy' });
    // A run adopted from a runner that died was accepted once: never refused for its user.
    expect(a.admit(m('x6', 'E', 'X'), { exemptFromUserCap: true })).toEqual({ kind: 'run' });
  });
});
