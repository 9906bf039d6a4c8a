/**
 * The chat side of the event path: a Tailchat message comes in, and this decides what (if
 * anything) the agent does with it — ignore, answer a command, refuse, or start a run on the
 * engine side. Stateless, so any number of service instances can share the events.
 */
import type { GroupSettings } from '../../protocol/actions.js';
import { parseUpdateMessageEvent, SYSTEM_USER_ID, type AddedMessage } from '../message/incoming.js';
import { capIntake, mentionsUser } from '../message/bbcode.js';
import { neutralizeBBCode } from '../message/neutralize.js';
import type { RunJob } from '../run/execute.js';
import type { Logger } from '../run/execute.js';
import type { PermissionChecker } from '../permission/check.js';
import { checkRead, readMessageIn, type ReadGrant } from '../permission/reads.js';
import { sessionKeyFor } from '../session/keys.js';
import type { GroupSettingsStore } from '../settings/group-settings.js';
import type { RateLimiter } from '../limits/rate-limit.js';
import type { BudgetCheck } from '../usage/budget.js';
import type { TailchatHost } from '../tailchat/host.js';
import { decide, DEFAULT_MAX_INTAKE_CHARS, type Decision, type Place } from '../trigger/decide.js';
import type { AgentDirectory, ResolvedAgent } from '../agents/directory.js';
import type { GroupAgents } from '../agents/membership.js';
import type { DefaultJoins } from '../agents/default-joins.js';
import { runIdFor } from '../../protocol/run-id.js';
import { TEXT } from './texts.js';
import { chunkLines, parseSummaryRequest, transcriptLines } from './summarize.js';
import { selectSummarySource } from './summary-source.js';
import { toolOutputFor, type ToolOutputVisibility } from '../privacy/visibility.js';
import { attachmentsOfPrompt, promptWithAttachments } from '../attachments/parse.js';
import { checkCount, type AttachmentLimits } from '../attachments/policy.js';
import type { AttachmentRef } from '../engine/types.js';
import { authorize, maySelfApproveInDm, type AccessConfig, type Grant } from '../policy/authorize.js';
import { POLICY, type PolicyAction } from '../policy/table.js';
import type { AuditAction } from '../../protocol/admin.js';
import { remind, schedule, SCHEDULE_TEXT, type AutomationSettings, type AutomationsClient, type ScheduleCommandContext } from './schedule-commands.js';
import type { Recovery } from '../intake/sweep.js';

/** How the chat side reaches the engine side (over the broker, or directly in tests). */
export interface RunnerClient {
  /** false: a run with this id was started before (a redelivery, or a second Regenerate racing). */
  start(job: RunJob): Promise<boolean | void>;
  /** Stops the session's running reply (only `requester`'s when given); resolves true if one was running. */
  abortSession(sessionKey: string, requester?: string): Promise<boolean>;
  reset(engineId: string, sessionKey: string): Promise<void>;
  /** The engine's `/stats` text for this user. */
  stats(engineId: string, userId: string): Promise<string>;
  /** Scheduled tasks on the runners (absent: none, e.g. bot mode). */
  automations?: AutomationsClient;
}

