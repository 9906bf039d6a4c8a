/**
 * The one evaluator of the policy table (table.ts). Handlers call `authorize` with the caller
 * (undefined = not signed in), the action and the object it acts on, and get either a grant or
 * a refusal that says what is missing in words for the person who asked.
 */
import type { ApproverCheck } from '../permission/approver.js';
import type { Capability, PermissionChecker } from '../permission/check.js';
import { POLICY, type PolicyAction, type Rule } from './table.js';

export type DmAccess = 'everyone' | 'listed' | 'nobody';

/** The bundle's own settings the rules read (config `dm`, `approvals`). */
export interface AccessConfig {
  dm: { access: DmAccess; allowedUsers: readonly string[] };
  /** May approve their own commands in a DM (nobody else can see it to decide). */
  globalApprovers: readonly string[];
}

export interface PolicyDeps {
  can: PermissionChecker;
  /** Only rules `approver` and `requester-or-approver` read it; chat commands need none. */
  isApprover?: ApproverCheck;
  config: AccessConfig;
  /** Only rule `dm-member` reads it: whether the user is a member of that DM (Tailchat's converse). */
  isConverseMember?: (converseId: string, userId: string) => Promise<boolean>;
}

/** Where the object lives: a group, or a DM (no group). `requester`: the run's, for run objects. */
export interface PolicyTarget {
  groupId?: string | undefined;
  requester?: string | undefined;
  /** The DM the object is in, for rule `dm-member`. */
  converseId?: string | undefined;
}

/** `scope: 'own'`: allowed on the caller's own runs only (chat /stop without `approve`). */
export type Grant = { allowed: true; scope: 'all' | 'own' };
export type Refusal = {
  allowed: false;
  status: 401 | 403;
  reason: 'signed-out' | 'not-member' | 'not-converse-member' | 'missing-permission' | 'not-named' | 'not-requester' | 'dm-not-allowed' | 'not-global-approver' | 'not-here';
  capability?: Capability;
  message: string;
};
export type Verdict = Grant | Refusal;

export const REFUSAL_TEXT = {
  signedOut: 'Sign in to use the AI assistant.',
  notMember: 'Not a member of this group.',
  missing: (c: Capability) => `You do not have the "${c}" permission of the AI assistant in this group.`,
  notNamed: 'Only the named approvers of this group can decide this.',
  notRequester: 'Only the member who asked can do this here.',
  notRequesterNorCapable: (c: Capability) => `Only the member who asked, or a member with the "${c}" permission of the AI assistant, can do this.`,
  notRequesterNorApprover: 'Only the requester and the approvers of this group can see the details of this run.',
  dmNotAllowed: 'The AI assistant does not answer your direct messages on this server. Ask in a group instead. · 本服务器的 AI 助手不回复你的私聊，请在群组中提问。',
  notGlobalApprover: 'In a direct message only its requester can approve, and only if they are a global approver of this server.',
  notHere: 'This is not available in a direct message.',
  notConverseMember: 'Not a member of this conversation.',
};

const grant = (scope: Grant['scope'] = 'all'): Grant => ({ allowed: true, scope });
const refuse = (status: 401 | 403, reason: Refusal['reason'], message: string, capability?: Capability): Refusal => ({
  allowed: false,
  status,
  reason,
  message,
  ...(capability ? { capability } : {}),
});

export async function authorize(action: PolicyAction, userId: string | undefined, target: PolicyTarget, deps: PolicyDeps): Promise<Verdict> {
  if (!userId) return refuse(401, 'signed-out', REFUSAL_TEXT.signedOut);
  const policy = POLICY[action];
  const verdict = target.groupId
    ? await evaluateInGroup(policy.group, userId, target.groupId, target.requester, deps)
    : policy.dm.kind === 'dm-member'
      ? await evaluateDmMember(userId, target.converseId, deps)
      : evaluateInDm(policy.dm, userId, target.requester, deps.config);
  return !verdict.allowed && verdict.reason === 'missing-permission' && policy.refusal ? { ...verdict, message: policy.refusal } : verdict;
}

