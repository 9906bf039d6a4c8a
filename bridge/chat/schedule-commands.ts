/**
 * `/remind <when> <what>` and `/schedule list | pause <id> | resume <id> | delete <id>` (issue #22).
 * The policy table decided the command itself (chat.remind needs `schedule`; chat.schedule is for
 * members); changing a job asks `changeAutomation` again here, so pause/resume/delete need
 * `schedule` too. Jobs are created by the runner on the requester's behalf, bound to this panel,
 * this agent's session of the group, and the requester as creator; ids resolve only among the
 * group's own jobs (the runner's store).
 */
import type { AutomationSpec, AutomationView } from '../../protocol/automations.js';
import type { RunnerParams, RunnerReply } from '../../protocol/runner.js';
import { parseWhen, splitWhenAndWhat } from '../automations/schedule-parse.js';
import type { Verdict } from '../policy/authorize.js';

export interface AutomationsClient {
  create(p: RunnerParams<'createAutomation'>): Promise<RunnerReply<'createAutomation'>>;
  list(groupId: string): Promise<AutomationView[]>;
  change(p: RunnerParams<'changeAutomation'>): Promise<RunnerReply<'changeAutomation'>>;
}

export interface AutomationSettings {
  enabled: boolean;
  /** The server's zone for groups that set none. */
  defaultTimeZone: string;
  minIntervalMs: number;
}

export interface ScheduleCommandContext {
  client: AutomationsClient;
  settings: AutomationSettings;
  /** The group's own zone (group setting `timeZone`). */
  groupTimeZone?: string | undefined;
  groupId: string;
  converseId: string;
  messageId: string;
  author: string;
  /** The agent addressed, its engine and its session of this group. */
  agentId: string;
  engine: string;
  engineAgentId: string;
  sessionKey: string;
  /** The policy's verdict on changing this group's jobs, asked only for pause/resume/delete. */
  mayChange(): Promise<Verdict>;
  nicknameOf(userId: string): Promise<string>;
  /** Writes the group's audit log (who created or changed a task). */
  audit?(action: 'automation.created' | 'automation.changed', details: Record<string, unknown>): Promise<void>;
  now?: () => Date;
}

export const SCHEDULE_TEXT = {
  disabled: 'Scheduled tasks are not enabled on this server. · 本服务器未启用定时任务。',
  remindUsage:
    'Tell me when and what: /remind <when> <what>, e.g. /remind every weekday at 9:00 post the stand-up summary, or /remind in 30m check the build. · 用法：/remind <时间> <内容>，例如 /remind 每个工作日 9:00 发布站会总结。',
  scheduleUsage: 'Use /schedule list, or /schedule pause|resume|delete <id>. · 用法：/schedule list，或 /schedule pause|resume|delete <ID>。',
  unsupported: (engine: string) => `Scheduled tasks are not supported by the ${engine} engine. · ${engine} 引擎不支持定时任务。`,
  tooMany: 'This group has as many scheduled tasks as it may have; delete one first (/schedule list). · 本群定时任务已达上限，请先删除一个。',
  created: (human: string, what: string, id: string, next?: string) =>
    `⏰ Scheduled ${human}: "${what}" (id ${id}${next ? `, next ${next}` : ''}). /schedule pause ${id} pauses it, /schedule delete ${id} deletes it. · 已创建定时任务（ID ${id}）。`,
  none: 'This group has no scheduled tasks. · 本群没有定时任务。',
  notFound: (id: string) => `This group has no scheduled task "${id}" (/schedule list shows them). · 本群没有定时任务“${id}”。`,
  ambiguous: (id: string) => `More than one task of this group starts with "${id}": give more of its id. · 有多个任务以“${id}”开头，请输入更长的 ID。`,
  changed: (change: 'pause' | 'resume' | 'delete', name: string, id: string) =>
    `${{ pause: 'Paused', resume: 'Resumed', delete: 'Deleted' }[change]} the scheduled task "${name}" (${id}). · 已${{ pause: '暂停', resume: '恢复', delete: '删除' }[change]}定时任务（${id}）。`,
} as const;

