/**
 * Who may do what: every plugin action and chat command, the object it acts on, and its rule in
 * a group and in a direct message. This table is the authorization layer; `authorize`
 * (authorize.ts) is its only reader, and every handler asks it before doing anything. The
 * matrix in docs/SECURITY.md is this table in words, and the permission-matrix tests run it.
 */
import type { Capability } from '../permission/check.js';

/** HTTP actions of `plugin:com.yourcompany.ai` and the chat commands (`chat.*`). */
export const POLICY_ACTIONS = [
  'stopRun',
  'regenerate',
  'getRegenerateAccess',
  'resolveApproval',
  'getToolOutputAccess',
  'getToolOutput',
  'getGroupSettings',
  'saveGroupSettings',
  'getUsage',
  'getAuditLog',
  'getFailedReplies',
  'getAgentUsers',
  'getGroupAgents',
  'setGroupAgent',
  'voteReply',
  'getMyVotes',
  'getFeedback',
  'chat.prompt',
  'chat.stop',
  'chat.new',
  'chat.summarize',
  'chat.stats',
  'chat.help',
  'chat.remind',
  'chat.schedule',
  'listAutomations',
  'changeAutomation',
] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

/**
 * - `member`: any member of the group.
 * - `capability`: a member holding the plugin permission (group owners hold them all).
 * - `requester-or-capability`: the run's requester, or a holder of the capability. Without a
 *   run (chat /stop acts on a session) every member passes, limited to their own runs.
 * - `requester-or-approver`: the run's requester, or an approver of the group (approver.ts).
 * - `approver`: the group's approver rule (the capability, narrowed to its named approvers).
 * - `dm-user`: a user the DM setting admits (`dm.access`: everyone, listed, nobody).
 * - `dm-own`: such a user, limited to their own runs (chat /stop in a DM several people share).
 * - `dm-requester`: the run's requester (nobody else is in a DM with the agent to act on it).
 * - `dm-self-approver`: the run's requester, when they are a global approver (`approvals.globalApprovers`).
 * - `dm-member`: a member of the DM the object is in (everyone who reads it there).
 * - `signed-in`: anyone signed in (the object is public to them, e.g. which user is the agent's bot).
 * - `nowhere`: the action has no meaning in this place (group-only objects).
 */
export type Rule =
  | { kind: 'member' }
  | { kind: 'capability'; capability: Capability }
  | { kind: 'requester-or-capability'; capability: Capability }
  | { kind: 'requester-or-approver' }
  | { kind: 'approver' }
  | { kind: 'dm-user' }
  | { kind: 'dm-own' }
  | { kind: 'dm-requester' }
  | { kind: 'dm-self-approver' }
  | { kind: 'dm-member' }
  | { kind: 'signed-in' }
  | { kind: 'nowhere' };

export interface Policy {
  /**
   * What the caller names: a group id, a run id (its prompt message gives group and requester),
   * their own chat message, an agent's reply (its message id: the stored message gives group and
   * DM), or nothing (a fact every signed-in user may know, or the caller's own records).
   */
  on: 'group' | 'run' | 'message' | 'reply' | 'nothing';
  group: Rule;
  dm: Rule;
  /** What a member refused for a missing permission reads, when the rule's own wording is too general. */
  refusal?: string;
}

const invoke: Rule = { kind: 'capability', capability: 'invoke' };
const configure: Rule = { kind: 'capability', capability: 'configure' };
const nowhere: Rule = { kind: 'nowhere' };
const dmUser: Rule = { kind: 'dm-user' };
const schedule: Rule = { kind: 'capability', capability: 'schedule' };
const SCHEDULE_REFUSAL =
  'You do not have permission to schedule tasks with the AI assistant in this group (the "Schedule tasks" permission). · 你没有在本群设置定时任务的权限（“定时任务”权限）。';