export interface ChatDeps {
  host: TailchatHost;
  /** The agent's bot user that speaks for this message: the default agent's until one is chosen. */
  botUserId: string;
  /** Every configured agent with its bot user (bridge/agents/). */
  agents: AgentDirectory;
  /** Which agents are members of a group: only they answer there. */
  groupAgents: GroupAgents;
  /** Brings the default agents into a group the first time it is seen; absent = never. */
  defaultJoins?: DefaultJoins;
  settings: GroupSettingsStore;
  can: PermissionChecker;
  runner: RunnerClient;
  isBot: (userId: string) => Promise<boolean>;
  /** DM access and global approvers (bridge/policy/). */
  access: AccessConfig;
  /** `/remind` and `/schedule` (config `automations`); absent = not offered. */
  automations?: AutomationSettings;
  /** The group's audit log (scheduled tasks created or changed); never fails the command. */
  audit?: (groupId: string, actor: string, action: AuditAction, details: Record<string, unknown>) => Promise<void>;
  maxPromptChars: number;
  /** config limits.maxIntakeChars: how much of a message is read at all (default 64 KB). */
  maxIntakeChars?: number;
  /** Per-user / per-group prompt rate; absent = unlimited. */
  rateLimit?: RateLimiter;
  /** Attachments per prompt (config limits.attachments); absent = only the runner checks. */
  attachments?: Pick<AttachmentLimits, 'maxCount'>;
  /** The group's monthly token budget (bridge/usage/budget.ts); absent = no budgets. */
  budget?: BudgetCheck;
  defaultEngine: string;
  /** The engine's agent where neither the agent nor a group names one (DMs). */
  dmAgentId: string;
  logger: Logger;
  /**
   * Where refusals and short answers go; absent = a bot reply to the prompt message. Regenerate
   * (bridge/chat/regenerate.ts) hands them back to the user who clicked, as the action's error.
   */
  respond?: (text: string) => Promise<void>;
  /**
   * The intake journal (bridge/intake/): a message for the agent is taken before anything is
   * done with it, so that exactly one instance (or the sweep) handles it; absent = no journal.
   */
  intake?: IntakeHooks;
  /** Set by the intake sweep: this prompt may have been handled before (bridge/run/job.ts). */
  recovery?: Recovery;
  /**
   * Set by the sweep for a prompt no instance took (the live path was slower than the sweep's
   * grace, or lost the event): nobody counted it against the rate limit yet.
   */
  countRateLimit?: true;
}

export interface IntakeHooks {
  /** false: another instance (or the sweep) holds the message. */
  take(messageId: string): Promise<boolean>;
  /** How far its handling got: a runner has the run, or nothing more will happen. */
  mark(messageId: string, state: 'handed' | 'settled'): Promise<void>;
}

export type HandleOutcome =
  | { kind: 'invalid'; error: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'refused'; reason: string; runId?: string }
  | { kind: 'command'; command: string }
  | { kind: 'started'; runId: string; sessionKey: string; engine: string };

/** Derived from the Tailchat message id, so a redelivered event maps to the same run. */
export { runIdFor };

export async function handleMessageEvent(payload: unknown, deps: ChatDeps): Promise<HandleOutcome> {
  const parsed = parseUpdateMessageEvent(payload);
  if (!parsed.ok) {
    deps.logger.warn('dropped malformed chat.message.updateMessage event', { error: parsed.error });
    return { kind: 'invalid', error: parsed.error };
  }
  if (parsed.event.type !== 'add') return { kind: 'ignored', reason: parsed.event.type };
  const event = parsed.event;
  const addressed = await addressedDecision(event, deps);
  if (addressed.kind !== 'addressed') return addressed;
  if (deps.intake && !(await takeForIntake(event, deps.intake, deps.logger))) return { kind: 'ignored', reason: 'taken-elsewhere' };
  const outcome = await handleAddressed(event, addressed, deps);
  // An exception leaves the entry taken: its lease lapses and the sweep takes it over.
  if (deps.intake) await markIntake(event, outcome, deps.intake, deps.logger);
  return outcome;
}

type Addressed =
  | { kind: 'addressed'; decision: Exclude<Decision, { kind: 'ignore' }>; settings: GroupSettings | undefined; agents: readonly ResolvedAgent[] }
  | Extract<HandleOutcome, { kind: 'ignored' | 'refused' }>;

/**
 * Is this message for the agent? The trigger's decision where it was posted, nothing else. Also
 * the intake sweep's question (bridge/intake/sweep.ts), so it must stay free of side effects but
 * the one refusal below (the place's settings could not be read).
 */
