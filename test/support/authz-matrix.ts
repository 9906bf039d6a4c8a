/**
 * The permission matrix as the tests expect it, written out cell by cell (not derived from
 * bridge/policy/table.ts, so a change to the table that nobody meant fails here). The unit test
 * evaluates every cell through `authorize`; the end-to-end matrix and the fuzz run them against
 * the real Tailchat. docs/SECURITY.md states the same table in words.
 *
 * Group roles (the bundle runs with AI_INVOKE_BY_DEFAULT=false, and the group names one approver):
 * owner · named (holds "approve", named in the group's approvers) · approve (holds "approve", not
 * named) · configure · schedule (holds only "schedule") · requester (holds "invoke" and asked for the run acted on) · plain (a member
 * with no plugin permission) · outsider (not a member) · signed-out.
 * DM roles: requester (asked in a DM with the agent) · global (a requester who is a global
 * approver, in a DM of their own) · unlisted (a user `dm.access: listed` leaves out) · other
 * (signed in, not the requester); unlisted and other are members of the requester's DM.
 */
import type { PolicyAction } from '../../bridge/policy/table.js';

export const GROUP_ROLES = ['owner', 'named', 'approve', 'configure', 'schedule', 'requester', 'plain', 'outsider', 'signed-out'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];
export const DM_ROLES = ['requester', 'global', 'unlisted', 'other', 'signed-out'] as const;
export type DmRole = (typeof DM_ROLES)[number];

/** yes = allowed · own = allowed on the caller's own runs only · no = refused. */
export type Cell = 'yes' | 'own' | 'no';

const row = (cells: string): Record<GroupRole, Cell> => {
  const parts = cells.trim().split(/\s+/) as Cell[];
  if (parts.length !== GROUP_ROLES.length) throw new Error(`matrix row has ${parts.length} cells: ${cells}`);
  return Object.fromEntries(GROUP_ROLES.map((r, i) => [r, parts[i]!])) as Record<GroupRole, Cell>;
};
const dmRow = (cells: string): Record<DmRole, Cell> => {
  const parts = cells.trim().split(/\s+/) as Cell[];
  if (parts.length !== DM_ROLES.length) throw new Error(`DM matrix row has ${parts.length} cells: ${cells}`);
  return Object.fromEntries(DM_ROLES.map((r, i) => [r, parts[i]!])) as Record<DmRole, Cell>;
};

//                                        owner named approve configure schedule requester plain outsider signed-out
export const GROUP_MATRIX: Record<PolicyAction, Record<GroupRole, Cell>> = {
  stopRun:             row('yes   yes   yes     no        no       yes       no    no       no'),
  regenerate:          row('yes   no    no      no        no       yes       no    no       no'),
  getRegenerateAccess: row('yes   no    no      no        no       yes       no    no       no'),
  resolveApproval:     row('yes   yes   no      no        no       no        no    no       no'),
  getToolOutputAccess: row('yes   yes   no      no        no       yes       no    no       no'),
  getToolOutput:       row('yes   yes   no      no        no       yes       no    no       no'),
  getGroupSettings:    row('yes   yes   yes     yes       yes      yes       yes   no       no'),
  saveGroupSettings:   row('yes   no    no      yes       no       no        no    no       no'),
  getUsage:            row('yes   no    no      yes       no       no        no    no       no'),
  getAuditLog:         row('yes   no    no      yes       no       no        no    no       no'),
  getFailedReplies:    row('yes   no    no      yes       no       no        no    no       no'),
  getAgentUsers:       row('yes   yes   yes     yes       yes      yes       yes   yes      no'),
  getGroupAgents:      row('yes   yes   yes     yes       yes      yes       yes   no       no'),
  setGroupAgent:       row('yes   no    no      yes       no       no        no    no       no'),
  voteReply:           row('yes   yes   yes     yes       yes      yes       yes   no       no'),
  getMyVotes:          row('yes   yes   yes     yes       yes      yes       yes   yes      no'),
  getFeedback:         row('yes   no    no      yes       no       no        no    no       no'),
  'chat.prompt':       row('yes   no    no      no        no       yes       no    no       no'),
  'chat.stop':         row('yes   yes   yes     own       own      own       own   no       no'),
  'chat.new':          row('yes   no    no      no        no       yes       no    no       no'),
  'chat.summarize':    row('yes   no    no      no        no       yes       no    no       no'),
  'chat.stats':        row('yes   no    no      no        no       yes       no    no       no'),
  'chat.help':         row('yes   no    no      no        no       yes       no    no       no'),
  'chat.remind':       row('yes   no    no      no        yes      no        no    no       no'),
  'chat.schedule':     row('yes   yes   yes     yes       yes      yes       yes   no       no'),
  listAutomations:     row('yes   yes   yes     yes       yes      yes       yes   no       no'),
  changeAutomation:    row('yes   no    no      no        yes      no        no    no       no'),
};

/** In a DM the run's requester is `requester` (or `global`); group-only actions have no DM object. */
//                                            requester global unlisted other signed-out
export const DM_MATRIX: Partial<Record<PolicyAction, Record<DmRole, Cell>>> = {
  stopRun:             dmRow('yes       yes    no       no    no'),
  regenerate:          dmRow('yes       yes    no       no    no'),
  getRegenerateAccess: dmRow('yes       yes    no       no    no'),
  resolveApproval:     dmRow('no        yes    no       no    no'),
  getToolOutputAccess: dmRow('yes       yes    no       no    no'),
  getToolOutput:       dmRow('yes       yes    no       no    no'),
  getAgentUsers:       dmRow('yes       yes    yes      yes   no'),
  // The requester's DM reply: its members vote (unlisted and other share that DM; global is not in it).
  voteReply:           dmRow('yes       no     yes      yes   no'),
  getMyVotes:          dmRow('yes       yes    yes      yes   no'),
  'chat.prompt':       dmRow('yes       yes    no       yes   no'),
  'chat.stop':         dmRow('own       own    no       own   no'),
  'chat.new':          dmRow('yes       yes    no       yes   no'),
  'chat.summarize':    dmRow('yes       yes    no       yes   no'),
  'chat.stats':        dmRow('yes       yes    no       yes   no'),
  'chat.help':         dmRow('yes       yes    no       yes   no'),
  'chat.remind':       dmRow('no        no     no       no    no'),
  'chat.schedule':     dmRow('no        no     no       no    no'),
};
