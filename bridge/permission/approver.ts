/**
 * Who counts as an approver of a group: holders of the 'approve' capability, narrowed to the
 * group's named approvers (settings `approvers`) and its owner when the group names any. One
 * rule for deciding approvals and for reading private tool output (bridge/privacy/).
 */
import type { TailchatHost } from '../tailchat/host.js';
import type { GroupSettingsStore } from '../settings/group-settings.js';
import type { PermissionChecker } from './check.js';

export type ApproverResult = { allowed: true } | { allowed: false; reason: 'not-member' | 'missing-permission' | 'not-named' };

export function createApproverCheck(deps: { can: PermissionChecker; settings: Pick<GroupSettingsStore, 'get'>; host: Pick<TailchatHost, 'getGroupInfo'> }) {
  return async function isApprover(groupId: string, userId: string): Promise<ApproverResult> {
    const capability = await deps.can(groupId, userId, 'approve');
    if (!capability.allowed) return capability;
    const { approvers } = await deps.settings.get(groupId);
    if (approvers?.length && !approvers.includes(userId) && (await deps.host.getGroupInfo(groupId))?.owner !== userId) {
      return { allowed: false, reason: 'not-named' };
    }
    return { allowed: true };
  };
}

export type ApproverCheck = ReturnType<typeof createApproverCheck>;