export async function addressedDecision(event: AddedMessage, deps: ChatDeps): Promise<Addressed> {
  // Never answer an agent, the system user or any other bot: that is how loops start.
  if (deps.agents.byUserId(event.author) || event.author === SYSTEM_USER_ID) return { kind: 'ignored', reason: 'own-or-system' };
  if (await deps.isBot(event.author)) return { kind: 'ignored', reason: 'bot-author' };

  let placed: Awaited<ReturnType<typeof placeOf>>;
  try {
    placed = await placeOf(event, deps);
  } catch (err) {
    // The group's settings are unreadable (the plugin's database is away): nothing runs on
    // guessed settings (approvers, budget), and whoever mentioned the agent hears why.
    deps.logger.error('group settings unreadable; message not handled', { groupId: event.groupId, error: err instanceof Error ? err.message : String(err) });
    const content = capIntake(event.content, deps.maxIntakeChars ?? DEFAULT_MAX_INTAKE_CHARS);
    const mentioned = deps.agents.agents.find((a) => mentionsUser(content, event.meta.mentions, a.userId));
    // Said once, by the live path; the sweep tries again silently until it can read the place.
    if (mentioned && !deps.recovery) await say({ ...deps, botUserId: mentioned.userId }, event, TEXT.unavailable);
    return { kind: 'refused', reason: 'settings-unavailable' };
  }
  const { settings, place, agents } = placed;
  const decision = decide(event, place, defaultAgentOf(settings, deps).id, deps.maxIntakeChars);
  if (decision.kind === 'ignore') return { kind: 'ignored', reason: decision.reason };
  return { kind: 'addressed', decision, settings, agents };
}

async function handleAddressed(event: AddedMessage, addressed: Extract<Addressed, { kind: 'addressed' }>, deps: ChatDeps): Promise<HandleOutcome> {
  const { decision, settings, agents } = addressed;
  const action: PolicyAction = decision.kind === 'prompt' ? 'chat.prompt' : `chat.${decision.command}`;
  const verdict = await authorize(action, event.author, { groupId: event.groupId }, { can: deps.can, config: deps.access });
  if (!verdict.allowed) {
    deps.logger.info('refused by policy', { action, groupId: event.groupId, converseId: event.converseId, userId: event.author, reason: verdict.reason });
    if (decision.kind === 'command' && decision.unaddressed) return { kind: 'ignored', reason: 'stop-word-without-permission' };
    // A rule with its own wording says what is missing (e.g. "schedule"); the others, the usual line.
    await say(deps, event, event.groupId ? (POLICY[action].refusal && verdict.reason === 'missing-permission' ? verdict.message : TEXT.noPermission) : verdict.message);
    return { kind: 'refused', reason: verdict.reason };
  }
  const reads = await checkRead(deps.host, { userId: event.author, converseId: event.converseId, groupId: event.groupId });
  if (!reads.allowed) {
    // Only a hand-made API call gets here (a web client posts into its own panels). Nothing is
    // said: a reply would land in the other group's panel (or someone else's DM).
    deps.logger.warn('refused: the message names a place its author may not read', { reason: reads.reason, groupId: event.groupId, converseId: event.converseId, userId: event.author });
    return { kind: 'refused', reason: reads.reason };
  }
  return runDecision(decision, event, settings, deps, reads.grant, undefined, verdict, agents);
}

/** The journal is unreachable: answer anyway (the sweep and the runner's checks keep it single). */
async function takeForIntake(event: AddedMessage, intake: IntakeHooks, logger: Logger): Promise<boolean> {
  try {
    return await intake.take(event.messageId);
  } catch (err) {
    logger.warn('intake journal unavailable; handling the message without it', { messageId: event.messageId, error: err instanceof Error ? err.message : String(err) });
    return true;
  }
}

async function markIntake(event: AddedMessage, outcome: HandleOutcome, intake: IntakeHooks, logger: Logger): Promise<void> {
  const handed = outcome.kind === 'started' || (outcome.kind === 'refused' && outcome.reason === 'already-started');
  await intake.mark(event.messageId, handed ? 'handed' : 'settled').catch((err) =>
    logger.warn('intake journal: could not record how a message ended', { messageId: event.messageId, error: err instanceof Error ? err.message : String(err) }),
  );
}

/**
 * What the trigger needs to know about where a message was posted: the group's settings and the
 * agents that are members there, or the agents in the DM.
 */
export async function placeOf(event: AddedMessage, deps: ChatDeps): Promise<{ settings?: GroupSettings; place: Place; agents: readonly ResolvedAgent[] }> {
  if (event.groupId) {
    const groupId = event.groupId;
    const settings = await deps.settings.get(groupId);
    // A group seen for the first time gets its default agents before anything is decided, so a
    // prompt in a brand-new group is answered. Failing that, the message is decided as things are.
    await deps.defaultJoins?.ensure(groupId).catch((err: unknown) =>
      deps.logger.warn('could not bring the default agents into a group', { groupId, error: err instanceof Error ? err.message : String(err) }),
    );
    const agents = await deps.groupAgents.membersOf(groupId);
    return { settings, place: { kind: 'group', settings, members: deps.agents.refs(agents) }, agents };
  }
  const members = await dmMembersOf(event, deps);
  const agents = deps.agents.agents.filter((a) => members.includes(a.userId));
  // "nobody": DMs are off and stay silent; a user the "listed" setting leaves out is told (policy).
  return { place: { kind: 'dm', agents: deps.agents.refs(agents), enabled: deps.access.dm.access !== 'nobody' }, agents };
}

