import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { checkRead, readMessageIn, type ReadGrant } from '../../../../bridge/permission/reads.js';
import { createTailchatHost } from '../../../../bridge/tailchat/host.js';
import { createFakeHost } from '../../fakes/tailchat-host.js';

describe('checkRead: may this user read this converse of this group', () => {
  const fake = createFakeHost({ permissions: { OUT: 'not-member' }, panels: ['PA1', 'PA2'], dmMembers: ['U1', 'U2'] });

  it('lets a member read a panel of their group, and hands out a grant for exactly that converse', async () => {
    const r = await checkRead(fake.host, { userId: 'U1', groupId: 'GA', converseId: 'PA2' });
    expect(r).toMatchObject({ allowed: true, grant: { userId: 'U1', groupId: 'GA', converseId: 'PA2' } });
  });

  it('refuses a converse that is not a panel of the group named (another group\'s panel, a DM)', async () => {
    expect(await checkRead(fake.host, { userId: 'U1', groupId: 'GA', converseId: 'PB1' })).toEqual({ allowed: false, reason: 'converse-not-in-group' });
  });

  it('refuses a user who is not a member of the group, whatever the converse', async () => {
    expect(await checkRead(fake.host, { userId: 'OUT', groupId: 'GA', converseId: 'PA1' })).toEqual({ allowed: false, reason: 'not-in-group' });
  });

  it('refuses when Tailchat cannot say what the group is (fails closed)', async () => {
    const broken = createFakeHost();
    broken.host.getGroupInfo = async () => {
      throw new Error('timeout');
    };
    expect(await checkRead(broken.host, { userId: 'U1', groupId: 'GA', converseId: 'P1' })).toEqual({ allowed: false, reason: 'no-group' });
  });

  it('in a DM only its members read', async () => {
    expect(await checkRead(fake.host, { userId: 'U2', converseId: 'D1' })).toMatchObject({ allowed: true });
    expect(await checkRead(fake.host, { userId: 'U3', converseId: 'D1' })).toEqual({ allowed: false, reason: 'not-converse-member' });
  });
});

describe('readMessageIn: a message by id, only within the granted converse', () => {
  it('reads a message of the granted converse, also as Tailchat\'s own process returns it (a document with ObjectIds)', async () => {
    const panel = new ObjectId();
    const doc = { toJSON: () => ({ _id: new ObjectId(), converseId: panel, author: new ObjectId(), content: '[img]x[/img]' }) };
    const host = createTailchatHost(async () => doc);
    const grant = { userId: 'U1', converseId: panel.toHexString() } as ReadGrant;
    expect(await readMessageIn(host, grant, 'M1')).toBe('[img]x[/img]');
    expect(await readMessageIn(host, { ...grant, converseId: 'another' } as ReadGrant, 'M1')).toBeUndefined();
  });

  it('a message Tailchat will not show the reader is not read', async () => {
    const host = createTailchatHost(async () => {
      throw new Error('没有当前会话权限');
    });
    expect(await readMessageIn(host, { userId: 'U1', converseId: 'P1' } as ReadGrant, 'M1')).toBeUndefined();
  });
});
