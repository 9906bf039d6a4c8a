/**
 * `/remind` and `/schedule` (bridge/chat/schedule-commands.ts) with a stand-in for the runners: a
 * reminder becomes a job bound to this panel, agent session and requester (one job per command
 * message), in the group's zone; bad times are explained; listing is for members, changes ask the
 * policy again; ids name only the group's own jobs (the runner resolves them).
 */
import { describe, expect, it } from 'vitest';
import { remind, schedule, SCHEDULE_TEXT, type AutomationsClient, type ScheduleCommandContext } from '../../../../bridge/chat/schedule-commands.js';
import type { RunnerParams } from '../../../../protocol/runner.js';
import type { AutomationView } from '../../../../protocol/automations.js';

const NOW = new Date('2026-12-07T08:00:00Z'); // a Monday

function harness(over: Partial<ScheduleCommandContext> = {}) {
  const created: RunnerParams<'createAutomation'>[] = [];
  const changed: RunnerParams<'changeAutomation'>[] = [];
  const jobs: AutomationView[] = [];
  const client: AutomationsClient = {
    async create(p) {
      created.push(p);
      return { jobId: 'abcdef1234567890', shortId: 'abcdef12', nextRunAt: '2026-12-08T08:00:00.000Z' };
    },
    async list() {
      return jobs;
    },
    async change(p) {
      changed.push(p);
      const job = jobs.find((j) => j.jobId.startsWith(p.jobId));
      return job ? { automation: { ...job, state: p.change === 'resume' ? 'active' : 'paused' } } : { refusal: 'not-found' };
    },
  };
  const context: ScheduleCommandContext = {
    client,
    settings: { enabled: true, defaultTimeZone: 'UTC', minIntervalMs: 300_000 },
    groupTimeZone: 'Europe/Vienna',
    groupId: 'g1',
    converseId: 'c1',
    messageId: 'm1',
    author: 'alice',
    agentId: 'assistant',
    engine: 'openclaw',
    engineAgentId: 'main',
    sessionKey: 'agent:main:tailchat:group:g1',
    mayChange: async () => ({ allowed: true, scope: 'all' }),
    nicknameOf: async (id) => `@${id}`,
    now: () => NOW,
    ...over,
  };
  return { context, created, changed, jobs };
}

describe('/remind', () => {
  it('creates one job per command message, bound to the panel, the agent session and the requester, in the group zone', async () => {
    const h = harness();
    const answer = await remind('every weekday at 9:00 post the stand-up summary', h.context);
    expect(h.created).toEqual([
      {
        engineId: 'openclaw',
        spec: {
          declarationKey: 'tailchat:m1',
          name: 'post the stand-up summary',
          message: 'post the stand-up summary',
          schedule: { kind: 'cron', expr: expect.any(String), tz: 'Europe/Vienna' },
          sessionKey: 'agent:main:tailchat:group:g1',
          engineAgentId: 'main',
        },
        groupId: 'g1',
        converseId: 'c1',
        agentId: 'assistant',
        creatorId: 'alice',
        when: 'every weekday at 9:00',
        human: expect.stringContaining('Europe/Vienna'),
        tz: 'Europe/Vienna',
      },
    ]);
    expect(answer).toContain('abcdef12');
    expect(answer).toContain('/schedule pause abcdef12');
  });

  it('explains a time it cannot read, and an interval below the minimum, without creating anything', async () => {
    const h = harness();
    expect(await remind('sometime soon do things', h.context)).toContain('/remind <when> <what>');
    expect(await remind('every 1 minute ping', h.context)).toMatch(/5 minutes|5 min/);
    expect(h.created).toEqual([]);
  });

  it('says so when the engine has no schedules, or the group has too many', async () => {
    const unsupported = harness({ engine: 'mbe' });
    unsupported.context.client.create = async () => ({ refusal: 'unsupported' });
    expect(await remind('in 10 minutes check the build', unsupported.context)).toBe(SCHEDULE_TEXT.unsupported('mbe'));
    const full = harness();
    full.context.client.create = async () => ({ refusal: 'too-many' });
    expect(await remind('in 10 minutes check the build', full.context)).toBe(SCHEDULE_TEXT.tooMany);
  });

  it('is off when the server disables schedules', async () => {
    const h = harness({ settings: { enabled: false, defaultTimeZone: 'UTC', minIntervalMs: 1000 } });
    expect(await remind('in 10 minutes x', h.context)).toBe(SCHEDULE_TEXT.disabled);
    expect(h.created).toEqual([]);
  });
});

describe('/schedule', () => {
  const job: AutomationView = {
    jobId: 'abcdef1234567890',
    shortId: 'abcdef12',
    converseId: 'c1',
    agentId: 'assistant',
    creatorId: 'alice',
    name: 'post the stand-up summary',
    message: 'post the stand-up summary',
    human: 'every weekday at 09:00 (Europe/Vienna)',
    tz: 'Europe/Vienna',
    createdAt: '2026-12-07T08:00:00.000Z',
    state: 'active',
    nextRunAt: '2026-12-08T08:00:00.000Z',
  };

  it('lists the group jobs with id, schedule, state, next run and creator', async () => {
    const h = harness();
    expect(await schedule('list', h.context)).toBe(SCHEDULE_TEXT.none);
    h.jobs.push(job);
    expect(await schedule(undefined, h.context)).toBe('abcdef12 · every weekday at 09:00 (Europe/Vienna) · "post the stand-up summary" · active · next Tue 8 Dec 09:00 (Europe/Vienna) · by @alice');
  });

  it('pauses, resumes and deletes by id only with the policy\'s yes', async () => {
    const h = harness();
    h.jobs.push(job);
    expect(await schedule('pause abcdef12', h.context)).toContain('Paused');
    expect(h.changed).toEqual([{ groupId: 'g1', jobId: 'abcdef12', change: 'pause' }]);
    expect(await schedule('delete nope1234', h.context)).toBe(SCHEDULE_TEXT.notFound('nope1234'));
    const refused = harness({ mayChange: async () => ({ allowed: false, status: 403, reason: 'missing-permission', message: 'You do not have permission to schedule tasks' }) });
    refused.jobs.push(job);
    expect(await schedule('delete abcdef12', refused.context)).toBe('You do not have permission to schedule tasks');
    expect(refused.changed).toEqual([]);
    expect(await schedule('explode abcdef12', h.context)).toBe(SCHEDULE_TEXT.scheduleUsage);
  });
});
