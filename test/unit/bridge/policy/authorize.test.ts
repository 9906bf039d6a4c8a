/**
 * Every cell of the permission matrix (test/support/authz-matrix.ts) through the one evaluator,
 * with Tailchat's permissions answered by a fake host: owner, named approver, each capability,
 * the requester, a plain member, an outsider, signed out, and the DM roles.
 */
import { describe, expect, it } from 'vitest';
import { createApproverCheck } from '../../../../bridge/permission/approver.js';
import { createPermissionChecker } from '../../../../bridge/permission/check.js';
import { authorize, dmAdmits, maySelfApproveInDm, type AccessConfig, type PolicyDeps } from '../../../../bridge/policy/authorize.js';
import { POLICY, POLICY_ACTIONS, type PolicyAction } from '../../../../bridge/policy/table.js';
import { PERMISSIONS } from '../../../../protocol/actions.js';
import { DM_MATRIX, DM_ROLES, GROUP_MATRIX, GROUP_ROLES, type Cell, type DmRole, type GroupRole } from '../../../support/authz-matrix.js';
import { createFakeHost } from '../../fakes/tailchat-host.js';

const G = 'G1';
const fake = createFakeHost({
  owner: 'owner',
  permissions: {
    named: [PERMISSIONS.approve],
    approve: [PERMISSIONS.approve],
    configure: [PERMISSIONS.configure],
    schedule: [PERMISSIONS.schedule],
    requester: [PERMISSIONS.invoke],
    plain: [],
    outsider: 'not-member',
  },
});
const can = createPermissionChecker(fake.host, { invokeByDefault: false });
const config: AccessConfig = { dm: { access: 'listed', allowedUsers: ['requester', 'global', 'other'] }, globalApprovers: ['global'] };
const deps: PolicyDeps = {
  can,
  isApprover: createApproverCheck({ can, settings: { get: async () => ({ approvers: ['named'] }) as never }, host: fake.host }),
  config,
  // The requester's DM with the agent, shared with two users (the global approver has their own).
  isConverseMember: async (converseId, userId) => converseId === 'DM1' && ['requester', 'unlisted', 'other'].includes(userId),
};

const userOf = (role: string) => (role === 'signed-out' ? undefined : role);
const cellOf = async (action: PolicyAction, userId: string | undefined, target: { groupId?: string; requester?: string; converseId?: string }): Promise<Cell> => {
  const v = await authorize(action, userId, target, deps);
  return v.allowed ? (v.scope === 'own' ? 'own' : 'yes') : 'no';
};

