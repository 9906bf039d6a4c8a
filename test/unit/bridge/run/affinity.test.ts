import { describe, expect, it } from 'vitest';
import { runnerForSession } from '../../../../bridge/run/affinity.js';

const sessions = Array.from({ length: 3000 }, (_, i) => `agent:main:tailchat:group:${i.toString(16).padStart(24, '0')}`);

describe('runnerForSession', () => {
  it('sends every run of a session to the same runner, whatever the order of the list', () => {
    const nodes = ['node-a', 'node-b', 'node-c'];
    for (const s of sessions.slice(0, 200)) expect(runnerForSession(s, nodes)).toBe(runnerForSession(s, [...nodes].reverse()));
  });

  it('spreads sessions evenly over the runners', () => {
    const nodes = ['node-a', 'node-b', 'node-c'];
    const counts = new Map<string, number>();
    for (const s of sessions) counts.set(runnerForSession(s, nodes)!, (counts.get(runnerForSession(s, nodes)!) ?? 0) + 1);
    for (const n of nodes) expect(counts.get(n)).toBeGreaterThan(sessions.length / 3 - 150);
  });

  it('when a runner leaves, only its sessions move', () => {
    const before = sessions.map((s) => runnerForSession(s, ['node-a', 'node-b', 'node-c']));
    const after = sessions.map((s) => runnerForSession(s, ['node-a', 'node-c']));
    sessions.forEach((_, i) => {
      if (before[i] !== 'node-b') expect(after[i]).toBe(before[i]);
    });
  });

  it('no runner, no choice', () => {
    expect(runnerForSession('s', [])).toBeUndefined();
  });
});