async function evaluateInGroup(rule: Rule, userId: string, groupId: string, requester: string | undefined, deps: PolicyDeps): Promise<Verdict> {
  const capability = async (c: Capability): Promise<Verdict> => {
    const r = await deps.can(groupId, userId, c);
    if (r.allowed) return grant();
    return r.reason === 'not-member' ? refuse(403, 'not-member', REFUSAL_TEXT.notMember) : refuse(403, 'missing-permission', REFUSAL_TEXT.missing(c), c);
  };
  const approver = async (): Promise<Verdict> => {
    if (!deps.isApprover) throw new Error('policy: this rule needs the approver check');
    const r = await deps.isApprover(groupId, userId);
    if (r.allowed) return grant();
    if (r.reason === 'not-member') return refuse(403, 'not-member', REFUSAL_TEXT.notMember);
    if (r.reason === 'not-named') return refuse(403, 'not-named', REFUSAL_TEXT.notNamed, 'approve');
    return refuse(403, 'missing-permission', REFUSAL_TEXT.missing('approve'), 'approve');
  };
  switch (rule.kind) {
    case 'signed-in':
      return grant();
    case 'member': {
      // Any capability answers "not-member" for outsiders; which one does not matter here.
      const r = await deps.can(groupId, userId, 'invoke');
      return !r.allowed && r.reason === 'not-member' ? refuse(403, 'not-member', REFUSAL_TEXT.notMember) : grant();
    }
    case 'capability':
      return capability(rule.capability);
    case 'requester-or-capability': {
      if (requester !== undefined && requester === userId) return grant();
      const r = await capability(rule.capability);
      if (r.allowed || r.reason === 'not-member') return r;
      if (requester !== undefined) return refuse(403, 'missing-permission', REFUSAL_TEXT.notRequesterNorCapable(rule.capability), rule.capability);
      return grant('own');
    }
    case 'requester-or-approver': {
      if (requester === userId) return grant();
      const r = await approver();
      return r.allowed || r.reason === 'not-member' ? r : refuse(403, r.reason, REFUSAL_TEXT.notRequesterNorApprover, 'approve');
    }
    case 'approver':
      return approver();
    default:
      // DM rules in the group column would be a table error: refuse rather than guess.
      return refuse(403, 'not-here', REFUSAL_TEXT.notHere);
  }
}

function evaluateInDm(rule: Rule, userId: string, requester: string | undefined, config: AccessConfig): Verdict {
  switch (rule.kind) {
    case 'signed-in':
      return grant();
    case 'dm-user':
    case 'dm-own':
      if (!dmAdmits(config, userId)) return refuse(403, 'dm-not-allowed', REFUSAL_TEXT.dmNotAllowed);
      return grant(rule.kind === 'dm-own' ? 'own' : 'all');
    case 'dm-requester':
      return requester === userId ? grant() : refuse(403, 'not-requester', REFUSAL_TEXT.notRequester);
    case 'dm-self-approver':
      if (requester !== userId) return refuse(403, 'not-requester', REFUSAL_TEXT.notRequester);
      return config.globalApprovers.includes(userId) ? grant() : refuse(403, 'not-global-approver', REFUSAL_TEXT.notGlobalApprover, 'approve');
    default:
      return refuse(403, 'not-here', REFUSAL_TEXT.notHere);
  }
}

/** Fails closed: no DM named, or no way to ask Tailchat, is a refusal. */
async function evaluateDmMember(userId: string, converseId: string | undefined, deps: PolicyDeps): Promise<Verdict> {
  if (!converseId || !deps.isConverseMember) return refuse(403, 'not-converse-member', REFUSAL_TEXT.notConverseMember);
  return (await deps.isConverseMember(converseId, userId)) ? grant() : refuse(403, 'not-converse-member', REFUSAL_TEXT.notConverseMember);
}

/** Whether the DM setting lets this user talk to the agent in a direct message. */
export function dmAdmits(config: AccessConfig, userId: string): boolean {
  if (config.dm.access === 'everyone') return true;
  if (config.dm.access === 'nobody') return false;
  return config.dm.allowedUsers.includes(userId);
}

/** A DM run's `selfApproval` (bridge/run/execute.ts): the same rule as deciding it later. */
export function maySelfApproveInDm(config: AccessConfig, requester: string): boolean {
  return evaluateInDm(POLICY.resolveApproval.dm, requester, requester, config).allowed;
}

/** The access settings from the bundle's config (a `dm.enabled: false` of older configs means nobody). */
export function accessConfigFrom(config: { dm: { enabled: boolean; access: DmAccess; allowedUsers: string[] }; approvals: { globalApprovers: string[] } }): AccessConfig {
  return {
    dm: { access: config.dm.enabled ? config.dm.access : 'nobody', allowedUsers: config.dm.allowedUsers },
    globalApprovers: config.approvals.globalApprovers,
  };
}

/** The defaults of the config: DMs for everyone, no global approvers (so no approvals in DMs). */
export const DEFAULT_ACCESS: AccessConfig = { dm: { access: 'everyone', allowedUsers: [] }, globalApprovers: [] };
