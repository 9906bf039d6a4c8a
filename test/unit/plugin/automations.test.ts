/**
 * Scheduled tasks in the web client (issue #22): the "Scheduled" label of a result a task posted
 * (plugins/.../message/scheduled.ts, ScheduledLabel.tsx) and the settings list of the group's tasks
 * (settings/automations-view.ts, AutomationsSection.tsx), rendered to HTML (no DOM in unit tests).
 */
import React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AutomationView } from '../../../protocol/automations.js';
import { SCHEDULED_META_KEY } from '../../../protocol/automations.js';

let language = 'en-US';
vi.mock('@capital/common', () => ({
  getLanguage: () => language,
  showToasts: () => {},
  createPluginRequest: () => ({ post: async () => ({ data: {} }) }),
}));
// The host's nickname of a user, as its user cache would give it.
vi.mock('@capital/component', () => ({
  UserName: (props: { userId: string }) => React.createElement('span', { 'data-user': props.userId }, `nick-of-${props.userId}`),
}));

const { scheduledOf } = await import('../../../plugins/com.yourcompany.ai/src/message/scheduled.js');
const { ScheduledLabel } = await import('../../../plugins/com.yourcompany.ai/src/message/ScheduledLabel.js');
const { afterChange, changesFor, formatInZone, panelNameOf } = await import('../../../plugins/com.yourcompany.ai/src/settings/automations-view.js');
const { AutomationList } = await import('../../../plugins/com.yourcompany.ai/src/settings/AutomationsSection.js');
type AutomationListProps = import('../../../plugins/com.yourcompany.ai/src/settings/AutomationsSection.js').AutomationListProps;

const SCHEDULED = { jobId: 'sj-1a2b3c4d5e', runId: 'scripted:sj-1a2b3c4d5e:1765184400000', name: 'stand-up time', creatorId: 'u_owner' };

/** The element with this data-testid and its contents, tags removed. */
function textOf(html: string, testId: string): string | undefined {
  const open = new RegExp(`<([a-z]+)[^>]*data-testid="${testId}"[^>]*>`).exec(html);
  if (!open) return undefined;
  const tag = open[1]!;
  let depth = 1;
  let at = open.index + open[0].length;
  const tags = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'g');
  tags.lastIndex = at;
  for (let m = tags.exec(html); m; m = tags.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return html.slice(at, m.index).replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  }
  return undefined;
}
const count = (html: string, testId: string) => html.split(`data-testid="${testId}"`).length - 1;

beforeEach(() => {
  language = 'en-US';
});

describe('the Scheduled label of a result a task posted', () => {
  it("reads the task from the message's scheduled meta", () => {
    expect(scheduledOf({ [SCHEDULED_META_KEY]: SCHEDULED, 'com.yourcompany.ai': {} })).toEqual(SCHEDULED);
  });

  it('finds nothing on a message without it, or with a meta not in the protocol shape', () => {
    expect(scheduledOf(undefined)).toBeUndefined();
    expect(scheduledOf({ 'com.yourcompany.ai': {} })).toBeUndefined();
    expect(scheduledOf({ [SCHEDULED_META_KEY]: 'sj-1' })).toBeUndefined();
    expect(scheduledOf({ [SCHEDULED_META_KEY]: { ...SCHEDULED, creatorId: 42 } })).toBeUndefined();
    expect(scheduledOf({ [SCHEDULED_META_KEY]: { ...SCHEDULED, jobId: '' } })).toBeUndefined();
  });

  it("says which task and whose, with the creator's nickname from the host", () => {
    const html = renderToStaticMarkup(React.createElement(ScheduledLabel, { scheduled: SCHEDULED }));
    expect(textOf(html, 'ai-scheduled-label')).toBe('⏰ Scheduled · stand-up time · set by nick-of-u_owner');
    expect(html).toContain('data-user="u_owner"');
    expect(html).toContain('data-job-id="sj-1a2b3c4d5e"');
    expect(html).toContain('task sj-1a2b3');
  });

  it('in Chinese too', () => {
    language = 'zh-CN';
    const html = renderToStaticMarkup(React.createElement(ScheduledLabel, { scheduled: SCHEDULED }));
    expect(textOf(html, 'ai-scheduled-label')).toBe('⏰ 定时任务 · stand-up time · 由 nick-of-u_owner 设置');
  });

  it('a task name is text, never markup', () => {
    const html = renderToStaticMarkup(React.createElement(ScheduledLabel, { scheduled: { ...SCHEDULED, name: '<img src=x onerror=alert(1)>' } }));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
  });
});

const view = (over: Partial<AutomationView> = {}): AutomationView => ({
  jobId: 'sj-aaaaaaaa1111',
  shortId: 'sj-aaaaa',
  converseId: 'p-general',
  agentId: 'main',
  creatorId: 'u_owner',
  name: 'ping the team',
  message: 'ping the team',
  human: 'every 2 seconds',
  tz: 'Europe/Vienna',
  createdAt: '2026-12-07T10:00:00.000Z',
  state: 'active',
  nextRunAt: '2026-12-08T08:00:00.000Z',
  ...over,
});