/**
 * Who is in a DM, asked as its author (a member of the DM they wrote in); where acting as them is
 * not possible (bot mode) or they are not a member (a hand-made call), as each agent in turn:
 * Tailchat answers only members, so an agent that is not in it learns nothing.
 */
async function dmMembersOf(event: AddedMessage, deps: ChatDeps): Promise<string[]> {
  for (const asUserId of [event.author, ...deps.agents.userIds]) {
    try {
      return await deps.host.getConverseMembers(event.converseId, asUserId);
    } catch {
      // not a member, or not allowed to ask as them: the next one
    }
  }
  return [];
}

/** The group's default agent (setting `defaultAgent`, when it names a configured agent), else the first agent. */
export function defaultAgentOf(settings: GroupSettings | undefined, deps: Pick<ChatDeps, 'agents'>): ResolvedAgent {
  return (settings?.defaultAgent ? deps.agents.byId(settings.defaultAgent) : undefined) ?? deps.agents.defaultAgent;
}

/**
 * The session-key channel of an agent: the first agent keeps `tailchat` (the sessions every install
 * had before named agents), every other one has its own, so two agents never share a conversation
 * even when they run on the same engine agent.
 */
export function sessionChannelOf(agent: Pick<ResolvedAgent, 'id' | 'isDefault'>): string {
  return agent.isDefault ? 'tailchat' : `tailchat-${agent.id}`;
}

/** A prompt answered again (Regenerate): which attempt this is, and who asked for it. */
export interface Rerun {
  attempt: number;
  /** Charged against the rate limit (they caused this run, not the prompt's author). */
  by: string;
}

/**
 * Everything after "this message is for the agent, and its author may ask": the session, the
 * command, the prompt's checks (attachments, length, rate limit, budget) and the run job.
 * Regenerate comes through here again with the same prompt message, so it gets every check a
 * prompt gets and lands in the same session.
 */
