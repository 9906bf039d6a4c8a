/** Automation records for the store and delivery tests: a weekday cron job in g1/c1 unless told otherwise. */
import type { AutomationRecord } from '../../../protocol/automations.js';

let created = 0;

export function automationRecordFor(over: Partial<AutomationRecord> = {}): AutomationRecord {
  created += 1;
  return {
    engineId: 'openclaw',
    jobId: `job-${created}`,
    groupId: 'g1',
    converseId: 'c1',
    sessionKey: 'agent:main:tailchat:group:g1',
    agentId: 'helper',
    creatorId: 'alice',
    name: 'standup',
    message: 'Post the standup reminder',
    schedule: { kind: 'cron', expr: '0 9 * * 1-5', tz: 'Europe/Vienna' },
    when: 'every weekday at 9:00',
    human: 'Every weekday at 09:00 Europe/Vienna',
    tz: 'Europe/Vienna',
    // Ordered as made: lists are oldest first.
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, created)).toISOString(),
    state: 'active',
    ...over,
  };
}
