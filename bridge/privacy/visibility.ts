/**
 * Who may read a tool call's arguments and result. In a group they are private by default: the
 * live draft goes to the whole panel room and the stored reply can be fetched by every member,
 * so private details never travel there; the runner keeps them (store.ts) and hands them only to
 * the requester and the group's approvers (getToolOutput; the rule is in bridge/policy/table.ts). In a direct message only its members
 * see the reply, so it always carries them in full.
 */
import type { ToolOutputVisibility } from '../../protocol/actions.js';

export type { ToolOutputVisibility };

/** The chat side's choice for a run, from the group's settings (`toolOutput`, absent = private). */
export function toolOutputFor(groupId: string | undefined, setting: ToolOutputVisibility | undefined): ToolOutputVisibility {
  if (!groupId) return 'everyone';
  return setting ?? 'private';
}

/**
 * The runner's reading of a job. A job without the field (a chat side older than this runner)
 * gets the same default as the settings: private in groups.
 */
export function keepsToolOutputPrivate(job: { toolOutput?: ToolOutputVisibility | undefined; target: { groupId?: string | undefined } }): boolean {
  return toolOutputFor(job.target.groupId, job.toolOutput) === 'private';
}
