/** The audit log in both durable forms: Tailchat group data (fake host) and a real redis-server. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_DATA_NAME, auditEntryOf, createGroupDataAuditLog, createRedisAuditLog, settingsChanges, type AuditLog } from '../../../../bridge/audit/log.js';
import { startRedis } from '../../../support/redis-server.js';
import { createFakeHost } from '../../fakes/tailchat-host.js';

function contract(name: string, make: (cap: number) => AuditLog) {
  describe(name, () => {
    it('keeps entries newest first, per group, capped', async () => {
      const log = make(5);
      const group = `g-${Math.random()}`;
      for (let i = 1; i <= 7; i++) await log.append(auditEntryOf(group, `u${i}`, 'approval.decided', { runId: `tc-${i}`, decision: 'deny' }, new Date(Date.UTC(2026, 4, i))));
      await log.append(auditEntryOf(`${group}-other`, 'x', 'settings.changed', { changes: {} }));
      const entries = await log.recent(group, 10);
      expect(entries.map((e) => e.actor)).toEqual(['u7', 'u6', 'u5', 'u4', 'u3']);
      expect(entries[0]).toEqual({ at: '2026-05-07T00:00:00.000Z', groupId: group, actor: 'u7', action: 'approval.decided', details: { runId: 'tc-7', decision: 'deny' } });
      expect(await log.recent(group, 2)).toHaveLength(2);
    });

    it('reads of private tool output, however many, never push approval decisions out', async () => {
      const log = make(5);
      const group = `g-${Math.random()}`;
      await log.append(auditEntryOf(group, 'approver', 'approval.decided', { runId: 'tc-1', decision: 'allow-once' }, new Date(Date.UTC(2026, 4, 1))));
      for (let i = 1; i <= 20; i++) await log.append(auditEntryOf(group, 'reader', 'tool-output.read', { runId: 'tc-1', toolCallId: `t${i}` }, new Date(Date.UTC(2026, 4, 2, 0, i))));
      const entries = await log.recent(group, 100);
      expect(entries.filter((e) => e.action === 'approval.decided').map((e) => e.actor)).toEqual(['approver']);
      // The reads are capped on their own, newest kept.
      expect(entries.filter((e) => e.action === 'tool-output.read').map((e) => e.details.toolCallId)).toEqual(['t20', 't19', 't18', 't17', 't16']);
      expect(entries[0]!.details.toolCallId).toBe('t20');
      // A page of 3 still shows the approval: at most 3 of each stream.
      expect((await log.recent(group, 3)).map((e) => e.action)).toEqual(['tool-output.read', 'tool-output.read', 'tool-output.read', 'approval.decided']);
    });

    it('concurrent writes all land', async () => {
      const log = make(100);
      const group = `g-${Math.random()}`;
      await Promise.all(Array.from({ length: 15 }, (_, i) => log.append(auditEntryOf(group, `u${i}`, 'settings.changed', { changes: { trigger: { from: 'mention', to: 'prefix' } } }))));
      expect(await log.recent(group, 100)).toHaveLength(15);
    });
  });
}

contract('group-data audit log (no Redis)', (cap) => createGroupDataAuditLog(createFakeHost().host, cap));

describe('group-data details', () => {
  it('skips stored entries that do not validate', async () => {
    const good = auditEntryOf('g1', 'u1', 'settings.changed', { changes: {} });
    const fake = createFakeHost({ groupData: { [`g1/${AUDIT_DATA_NAME}`]: JSON.stringify([good, { at: 1, action: 'hack' }]) } });
    expect(await createGroupDataAuditLog(fake.host).recent('g1', 10)).toEqual([good]);
  });
});

describe('with a real Redis', () => {
  let redis: Redis;
  let server: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });
  contract('redis audit log', (cap) => createRedisAuditLog(redis, 'tcai:audit:', cap));
});

describe('settingsChanges', () => {
  it('lists only the fields whose value changed, with before and after', () => {
    expect(settingsChanges({ trigger: 'mention', approvers: ['a'], prefix: '/ai' }, { trigger: 'prefix', approvers: ['a'], prefix: '/ai', monthlyTokenBudget: 5000 })).toEqual({
      trigger: { from: 'mention', to: 'prefix' },
      monthlyTokenBudget: { from: null, to: 5000 },
    });
  });
});
