/**
 * A permission check is a verdict only when Tailchat gave one: "not a member" is Tailchat's
 * answer, an unreachable Tailchat is none (the caller fails; nothing runs, nobody is told "no
 * permission" because of an outage).
 */
import { describe, expect, it } from 'vitest';
import { createPermissionChecker } from '../../../../bridge/permission/check.js';
import type { TailchatHost } from '../../../../bridge/tailchat/host.js';

const hostFailingWith = (err: Error) => ({ getUserPermissions: async () => Promise.reject(err), getGroupInfo: async () => null }) as unknown as TailchatHost;

describe('permission check', () => {
  it("is 'not-member' when Tailchat says the user is outside the group", async () => {
    const can = createPermissionChecker(hostFailingWith(new Error('Not Found Member')), { invokeByDefault: true });
    expect(await can('G', 'U', 'invoke')).toEqual({ allowed: false, reason: 'not-member' });
  });

  it('throws when Tailchat cannot be asked (no verdict is made up)', async () => {
    const outage = Object.assign(new Error("The broker's transporter has disconnected."), { name: 'BrokerDisconnectedError' });
    const can = createPermissionChecker(hostFailingWith(outage), { invokeByDefault: true });
    await expect(can('G', 'U', 'invoke')).rejects.toThrow(/transporter has disconnected/);
  });
});