const NAME_CHARS = 80;

/** `/remind <when> <what>`: the answer to post (the job is created by the runner). */
export async function remind(arg: string | undefined, c: ScheduleCommandContext): Promise<string> {
  if (!c.settings.enabled) return SCHEDULE_TEXT.disabled;
  const split = splitWhenAndWhat(arg ?? '');
  if (!split.ok) return `${split.error}\n${SCHEDULE_TEXT.remindUsage}`;
  const tz = c.groupTimeZone ?? c.settings.defaultTimeZone;
  const parsed = parseWhen(split.when, { tz, now: (c.now ?? (() => new Date()))(), minIntervalMs: c.settings.minIntervalMs });
  if (!parsed.ok) return parsed.error;
  const spec: AutomationSpec = {
    // The command message: a redelivered event, or two instances, make one job.
    declarationKey: `tailchat:${c.messageId}`,
    name: split.what.length > NAME_CHARS ? `${split.what.slice(0, NAME_CHARS - 1)}…` : split.what,
    message: split.what,
    schedule: parsed.schedule,
    sessionKey: c.sessionKey,
    engineAgentId: c.engineAgentId,
  };
  const answer = await c.client.create({ engineId: c.engine, spec, groupId: c.groupId, converseId: c.converseId, agentId: c.agentId, creatorId: c.author, when: split.when, human: parsed.human, tz });
  if ('refusal' in answer) return answer.refusal === 'unsupported' ? SCHEDULE_TEXT.unsupported(c.engine) : SCHEDULE_TEXT.tooMany;
  await c.audit?.('automation.created', { jobId: answer.jobId, human: parsed.human, what: split.what });
  return SCHEDULE_TEXT.created(parsed.human, split.what, answer.shortId, answer.nextRunAt ? formatWhen(answer.nextRunAt, tz) : undefined);
}

/** `/schedule …`: the list for members, changes for holders of `schedule`. */
export async function schedule(arg: string | undefined, c: ScheduleCommandContext): Promise<string> {
  if (!c.settings.enabled) return SCHEDULE_TEXT.disabled;
  const [sub = 'list', id, ...rest] = (arg ?? '').trim().split(/\s+/).filter(Boolean);
  const verb = sub.toLowerCase();
  if (verb === 'list' || verb === 'ls') {
    const jobs = await c.client.list(c.groupId);
    if (jobs.length === 0) return SCHEDULE_TEXT.none;
    const lines = await Promise.all(
      jobs.map(async (j) => {
        const next = j.nextRunAt ? ` · next ${formatWhen(j.nextRunAt, j.tz)}` : '';
        const last = j.last ? ` · last ${j.last.status === 'ok' ? 'ok' : `failed: ${j.last.error ?? 'error'}`}` : '';
        return `${j.shortId} · ${j.human} · "${j.name}" · ${j.state}${next}${last} · by ${await c.nicknameOf(j.creatorId)}`;
      }),
    );
    return lines.join('\n');
  }
  if ((verb !== 'pause' && verb !== 'resume' && verb !== 'delete') || !id || rest.length > 0) return SCHEDULE_TEXT.scheduleUsage;
  const verdict = await c.mayChange();
  if (!verdict.allowed) return verdict.message;
  const answer = await c.client.change({ groupId: c.groupId, jobId: id, change: verb });
  if ('refusal' in answer) return answer.refusal === 'ambiguous' ? SCHEDULE_TEXT.ambiguous(id) : SCHEDULE_TEXT.notFound(id);
  await c.audit?.('automation.changed', { jobId: answer.automation.jobId, change: verb });
  return SCHEDULE_TEXT.changed(verb, answer.automation.name, answer.automation.shortId);
}

/** "Mon 7 Dec 09:00 (Europe/Vienna)": a time as the group reads it. */
export function formatWhen(iso: string, tz: string): string {
  const text = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
  return `${text.replace(',', '')} (${tz})`;
}