describe('the policy table', () => {
  it('has a rule for every action and the matrix has a row for every action', () => {
    expect(Object.keys(POLICY).sort()).toEqual([...POLICY_ACTIONS].sort());
    expect(Object.keys(GROUP_MATRIX).sort()).toEqual([...POLICY_ACTIONS].sort());
  });

  describe.each(POLICY_ACTIONS)('%s in a group', (action) => {
    it.each(GROUP_ROLES)('as %s', async (role: GroupRole) => {
      // Run objects were asked for by the requester; a chat command's object is the caller's own message.
      const target = POLICY[action].on === 'run' ? { groupId: G, requester: 'requester' } : { groupId: G };
      expect(await cellOf(action, userOf(role), target)).toBe(GROUP_MATRIX[action][role]);
    });
  });

  describe.each(POLICY_ACTIONS)('%s in a DM', (action) => {
    it.each(DM_ROLES)('as %s', async (role: DmRole) => {
      const requester = role === 'global' ? 'global' : 'requester';
      const target = POLICY[action].on === 'run' ? { requester } : POLICY[action].on === 'reply' ? { converseId: 'DM1' } : {};
      const expected = DM_MATRIX[action]?.[role] ?? 'no';
      expect(await cellOf(action, userOf(role), target)).toBe(expected);
    });
  });

  it('refusals say what is missing, with the status the client gets', async () => {
    expect(await authorize('saveGroupSettings', undefined, { groupId: G }, deps)).toMatchObject({ allowed: false, status: 401, reason: 'signed-out' });
    expect(await authorize('saveGroupSettings', 'plain', { groupId: G }, deps)).toMatchObject({ status: 403, reason: 'missing-permission', capability: 'configure', message: expect.stringContaining('"configure"') });
    expect(await authorize('resolveApproval', 'approve', { groupId: G, requester: 'requester' }, deps)).toMatchObject({ reason: 'not-named', message: expect.stringContaining('named approvers') });
    expect(await authorize('getGroupSettings', 'outsider', { groupId: G }, deps)).toMatchObject({ reason: 'not-member' });
    expect(await authorize('getToolOutput', 'plain', { groupId: G, requester: 'requester' }, deps)).toMatchObject({ status: 403, message: expect.stringContaining('Only the requester and the approvers') });
    expect(await authorize('stopRun', 'configure', { groupId: G, requester: 'requester' }, deps)).toMatchObject({ status: 403, capability: 'approve', message: expect.stringContaining('Only the member who asked') });
    expect(await authorize('resolveApproval', 'requester', { requester: 'requester' }, deps)).toMatchObject({ reason: 'not-global-approver', message: expect.stringContaining('global approver') });
    expect(await authorize('chat.prompt', 'unlisted', {}, deps)).toMatchObject({ reason: 'dm-not-allowed', message: expect.stringContaining('direct messages') });
  });

  it('a vote on a reply in a DM: only its members, and fails closed when no DM or no membership check is given', async () => {
    expect(await authorize('voteReply', 'other', { converseId: 'DM1' }, deps)).toMatchObject({ allowed: true });
    expect(await authorize('voteReply', 'global', { converseId: 'DM1' }, deps)).toMatchObject({ status: 403, reason: 'not-converse-member', message: 'Not a member of this conversation.' });
    expect(await authorize('voteReply', 'requester', {}, deps)).toMatchObject({ allowed: false, reason: 'not-converse-member' });
    const { isConverseMember: _unused, ...withoutCheck } = deps;
    expect(await authorize('voteReply', 'requester', { converseId: 'DM1' }, withoutCheck)).toMatchObject({ allowed: false, reason: 'not-converse-member' });
  });

  it('the failed replies of a group: only for those who configure the agent there', async () => {
    expect(await authorize('getFailedReplies', 'configure', { groupId: G }, deps)).toMatchObject({ allowed: true });
    expect(await authorize('getFailedReplies', 'plain', { groupId: G }, deps)).toMatchObject({ status: 403, reason: 'missing-permission', capability: 'configure' });
    // A member of another group (an outsider here) and a signed-out caller.
    expect(await authorize('getFailedReplies', 'outsider', { groupId: G }, deps)).toMatchObject({ status: 403, reason: 'not-member' });
    expect(await authorize('getFailedReplies', undefined, { groupId: G }, deps)).toMatchObject({ status: 401, reason: 'signed-out' });
    expect(await authorize('getFailedReplies', 'requester', {}, deps)).toMatchObject({ allowed: false, reason: 'not-here' });
  });

  it('Retry is Regenerate: the same rule, and the access question answers it', async () => {
    for (const role of GROUP_ROLES) {
      const target = { groupId: G, requester: 'requester' };
      expect((await authorize('getRegenerateAccess', userOf(role), target, deps)).allowed).toBe((await authorize('regenerate', userOf(role), target, deps)).allowed);
    }
    expect(await authorize('regenerate', 'plain', { groupId: G, requester: 'requester' }, deps)).toMatchObject({ status: 403, message: expect.stringContaining('regenerate or retry this reply') });
  });

  it('DM access: everyone, listed, nobody', () => {
    const at = (access: AccessConfig['dm']['access']): AccessConfig => ({ dm: { access, allowedUsers: ['a'] }, globalApprovers: [] });
    expect([dmAdmits(at('everyone'), 'a'), dmAdmits(at('everyone'), 'b')]).toEqual([true, true]);
    expect([dmAdmits(at('listed'), 'a'), dmAdmits(at('listed'), 'b')]).toEqual([true, false]);
    expect([dmAdmits(at('nobody'), 'a'), dmAdmits(at('nobody'), 'b')]).toEqual([false, false]);
  });

  it('a DM run may be approved by its requester only when they are a global approver', () => {
    expect(maySelfApproveInDm(config, 'global')).toBe(true);
    expect(maySelfApproveInDm(config, 'requester')).toBe(false);
  });
});
