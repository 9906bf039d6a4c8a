/** Which agents are members of a group, and adding or removing one: through Tailchat's own actions, as its bot. */
import { describe, expect, it } from 'vitest';
import { AgentMembershipError, createGroupAgents } from '../../../../bridge/agents/membership.js';
import { directoryOf } from '../../../../bridge/agents/directory.js';
import { agent } from '../../fakes/agents.js';

const A = agent('assistant', 'botA', 'AI Assistant', { isDefault: true });
const R = agent('reviewer', 'botR', 'Reviewer');

function fakeGroups(members: Record<string, string[]>, owner = 'owner') {
  const calls: string[] = [];
  let infoCalls = 0;
  const host = {
    async getGroupInfo(groupId: string) {
      infoCalls++;
      const list = members[groupId];
      return list ? { _id: groupId, owner, members: list.map((userId) => ({ userId })) } : null;
    },
    async addGroupMember(groupId: string, userId: string) {
      calls.push(`add ${userId} to ${groupId}`);
      members[groupId]!.push(userId);
      return true;
    },
    async leaveGroup(groupId: string, userId: string) {
      calls.push(`${userId} leaves ${groupId}`);
      members[groupId] = members[groupId]!.filter((u) => u !== userId);
    },
  };
  return { host, calls, infoCalls: () => infoCalls, members };
}

describe('group agents', () => {
  it('are the agents whose bot users are members, asked of Tailchat once per group within the cache time', async () => {
    const g = fakeGroups({ G1: ['alice', 'botA'], G2: ['alice', 'botA', 'botR'] });
    const groups = createGroupAgents({ host: g.host, directory: directoryOf([A, R]), ttlMs: 10_000 });
    expect((await groups.membersOf('G1')).map((a) => a.id)).toEqual(['assistant']);
    expect((await groups.membersOf('G2')).map((a) => a.id)).toEqual(['assistant', 'reviewer']);
    expect(await groups.membersOf('gone')).toEqual([]);
    await groups.membersOf('G1');
    expect(g.infoCalls()).toBe(3);
  });

  it('a bot kicked in Tailchat itself stops counting once the cached answer expires', async () => {
    const g = fakeGroups({ G1: ['alice', 'botA'] });
    const groups = createGroupAgents({ host: g.host, directory: directoryOf([A, R]), ttlMs: 50 });
    expect((await groups.membersOf('G1')).map((a) => a.id)).toEqual(['assistant']);
    g.members.G1 = ['alice'];
    expect((await groups.membersOf('G1')).map((a) => a.id)).toEqual(['assistant']);
    await new Promise((r) => setTimeout(r, 80));
    expect(await groups.membersOf('G1')).toEqual([]);
  });

  it('adds and removes through Tailchat as the bot, takes effect at once, and does nothing when already so', async () => {
    const g = fakeGroups({ G1: ['alice', 'botA'] });
    const groups = createGroupAgents({ host: g.host, directory: directoryOf([A, R]) });
    expect((await groups.membersOf('G1')).map((a) => a.id)).toEqual(['assistant']);
    expect(await groups.set('G1', R, true)).toBe(true);
    expect((await groups.membersOf('G1')).map((a) => a.id)).toEqual(['assistant', 'reviewer']);
    expect(await groups.set('G1', R, true)).toBe(false);
    expect(await groups.set('G1', A, false)).toBe(true);
    expect((await groups.membersOf('G1')).map((a) => a.id)).toEqual(['reviewer']);
    expect(await groups.set('G1', A, false)).toBe(false);
    expect(g.calls).toEqual(['add botR to G1', 'botA leaves G1']);
  });

  it('never makes a bot that owns a group leave it (Tailchat would delete the group), nor acts on a group that is gone', async () => {
    const g = fakeGroups({ G1: ['botA'] }, 'botA');
    const groups = createGroupAgents({ host: g.host, directory: directoryOf([A, R]) });
    await expect(groups.set('G1', A, false)).rejects.toBeInstanceOf(AgentMembershipError);
    await expect(groups.set('nope', A, true)).rejects.toThrow(/does not exist/);
    expect(g.calls).toEqual([]);
  });

  it('a join another instance just finished counts at once, though Tailchat (and this cache) still answer the old list', async () => {
    const g = fakeGroups({ G1: ['alice'] });
    const groups = createGroupAgents({ host: g.host, directory: directoryOf([A, R]), ttlMs: 10_000 });
    expect(await groups.membersOf('G1')).toEqual([]);
    await groups.joinedElsewhere('G1', A);
    expect((await groups.membersOf('G1')).map((a) => a.id)).toEqual(['assistant']);
    expect(g.calls).toEqual([]); // nothing asked of Tailchat: the other instance added it
  });
});