describe('the settings list of the group\'s scheduled tasks', () => {
  it('offers a holder of `schedule` Pause on an active task, Resume on a paused or failed one, Delete on every one; others nothing', () => {
    expect(changesFor('active', true)).toEqual(['pause', 'delete']);
    expect(changesFor('paused', true)).toEqual(['resume', 'delete']);
    expect(changesFor('failed', true)).toEqual(['resume', 'delete']);
    expect(changesFor('orphaned', true)).toEqual(['delete']);
    for (const state of ['active', 'paused', 'failed', 'orphaned'] as const) expect(changesFor(state, false)).toEqual([]);
  });

  it("shows a moment in the task's zone and the user's language", () => {
    // 08:00 UTC is 09:00 in Vienna (CET) and 16:00 in Shanghai.
    expect(formatInZone('2026-12-08T08:00:00.000Z', 'Europe/Vienna', 'en-US')).toMatch(/^Tue, Dec 8, 09:00 \(Europe\/Vienna\)$/);
    expect(formatInZone('2026-12-08T08:00:00.000Z', 'Asia/Shanghai', 'zh-CN')).toContain('16:00 (Asia/Shanghai)');
    expect(formatInZone('2026-12-08T08:00:00.000Z', 'Asia/Shanghai', 'zh-CN')).toContain('12月8日');
  });

  it('a zone the browser does not know reads in UTC, said so; a broken date as given', () => {
    expect(formatInZone('2026-12-08T08:00:00.000Z', 'Mars/Olympus_Mons', 'en-US')).toMatch(/08:00 \(UTC\)$/);
    expect(formatInZone('soon', 'Europe/Vienna', 'en-US')).toBe('soon');
  });

  it('names the panel as the group does, or by its id when the group has no such panel', () => {
    const panels = [{ id: 'p-general', name: 'general' }];
    expect(panelNameOf(panels, 'p-general')).toBe('# general');
    expect(panelNameOf(panels, 'p-gone')).toBe('p-gone');
    expect(panelNameOf(undefined, 'p-general')).toBe('p-general');
  });

  it('after a confirmed change the row shows the task as the server answered; a deleted one is gone', () => {
    const a = view();
    const b = view({ jobId: 'sj-bbbbbbbb2222', shortId: 'sj-bbbbb', name: 'stand-up' });
    const paused = { ...a, state: 'paused' as const };
    delete paused.nextRunAt;
    expect(afterChange([a, b], 'pause', paused)).toEqual([paused, b]);
    expect(afterChange([a, b], 'delete', paused)).toEqual([b]);
  });

  const list = (over: Partial<AutomationListProps>) =>
    renderToStaticMarkup(
      React.createElement(AutomationList, {
        list: [view(), view({ jobId: 'sj-bbbbbbbb2222', shortId: 'sj-bbbbb', converseId: 'p-gone', name: 'stand-up', human: 'in 3 seconds', state: 'paused', nextRunAt: undefined, last: { at: '2026-12-07T11:00:00.000Z', status: 'error', error: 'engine down' } })],
        canSchedule: true,
        panels: [{ id: 'p-general', name: 'general' }],
        lang: 'en-US',
        busy: false,
        confirming: null,
        onChange: () => {},
        onConfirm: () => {},
        ...over,
      })
    );

  it('lists each task: name, schedule in words, state, next run, last result, creator and panel', () => {
    const html = list({});
    expect(count(html, 'ai-automation-row')).toBe(2);
    expect(html).toContain('data-job-id="sj-aaaaaaaa1111"');
    const [first, second] = html.split('data-testid="ai-automation-row"').slice(1) as [string, string];
    expect(textOf(first, 'ai-automation-name')).toBe('ping the team');
    expect(textOf(first, 'ai-automation-human')).toBe('every 2 seconds');
    expect(textOf(first, 'ai-automation-state')).toBe('Active');
    expect(textOf(first, 'ai-automation-next')).toBe('Tue, Dec 8, 09:00 (Europe/Vienna)');
    expect(textOf(first, 'ai-automation-last')).toBe('–');
    expect(textOf(first, 'ai-automation-panel')).toBe('# general');
    expect(first).toContain('nick-of-u_owner');
    expect(textOf(second, 'ai-automation-state')).toBe('Paused');
    expect(textOf(second, 'ai-automation-next')).toBe('–');
    expect(textOf(second, 'ai-automation-last')).toBe('Failed: engine down · Mon, Dec 7, 12:00 (Europe/Vienna)');
    expect(textOf(second, 'ai-automation-panel')).toBe('p-gone');
  });

  it('gives a holder of `schedule` the buttons of each state; a member without it sees none', () => {
    const holder = list({});
    expect(count(holder, 'ai-automation-pause')).toBe(1);
    expect(count(holder, 'ai-automation-resume')).toBe(1);
    expect(count(holder, 'ai-automation-delete')).toBe(2);
    const member = list({ canSchedule: false });
    expect(count(member, 'ai-automation-row')).toBe(2);
    for (const id of ['ai-automation-pause', 'ai-automation-resume', 'ai-automation-delete']) expect(count(member, id)).toBe(0);
  });

  it('Delete asks first: the task waiting for the yes shows the question instead of its buttons', () => {
    const html = list({ confirming: 'sj-aaaaaaaa1111' });
    const [first, second] = html.split('data-testid="ai-automation-row"').slice(1) as [string, string];
    expect(textOf(first, 'ai-automation-delete-ask')).toContain('Delete "ping the team"? It will not run again.');
    expect(count(first, 'ai-automation-delete-confirm')).toBe(1);
    expect(count(first, 'ai-automation-pause')).toBe(0);
    expect(count(second, 'ai-automation-resume')).toBe(1);
  });

  it('in Chinese too', () => {
    language = 'zh-CN';
    const html = list({ lang: 'zh-CN' });
    expect(html).toContain('运行中');
    expect(html).toContain('暂停');
  });
});