export const POLICY: Record<PolicyAction, Policy> = {
  // The Stop button and the typed stop word share one rule: your own run, or `approve` for others'.
  stopRun: { on: 'run', group: { kind: 'requester-or-capability', capability: 'approve' }, dm: { kind: 'dm-requester' } },
  // Starts a run (Regenerate, and Retry on a failed reply): the caller needs what a prompt needs
  // (regenerate.ts also checks the prompt's author).
  regenerate: {
    on: 'run',
    group: invoke,
    // A DM is read only by its members (bridge/permission/reads.ts): the requester asks again.
    dm: { kind: 'dm-requester' },
    refusal:
      'Only the member who asked, or members with the "Use the AI assistant" permission, can regenerate or retry this reply. · 只有提问者或拥有“使用 AI 助手”权限的成员可以重新生成或重试此回复。',
  },
  // Whether to show Regenerate and Retry: answered with the regenerate rule itself.
  getRegenerateAccess: { on: 'run', group: invoke, dm: { kind: 'dm-requester' } },
  resolveApproval: { on: 'run', group: { kind: 'approver' }, dm: { kind: 'dm-self-approver' } },
  getToolOutputAccess: { on: 'run', group: { kind: 'requester-or-approver' }, dm: { kind: 'dm-requester' } },
  getToolOutput: { on: 'run', group: { kind: 'requester-or-approver' }, dm: { kind: 'dm-requester' } },
  getGroupSettings: { on: 'group', group: { kind: 'member' }, dm: nowhere },
  saveGroupSettings: { on: 'group', group: configure, dm: nowhere },
  getUsage: { on: 'group', group: configure, dm: nowhere },
  // The bot users whose messages render as agent panels (bridge/message/agent-reply.ts): public to users.
  getAgentUsers: { on: 'nothing', group: { kind: 'signed-in' }, dm: { kind: 'signed-in' } },
  // Which agents are members of a group: what its member list shows anyway.
  getGroupAgents: { on: 'group', group: { kind: 'member' }, dm: nowhere },
  // Adds or removes an agent (its bot joins or leaves the group): it then answers there, or stops.
  setGroupAgent: { on: 'group', group: configure, dm: nowhere },
  getAuditLog: { on: 'group', group: configure, dm: nowhere },
  // The group's failed replies (causes, engines, who asked): for those who configure the agent there.
  getFailedReplies: { on: 'group', group: configure, dm: nowhere },
  // 👍/👎 on an agent's reply: whoever reads it where it was posted (bridge/feedback/).
  voteReply: { on: 'reply', group: { kind: 'member' }, dm: { kind: 'dm-member' } },
  // The caller's own votes, looked up by message id: nobody else's are ever returned.
  getMyVotes: { on: 'nothing', group: { kind: 'signed-in' }, dm: { kind: 'signed-in' } },
  // The group's votes per agent and the latest 👎 with comments (not who voted): for its admins.
  getFeedback: { on: 'group', group: configure, dm: nowhere },
  'chat.prompt': { on: 'message', group: invoke, dm: dmUser },
  'chat.stop': { on: 'message', group: { kind: 'requester-or-capability', capability: 'approve' }, dm: { kind: 'dm-own' } },
  'chat.new': { on: 'message', group: invoke, dm: dmUser },
  'chat.summarize': { on: 'message', group: invoke, dm: dmUser },
  'chat.stats': { on: 'message', group: invoke, dm: dmUser },
  'chat.help': { on: 'message', group: invoke, dm: dmUser },
  // Scheduled tasks (issue #22) make the agent speak in the panel later, at a cost, unasked:
  // creating and changing them is the `schedule` permission's (owners hold it; members do not by default).
  'chat.remind': { on: 'message', group: schedule, dm: nowhere, refusal: SCHEDULE_REFUSAL },
  // `/schedule` lists the group's tasks for every member; its pause/resume/delete ask changeAutomation too.
  'chat.schedule': { on: 'message', group: { kind: 'member' }, dm: nowhere },
  listAutomations: { on: 'group', group: { kind: 'member' }, dm: nowhere },
  changeAutomation: { on: 'group', group: schedule, dm: nowhere, refusal: SCHEDULE_REFUSAL },
};
