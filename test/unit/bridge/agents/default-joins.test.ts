/**
 * The default agents come into groups once: the groups of an upgraded install and new ones, only
 * where the assistant is enabled, never again after an admin removed them, and by one instance
 * when several race. Records in memory here; on the database in join-records.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createDefaultJoins, createMemoryJoinRecords, type JoinRecords } from '../../../../bridge/agents/default-joins.js';
import { directoryOf } from '../../../../bridge/agents/directory.js';
import type { GroupAgents } from '../../../../bridge/agents/membership.js';
import { agent } from '../../fakes/agents.js';
import { recordingLogger } from '../../fakes/tailchat-host.js';

const A = agent('assistant', 'botA', 'AI Assistant', { isDefault: true, joinGroups: true });
const R = agent('reviewer', 'botR', 'Reviewer');

function world(enabled: Record<string, boolean> = {}) {
  const members = new Map<string, Set<string>>();
  const added: string[] = [];
  /** Joins this instance learned another one finished. */
  const seenJoined: string[] = [];
  const groupAgents: GroupAgents = {
    membersOf: async (g) => [A, R].filter((a) => members.get(g)?.has(a.id)),
    async set(g, a, member) {
      const set = members.get(g) ?? members.set(g, new Set()).get(g)!;
      if (member === set.has(a.id)) return false;
      if (member) {
        set.add(a.id);
        added.push(`${a.id}@${g}`);
      } else set.delete(a.id);
      return true;
    },
    async joinedElsewhere(g, a) {
      seenJoined.push(`${a.id}@${g}`);
    },
    size: () => 0,
  };
  const settings = { get: async (g: string) => ({ enabled: enabled[g] ?? true }) as never };
  const joinsWith = (records: JoinRecords, node = 'n1') => createDefaultJoins({ records, groupAgents, directory: directoryOf([A, R]), settings, node, logger: recordingLogger().logger });
  return { members, added, seenJoined, groupAgents, joinsWith, enabled };
}

describe('default joins', () => {
  it('bring the joining agents (not the others) into a group once', async () => {
    const w = world();
    const joins = w.joinsWith(createMemoryJoinRecords());
    await joins.ensure('G1');
    await joins.ensure('G1');
    await joins.ensure('G2');
    expect(w.added).toEqual(['assistant@G1', 'assistant@G2']);
  });

  it('never bring back an agent an admin removed, also on another instance or after a restart', async () => {
    const w = world();
    const records = createMemoryJoinRecords();
    await w.joinsWith(records).ensure('G1');
    await w.groupAgents.set('G1', A, false);
    await w.joinsWith(records, 'n2').ensure('G1');
    expect(w.members.get('G1')?.has('assistant')).toBe(false);
    expect(w.added).toEqual(['assistant@G1']);
  });

  it('leave groups whose assistant is switched off alone, and join them once it is switched on', async () => {
    const w = world({ G1: false });
    const joins = w.joinsWith(createMemoryJoinRecords());
    await joins.ensure('G1');
    expect(w.added).toEqual([]);
    w.enabled.G1 = true;
    await joins.ensure('G1');
    expect(w.added).toEqual(['assistant@G1']);
  });

  it('add the bot once when instances race (one claim wins), and once when one instance sees a group twice at once', async () => {
    const w = world();
    const records = createMemoryJoinRecords();
    const one = w.joinsWith(records, 'n1');
    await Promise.all([one.ensure('G1'), one.ensure('G1'), w.joinsWith(records, 'n2').ensure('G1')]);
    expect(w.added).toEqual(['assistant@G1']);
  });

  it("an instance that loses the race waits for the winner's join and then counts the agent as a member (a new group's first messages are answered, not ignored)", async () => {
    const w = world();
    const records = createMemoryJoinRecords();
    // The winner's bot is slow to be added (Tailchat's group.addMember).
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const set = w.groupAgents.set.bind(w.groupAgents);
    w.groupAgents.set = async (g, a, member) => {
      await slow;
      return set(g, a, member);
    };
    const winner = w.joinsWith(records, 'n1').ensure('G1');
    let loserDone = false;
    const loser = w.joinsWith(records, 'n2')
      .ensure('G1')
      .then(() => (loserDone = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(loserDone).toBe(false); // still waiting for the winner
    release();
    await Promise.all([winner, loser]);
    expect(w.added).toEqual(['assistant@G1']);
    expect(w.seenJoined).toEqual(['assistant@G1']);
  });
});
