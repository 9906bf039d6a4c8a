/**
 * What the Scheduled tasks section shows of a task and which buttons it offers, from
 * `listAutomations`' views. No React, no host imports here (unit tests import this file).
 */
import type { AutomationState, AutomationView } from '../../../../protocol/automations';

export type Change = 'pause' | 'resume' | 'delete';

/**
 * The buttons of a task for the caller: none without `schedule`; an active task pauses, a paused
 * or failed one resumes (the engine gave up on it: resuming tries again); every task deletes. An
 * orphaned task (its panel or agent is gone) can only be deleted.
 */
export function changesFor(state: AutomationState, canSchedule: boolean): Change[] {
  if (!canSchedule) return [];
  if (state === 'active') return ['pause', 'delete'];
  if (state === 'paused' || state === 'failed') return ['resume', 'delete'];
  return ['delete'];
}

/**
 * "Tue 8 Dec, 09:00 (Europe/Vienna)": a moment as the group reads it, in the task's zone and the
 * user's language. A zone this browser does not know reads in UTC, named as such.
 */
export function formatInZone(iso: string, tz: string, lang: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false };
  try {
    return `${new Intl.DateTimeFormat(lang, { ...options, timeZone: tz }).format(at)} (${tz})`;
  } catch {
    return `${new Intl.DateTimeFormat(lang, { ...options, timeZone: 'UTC' }).format(at)} (UTC)`;
  }
}

/** The panel a task posts in, as the group names it ("# general"); its id when the group has no such panel (any more). */
export function panelNameOf(panels: ReadonlyArray<{ id: string; name: string }> | undefined, converseId: string): string {
  const panel = panels?.find((p) => p.id === converseId);
  return panel ? `# ${panel.name}` : converseId;
}

/** The list after a change the server confirmed: the task as it is now, or gone when deleted. */
export function afterChange(list: readonly AutomationView[], change: Change, changed: AutomationView): AutomationView[] {
  if (change === 'delete') return list.filter((a) => a.jobId !== changed.jobId);
  return list.map((a) => (a.jobId === changed.jobId ? changed : a));
}