export async function runDecision(
  decision: Exclude<Decision, { kind: 'ignore' }>,
  event: AddedMessage,
  settings: GroupSettings | undefined,
  deps: ChatDeps,
  /** The converse as the one who caused this may read it (bridge/permission/reads.ts). */
  reader: ReadGrant,
  rerun?: Rerun,
  grant?: Grant,
  /** The agents of the place: a bare "stop" stops any of theirs (absent = every agent). */
  placeAgents: readonly ResolvedAgent[] = deps.agents.agents,
): Promise<HandleOutcome> {
  const agent = (decision.agentId ? deps.agents.byId(decision.agentId) : undefined) ?? defaultAgentOf(settings, deps);
  // From here on the chosen agent speaks: refusals and short answers come from its bot user.
  deps = { ...deps, botUserId: agent.userId };
  const engine = agent.engine ?? settings?.engine ?? deps.defaultEngine;
  const keyOf = (a: ResolvedAgent) =>
    sessionKeyFor({
      agentId: engineAgentOf(a, settings, deps),
      channel: sessionChannelOf(a),
      scope: settings?.sessionScope ?? 'group',
      ...(event.groupId ? { groupId: event.groupId } : {}),
      converseId: event.converseId,
      ...(event.meta.reply?._id ? { threadRootId: event.meta.reply._id } : {}),
      userId: event.author,
    });
  const sessionKey = keyOf(agent);

  const toolOutput = toolOutputFor(event.groupId, settings?.toolOutput);
  const where = {
    sessionKey,
    engine,
    agentId: engineAgentOf(agent, settings, deps),
    agent: agent.id,
    ...(agent.instructions ? { instructions: agent.instructions } : {}),
    toolOutput,
    ...(rerun ? { attempt: rerun.attempt, actorId: rerun.by } : {}),
  };

  // Only the start of the message was read (decide); whatever it asks, the rest would be lost.
  const maxIntake = deps.maxIntakeChars ?? DEFAULT_MAX_INTAKE_CHARS;
  const length = Math.max(event.content.length, event.plain?.length ?? 0);
  if (length > maxIntake) {
    deps.logger.info('refused: message longer than the intake limit', { length, maxIntakeChars: maxIntake, userId: event.author, converseId: event.converseId });
    await say(deps, event, TEXT.promptTooLong(Math.min(maxIntake, deps.maxPromptChars), length));
    return { kind: 'refused', reason: 'prompt-too-long' };
  }
  if (decision.kind === 'command') {
    const stopKeys = decision.command === 'stop' && decision.unaddressed ? placeAgents.map(keyOf) : [sessionKey];
    return runCommand(decision, event, { ...where, stopKeys }, settings, deps, reader, grant?.scope ?? 'own');
  }

  const attachments = attachmentsOfPrompt(await withStoredReply(event, reader, deps));
  const tooMany = deps.attachments ? checkCount(attachments, deps.attachments) : undefined;
  if (tooMany) {
    deps.logger.info('refused: attachments', { reason: tooMany.reason, detail: tooMany.detail, userId: event.author, converseId: event.converseId });
    await say(deps, event, tooMany.text);
    return { kind: 'refused', reason: `attachments-${tooMany.reason}` };
  }
  const prompt = promptWithAttachments(decision.prompt, attachments);

  if (prompt.length > deps.maxPromptChars) {
    await say(deps, event, TEXT.promptTooLong(deps.maxPromptChars, prompt.length));
    return { kind: 'refused', reason: 'prompt-too-long' };
  }

  const limited = await rateLimited(deps, event, where.actorId);
  if (limited) return limited;
  return startRun(deps, event, { ...where, prompt, attachments });
}

/**
 * The prompt with the replied message's content as Tailchat stored it (its attachments ride
 * along): only a message of the same converse, read on behalf of the one who caused the run;
 * anything else keeps no replied content at all.
 */
async function withStoredReply(event: AddedMessage, reader: ReadGrant, deps: ChatDeps): Promise<AddedMessage> {
  const replyId = event.meta.reply?._id;
  if (!replyId) return event;
  const content = await readMessageIn(deps.host, reader, replyId);
  if (content === undefined) deps.logger.info('replied message not read: not in this converse or not visible', { converseId: event.converseId, replyId, userId: reader.userId });
  return { ...event, meta: { ...event.meta, reply: { ...event.meta.reply!, content: content ?? '' } } };
}

/** The engine's own agent for a bundle agent: its `engineAgentId`, else the group's setting, else the DM default. */
function engineAgentOf(agent: ResolvedAgent, settings: GroupSettings | undefined, deps: Pick<ChatDeps, 'dmAgentId'>): string {
  return agent.engineAgentId ?? settings?.agentId ?? deps.dmAgentId;
}

interface RunSpec {
  prompt: string;
  sessionKey: string;
  engine: string;
  /** The engine's agent (an OpenClaw agent id, an MBE profile). */
  agentId: string;
  /** The bundle's agent (config `agents[].id`): its bot user posts the reply. */
  agent: string;
  /** The agent's instructions, for engines that take them from the bundle. */
  instructions?: string;
  /** Who sees the run's tool arguments and results (bridge/privacy/). */
  toolOutput: ToolOutputVisibility;
  /** Summaries of long transcripts: each chunk first, then `prompt` over the partial results. */
  mapChunks?: string[];
  /** Images and files of the prompt message (links; the runner fetches them). */
  attachments?: AttachmentRef[];
  /** Regenerate: the attempt at this prompt (protocol/run-id.ts); absent = the first answer. */
  attempt?: number;
  /** Who caused the run, for the rate limit; absent = the prompt's author. */
  actorId?: string;
}

async function rateLimited(deps: ChatDeps, event: AddedMessage, actorId = event.author): Promise<HandleOutcome | undefined> {
  // A prompt taken over from a dead instance was counted when it was first taken (or that
  // instance died before that); one nobody took was not.
  if (!deps.rateLimit || (deps.recovery && !deps.countRateLimit)) return undefined;
  const rate = await deps.rateLimit(actorId, event.groupId);
  if (rate.allowed) return undefined;
  deps.logger.info('refused: rate limit', { scope: rate.scope, userId: actorId, groupId: event.groupId });
  await say(deps, event, TEXT.rateLimited(rate.scope, Math.ceil(rate.retryAfterMs / 1000)));
  return { kind: 'refused', reason: `rate-limit-${rate.scope}` };
}

