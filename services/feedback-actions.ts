/**
 * The chat service's feedback actions: `voteReply`, `getMyVotes`, `getFeedback` (who may call
 * them: bridge/policy/table.ts; what a vote is about: bridge/feedback/votes.ts). Kept out of
 * ai.service.ts so that file stays the message path.
 */
import type { Context } from 'moleculer';
import moleculer from 'moleculer';
import type { EngineLogger as Logger } from '../bridge/engine/logger.js';
import type { AgentDirectory } from '../bridge/agents/directory.js';
import { feedbackReportOf, reportStart, REPORT_READ_CAP } from '../bridge/feedback/report.js';
import { NOT_VOTABLE_TEXT, votableReply, type FeedbackStore, type StoredReply } from '../bridge/feedback/votes.js';
import type { Grant, PolicyTarget } from '../bridge/policy/authorize.js';
import type { PolicyAction } from '../bridge/policy/table.js';
import { FEEDBACK_ACTIONS, getFeedbackParams, getMyVotesParams, voteReplyParams, type FeedbackReport, type MyVotesView } from '../protocol/feedback.js';
import { callRunner } from '../protocol/runner.js';

const { MoleculerClientError } = moleculer.Errors;

type AuthedContext<P> = Context<P, { userId?: string }>;
type Schema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } };

export interface FeedbackHelpers {
  /** The plugin's database: without it no vote is kept. */
  store(): FeedbackStore | undefined;
  agents(): Promise<{ directory: AgentDirectory }>;
  logger(): Logger;
  requireUser(ctx: AuthedContext<unknown>): string;
  require(action: PolicyAction, userId: string, target: PolicyTarget): Promise<Grant>;
  parse<T>(schema: Schema<T>, value: unknown): T;
  fromStore<T>(work: Promise<T>): Promise<T>;
  now?: () => Date;
}

export const FEEDBACK_NOT_KEPT_TEXT = 'This server keeps no feedback: the AI plugin has no database (AI_MONGO_URL).';
const DEFAULT_REPORT_WEEKS = 8;

export function createFeedbackActions(h: FeedbackHelpers) {
  const now = h.now ?? (() => new Date());
  return {
    [FEEDBACK_ACTIONS.voteReply]: {
      params: { messageId: 'string', vote: 'string' },
      async handler(ctx: AuthedContext<unknown>): Promise<{ vote: 'up' | 'down' | null }> {
        const userId = h.requireUser(ctx);
        const p = h.parse(voteReplyParams, ctx.params);
        // Read as the caller: Tailchat answers only members of the group or DM the message is in.
        const message = (await ctx.call('chat.message.getMessage', { messageId: p.messageId }, { meta: { userId } }).catch(() => null)) as StoredReply | null;
        if (!message) throw new MoleculerClientError('That reply is not visible to you.', 404, 'NOT_FOUND');
        const groupId = message.groupId ? String(message.groupId) : undefined;
        await h.require('voteReply', userId, { groupId, converseId: String(message.converseId) });
        const { directory } = await h.agents();
        const reply = votableReply(message, directory.userIds);
        if (!reply.votable) throw new MoleculerClientError(NOT_VOTABLE_TEXT[reply.why], reply.why === 'not-finished' ? 409 : 422, reply.why.toUpperCase().replace(/-/g, '_'));
        const store = h.store();
        if (!store) throw new MoleculerClientError(FEEDBACK_NOT_KEPT_TEXT, 503, 'NOT_KEPT');
        const agent = directory.byUserId(reply.agentUserId);
        if (!agent) throw new MoleculerClientError(NOT_VOTABLE_TEXT['not-an-agent-reply'], 422, 'NOT_AN_AGENT_REPLY');
        if (p.vote === 'none') {
          await h.fromStore(store.remove(reply.runId, userId));
          return { vote: null };
        }
        await h.fromStore(
          store.put({
            runId: reply.runId,
            messageId: p.messageId,
            converseId: reply.converseId,
            ...(reply.groupId ? { groupId: reply.groupId } : {}),
            agentId: agent.id,
            engine: reply.engine,
            userId,
            vote: p.vote,
            ...(p.vote === 'down' && p.comment ? { comment: p.comment } : {}),
            at: now().toISOString(),
          }),
        );
        // Metrics may be lost (no runner up): the vote itself is stored.
        await callRunner(ctx, 'countFeedback', { agent: agent.id, engine: reply.engine, vote: p.vote }).catch((err: unknown) =>
          h.logger().warn('feedback vote not counted in metrics (no runner answered)', { error: err instanceof Error ? err.message : String(err) }),
        );
        return { vote: p.vote };
      },
    },
    [FEEDBACK_ACTIONS.getMyVotes]: {
      params: { messageIds: 'array' },
      async handler(ctx: AuthedContext<unknown>): Promise<MyVotesView> {
        const userId = h.requireUser(ctx);
        const p = h.parse(getMyVotesParams, ctx.params);
        await h.require('getMyVotes', userId, {});
        const store = h.store();
        if (!store) return { votes: {}, kept: false };
        // Only the caller's own votes: naming someone else's message finds nothing.
        return { votes: await h.fromStore(store.mine(userId, p.messageIds)), kept: true };
      },
    },
    [FEEDBACK_ACTIONS.getFeedback]: {
      params: { groupId: 'string', weeks: { type: 'number', optional: true, convert: true } },
      async handler(ctx: AuthedContext<unknown>): Promise<FeedbackReport> {
        const userId = h.requireUser(ctx);
        const p = h.parse(getFeedbackParams, ctx.params);
        await h.require('getFeedback', userId, { groupId: p.groupId });
        const store = h.store();
        if (!store) return feedbackReportOf(p.groupId, [], false);
        const since = reportStart(now(), p.weeks ?? DEFAULT_REPORT_WEEKS).toISOString();
        return feedbackReportOf(p.groupId, await h.fromStore(store.since(p.groupId, since, REPORT_READ_CAP)));
      },
    },
  };
}
