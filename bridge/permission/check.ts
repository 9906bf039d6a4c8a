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
    } catch {
      return { allowed: false, reason: 'not-member' };
    }
    if (permissions.includes(PERMISSIONS[capability])) return { allowed: true };
    if (capability === 'invoke' && policy.invokeByDefault) return { allowed: true };
    const group = await host.getGroupInfo(groupId);
    if (group && group.owner === userId) return { allowed: true };
    return { allowed: false, reason: 'missing-permission' };
  };
}

export type PermissionChecker = ReturnType<typeof createPermissionChecker>;
