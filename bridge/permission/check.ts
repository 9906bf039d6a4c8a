/**
 * Server-side permission checks against Tailchat's own group roles. The web client hides buttons,
 * but only this decides: Tailchat enforces plugin permissions nowhere else.
 * Group owners hold every plugin permission (Tailchat's own rule covers only core keys).
 */
import { PERMISSIONS } from '../../protocol/actions.js';
import type { TailchatHost } from '../tailchat/host.js';

export type Capability = keyof typeof PERMISSIONS;

export interface PermissionPolicy {
  /** Members without the invoke key may still invoke (the usual "the bot is for everyone"). */
  invokeByDefault: boolean;
}

export type PermissionResult = { allowed: true } | { allowed: false; reason: 'not-member' | 'missing-permission' };

export function createPermissionChecker(host: TailchatHost, policy: PermissionPolicy) {
  return async function can(groupId: string, userId: string, capability: Capability): Promise<PermissionResult> {
    let permissions: string[];
    try {
      permissions = await host.getUserPermissions(groupId, userId);
    } catch (err) {
      // Tailchat's answer for someone outside the group. Any other failure (Tailchat unreachable,
      // a timeout) is no verdict: it is thrown, so nothing runs and nobody is told "no permission"
      // for an outage (the intake sweep handles the message again later).
      if (isNotAMember(err)) return { allowed: false, reason: 'not-member' };
      throw err;
    }
    if (permissions.includes(PERMISSIONS[capability])) return { allowed: true };
    if (capability === 'invoke' && policy.invokeByDefault) return { allowed: true };
    const group = await host.getGroupInfo(groupId);
    if (group && group.owner === userId) return { allowed: true };
    return { allowed: false, reason: 'missing-permission' };
  };
}

export type PermissionChecker = ReturnType<typeof createPermissionChecker>;

/** `group.getUserAllPermissions` throws these for a user outside the group (or no such group). */
function isNotAMember(err: unknown): boolean {
  return err instanceof Error && /^Not Found (Member|Group)$/.test(err.message);
}