async function startRun(deps: ChatDeps, event: AddedMessage, spec: RunSpec): Promise<HandleOutcome> {
  const runId = runIdFor(event.messageId, spec.attempt);
  const overBudget = event.groupId && deps.budget ? await deps.budget(event.groupId, spec.agent) : undefined;
  if (overBudget && !overBudget.allowed) {
    deps.logger.info('refused: monthly token budget used up', { groupId: event.groupId, agentId: overBudget.agentId, userId: event.author, month: overBudget.month, used: overBudget.used, budget: overBudget.budget });
    const agentName = overBudget.agentId ? deps.agents.byId(overBudget.agentId)?.nickname : undefined;
    await say(deps, event, TEXT.budgetExceeded(overBudget.month, overBudget.used, overBudget.budget, overBudget.renewsOn, agentName));
    return { kind: 'refused', reason: 'budget' };
  }
  const job: RunJob = {
    engineId: spec.engine,
    agent: spec.agent,
    request: {
      runId,
      sessionKey: spec.sessionKey,
      agentId: spec.agentId,
      ...(spec.instructions ? { instructions: spec.instructions } : {}),
      prompt: spec.prompt,
      requester: { userId: event.author },
      origin: { converseId: event.converseId, messageId: event.messageId, ...(event.groupId ? { groupId: event.groupId } : {}) },
      ...(spec.attachments?.length ? { attachments: spec.attachments } : {}),
    },
    target: {
      converseId: event.converseId,
      ...(event.groupId ? { groupId: event.groupId } : {}),
      audience: event.groupId ? { room: event.converseId } : { users: await dmMembers(deps, event) },
      replyTo: { _id: event.messageId, author: event.author, content: event.content.slice(0, 200) },
    },
    ...(spec.mapChunks ? { mapChunks: spec.mapChunks } : {}),
    toolOutput: spec.toolOutput,
    ...(spec.actorId && spec.actorId !== event.author ? { actorId: spec.actorId } : {}),
    // Nobody else sees a DM to decide its approvals: only a global approver may decide their own.
    ...(event.groupId ? {} : { selfApproval: maySelfApproveInDm(deps.access, event.author) }),
    ...(deps.recovery ? { recovery: deps.recovery } : {}),
  };
  try {
    if ((await deps.runner.start(job)) === false) return { kind: 'refused', reason: 'already-started', runId };
  } catch (err) {
    deps.logger.error('could not hand the run to a runner', { runId, error: err instanceof Error ? err.message : String(err) });
    await say(deps, event, TEXT.unavailable);
    return { kind: 'refused', reason: 'runner-unavailable' };
  }
  return { kind: 'started', runId, sessionKey: spec.sessionKey, engine: spec.engine };
}

async function runCommand(
  decision: Extract<Decision, { kind: 'command' }>,
  event: AddedMessage,
  where: Omit<RunSpec, 'prompt' | 'mapChunks'> & { stopKeys: string[] },
  settings: GroupSettings | undefined,
  deps: ChatDeps,
  reader: ReadGrant,
  scope: Grant['scope'],
): Promise<HandleOutcome> {
  const { sessionKey, engine, stopKeys, ...spec } = where;
  switch (decision.command) {
    case 'summarize':
      return summarize(decision.arg, event, { sessionKey, engine, ...spec }, deps, reader);
    case 'help':
      await say(deps, event, TEXT.help(settings?.prefix ?? '/ai'));
      break;
    case 'stop': {
      // The Stop button's rule (bridge/policy/): without `approve`, only your own runs stop.
      let stopped = false;
      for (const key of stopKeys) if (await deps.runner.abortSession(key, scope === 'own' ? event.author : undefined)) stopped = true;
      // A stopped run posts its own "stopped" reply; only say something when nothing ran — and
      // not to a bare "stop" nobody addressed to the agent (people say it to each other too).
      if (!stopped && !decision.unaddressed) await say(deps, event, scope === 'own' ? TEXT.nothingOfYoursToStop : TEXT.nothingToStop);
      break;
    }
    case 'stats':
      await say(deps, event, await deps.runner.stats(engine, event.author));
      break;
    case 'new':
      await deps.runner.reset(engine, sessionKey);
      await say(deps, event, TEXT.newConversation);
      break;
    case 'remind':
    case 'schedule': {
      const client = deps.runner.automations;
      if (!event.groupId || !client || !deps.automations) {
        await say(deps, event, SCHEDULE_TEXT.disabled);
        break;
      }
      const groupId = event.groupId;
      const context: ScheduleCommandContext = {
        client,
        settings: deps.automations,
        groupTimeZone: settings?.timeZone ?? undefined,
        groupId,
        converseId: event.converseId,
        messageId: event.messageId,
        author: event.author,
        agentId: spec.agent,
        engine,
        engineAgentId: spec.agentId,
        sessionKey,
        mayChange: () => authorize('changeAutomation', event.author, { groupId }, { can: deps.can, config: deps.access }),
        nicknameOf: async (userId) => (await deps.host.getUserInfo(userId).catch(() => null))?.nickname ?? userId,
        ...(deps.audit ? { audit: (action: AuditAction, details: Record<string, unknown>) => deps.audit!(groupId, event.author, action, details) } : {}),
      };
      try {
        await say(deps, event, decision.command === 'remind' ? await remind(decision.arg, context) : await schedule(decision.arg, context));
      } catch (err) {
        deps.logger.error('scheduled tasks: the runner failed', { command: decision.command, groupId, error: err instanceof Error ? err.message : String(err) });
        await say(deps, event, TEXT.unavailable);
      }
      break;
    }
  }
  return { kind: 'command', command: decision.command };
}

async function dmMembers(deps: ChatDeps, event: AddedMessage): Promise<string[]> {
  return deps.host.getConverseMembers(event.converseId, deps.botUserId);
}

/**
 * A short plain reply from the bot, as a reply to the message that caused it. Some come from the
 * engine (/stats), so they are made inert as BBCode like every reply.
 */
async function say(deps: ChatDeps, event: AddedMessage, text: string): Promise<void> {
  if (deps.respond) return deps.respond(text);
  try {
    await deps.host.sendMessage(deps.botUserId, {
      converseId: event.converseId,
      ...(event.groupId ? { groupId: event.groupId } : {}),
      content: neutralizeBBCode(text),
      meta: { reply: { _id: event.messageId, author: event.author, content: event.content.slice(0, 200) } },
    });
  } catch (err) {
    deps.logger.error('could not post a reply', { converseId: event.converseId, error: err instanceof Error ? err.message : String(err) });
  }
}

async function summarize(arg: string | undefined, event: AddedMessage, where: Omit<RunSpec, 'prompt' | 'mapChunks'>, deps: ChatDeps, reader: ReadGrant): Promise<HandleOutcome> {
  const limited = await rateLimited(deps, event, where.actorId);
  if (limited) return limited;
  const source = await selectSummarySource(parseSummaryRequest(arg), event, reader, deps.host, deps.botUserId);
  if (!source.ok) {
    await say(deps, event, source.reply);
    return { kind: 'command', command: 'summarize' };
  }
  const lines = await transcriptLines(deps.host, source.messages, deps.botUserId);
  if (lines.length === 0) {
    await say(deps, event, TEXT.nothingToSummarize);
    return { kind: 'command', command: 'summarize' };
  }
  // The window follows the prompt limit: a long history is summarized in parts, never cut off.
  const chunks = chunkLines(lines, Math.max(500, deps.maxPromptChars - 600));
  // Its own session: a summary neither reads nor pollutes the group's conversation memory.
  const sessionKey = `${where.sessionKey}:summary:${event.messageId.toLowerCase()}`;
  const outcome = await startRun(deps, event, {
    ...where,
    sessionKey,
    prompt: chunks.length === 1 ? `${source.instruction}\n\n${chunks[0]}` : source.combine,
    ...(chunks.length > 1 ? { mapChunks: chunks } : {}),
  });
  return outcome.kind === 'started' ? { kind: 'command', command: 'summarize' } : outcome;
}
