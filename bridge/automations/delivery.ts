/**
 * Delivers what an engine reports about the bundle's jobs into their panels, exactly once over
 * every instance and restart (docs/design/automations.md §2 "Exactly once", "Failure notice",
 * "Orphan"). Every source of an event (live, the `finished` fallback, the history catch-up) ends
 * in `deliver`, and every instance sees every event: the claim in the store picks one poster.
 *
 * - `result`: claim `automation-run:<runId>`, post as the agent's bot, mark posted. A claim whose
 *   holder's lease lapsed is taken over, and the panel is searched for the message first: the
 *   holder may have died between posting and marking.
 * - `failed`: the same for one short notice, claim `automation-failure:<jobId>:<runId>`; a
 *   recurring job gets one per failure streak (an `ok` run ends the streak).
 * - a panel that is gone (or the bot no longer in it) orphans the job: paused at the engine,
 *   never retried. Any other posting error gives the claim up for a later event or the catch-up.
 * - `ended`: the engine disabled a job by itself → `failed`, unless we paused it; a one-shot is
 *   removed from the store once its result is posted.
 *
 * Store errors are thrown (the caller's retry, or the catch-up, comes back to the same claim).
 * Logs carry ids, states and at most 80 characters of the job's name: never message text.
 */
import type { AutomationEvent, AutomationRecord, ScheduledMeta } from '../../protocol/automations.js';
import type { EngineLogger } from '../engine/logger.js';
import { failureNoticeText, oneLine } from './notice.js';
import { failureClaimKey, resultClaimKey, type AutomationJobs, type DeliveryClaims } from './store.js';

export interface DeliveryDeps {
  /** The engine whose events these are (job ids are the engine's). */
  engineId: string;
  claims: DeliveryClaims;
  jobs: AutomationJobs;
  /** Posts as the agent's bot into `record.converseId`, with `scheduled` as meta[SCHEDULED_META_KEY]. */
  post(record: AutomationRecord, text: string, scheduled: ScheduledMeta): Promise<{ messageId: string }>;
  /** The bot's message in the panel whose meta[SCHEDULED_META_KEY].runId is `runId`, if any. */
  findPosted(record: AutomationRecord, runId: string): Promise<string | undefined>;
  /** Disables the job at the engine. */
  pause(record: AutomationRecord): Promise<void>;
  /** The error says the panel or group is gone, or the bot is no longer a member. */
  isGone(err: unknown): boolean;
  /** This instance (Moleculer node id). */
  nodeId: string;
  /** How long a claim is held while posting: longer than a post can take. */
  leaseMs: number;
  logger: EngineLogger;
  now: () => number;
}

export type DeliveryOutcome =
  /** Not one of our jobs (the gateway's own), or an orphaned one. */
  | 'ignored'
  /** This instance posted it. */
  | 'posted'
  /** Taken over from an instance that died after posting: its message was found, not posted again. */
  | 'found'
  /** Posted, or given up, before. */
  | 'delivered-before'
  /** Another instance holds the claim now. */
  | 'held-elsewhere'
  /** A result without text: nothing to post. */
  | 'empty'
  /** A failure inside a streak whose notice was posted: recorded, no notice. */
  | 'quiet'
  /** The panel is gone: the job was paused and marked orphaned. */
  | 'orphaned'
  /** Posting failed: the claim was given up for a later attempt. */
  | 'retry-later'
  /** `ended`: the engine disabled the job by itself; it is now `failed`. */
  | 'disabled'
  /** `ended`: a one-shot whose result was delivered: removed from the store. */
  | 'removed'
  /** `ended`: nothing to change (paused by us, or a one-shot whose result has not come yet). */
  | 'kept';

export interface Delivery {
  deliver(event: AutomationEvent): Promise<DeliveryOutcome>;
}

/** meta.scheduled.runId of a failure notice: never the same as a result's, so findPosted tells them apart. */
export const failureNoticeRunId = (runId: string) => `failed:${runId}`;

export function createDelivery(deps: DeliveryDeps): Delivery {
  const { engineId, claims, jobs, logger } = deps;
  const iso = () => new Date(deps.now()).toISOString();
  const fields = (record: AutomationRecord, extra: Record<string, unknown> = {}) => ({
    engineId,
    jobId: record.jobId,
    groupId: record.groupId,
    converseId: record.converseId,
    name: record.name.slice(0, 80),
    ...extra,
  });
  const errorText = (err: unknown) => oneLine(err instanceof Error ? err.message : String(err), 200);

  /** Panel gone: marked first, so the engine's "disabled" event that follows the pause is not read as a failure. */
  const orphan = async (record: AutomationRecord, err: unknown) => {
    await jobs.setState(engineId, record.jobId, 'orphaned');
    try {
      await deps.pause(record);
    } catch (pauseErr) {
      logger.warn('automation orphaned but not paused at the engine', fields(record, { error: errorText(pauseErr) }));
    }
    logger.warn('automation orphaned: its panel is gone or the bot is no longer a member; paused, not retried', fields(record, { error: errorText(err) }));
  };

  /**
   * Posts `text` once for `key`. `beforePost` runs once the claim is ours (the streak check);
   * false drops the claim without posting.
   */
  const postOnce = async (
    record: AutomationRecord,
    key: string,
    text: string,
    scheduled: ScheduledMeta,
    beforePost: () => Promise<boolean> = async () => true,
  ): Promise<DeliveryOutcome> => {
    const claim = await claims.claim(key, deps.nodeId, deps.leaseMs);
    if (!claim.owned) return claim.claim.state === 'posting' ? 'held-elsewhere' : 'delivered-before';
    if (!(await beforePost())) {
      await claims.dropped(key);
      return 'quiet';
    }
    try {
      if (claim.over) {
        const found = await deps.findPosted(record, scheduled.runId);
        if (found !== undefined) {
          await claims.posted(key, found);
          logger.info('automation delivery taken over: already posted, not posted again', fields(record, { runId: scheduled.runId, messageId: found }));
          return 'found';
        }
      }
      const { messageId } = await deps.post(record, text, scheduled);
      await claims.posted(key, messageId);
      logger.info('automation message posted', fields(record, { runId: scheduled.runId, messageId, over: claim.over }));
      return 'posted';
    } catch (err) {
      if (deps.isGone(err)) {
        await claims.dropped(key);
        await orphan(record, err);
        return 'orphaned';
      }
      await claims.release(key, deps.nodeId);
      logger.warn('automation message not posted; left for a later attempt', fields(record, { runId: scheduled.runId, error: errorText(err) }));
      return 'retry-later';
    }
  };

  const deliverResult = async (record: AutomationRecord, event: Extract<AutomationEvent, { kind: 'result' }>): Promise<DeliveryOutcome> => {
    const scheduled: ScheduledMeta = { jobId: record.jobId, runId: event.runId, name: record.name, creatorId: record.creatorId };
    const outcome = event.text.trim() === '' ? 'empty' : await postOnce(record, resultClaimKey(event.runId), event.text, scheduled);
    if (outcome !== 'posted' && outcome !== 'found' && outcome !== 'empty') return outcome;
    await jobs.recordLast(engineId, record.jobId, { at: iso(), status: 'ok' });
    // A one-shot that succeeded is deleted by the engine: once its result is here, nothing more comes.
    if (record.schedule.kind === 'at' && (await jobs.remove(engineId, record.jobId))) logger.info('one-shot automation delivered; removed', fields(record));
    return outcome;
  };

  const deliverFailure = async (record: AutomationRecord, event: Extract<AutomationEvent, { kind: 'failed' }>): Promise<DeliveryOutcome> => {
    const scheduled: ScheduledMeta = { jobId: record.jobId, runId: failureNoticeRunId(event.runId), name: record.name, creatorId: record.creatorId };
    const recurring = record.schedule.kind !== 'at';
    // Opened only once the claim is ours: a late duplicate of an old failure finds its claim settled
    // and cannot reopen a streak that an `ok` run ended.
    const firstOfStreak = async () => !recurring || (await jobs.openFailureStreak(engineId, record.jobId, event.runId));
    const outcome = await postOnce(record, failureClaimKey(record.jobId, event.runId), failureNoticeText(record.name, event.error), scheduled, firstOfStreak);
    if (outcome !== 'posted' && outcome !== 'found' && outcome !== 'quiet') return outcome;
    const after = await jobs.recordLast(engineId, record.jobId, { at: iso(), status: 'error', error: oneLine(event.error, 500) });
    if (outcome === 'quiet') logger.info('automation failed again in the same streak: no notice', fields(record, { runId: event.runId }));
    // A one-shot the engine already ended (disabled after a permanent error) will not run again.
    if (!recurring && after?.engineEnded && (await jobs.setState(engineId, record.jobId, 'failed', ['active']))) logger.info('one-shot automation failed; marked failed', fields(record));
    return outcome;
  };

  const jobEnded = async (record: AutomationRecord, event: Extract<AutomationEvent, { kind: 'ended' }>): Promise<DeliveryOutcome> => {
    // Still enabled: still scheduled. A removed job is reported as not enabled.
    if (event.enabled) return 'kept';
    const oneShot = record.schedule.kind === 'at';
    const after = await jobs.markEngineEnded(engineId, record.jobId);
    if (!after) return 'ignored';
    if (oneShot && after.record.last?.status === 'ok') {
      await jobs.remove(engineId, record.jobId);
      return 'removed';
    }
    // Its run's outcome has not been delivered yet: the result (or the catch-up) finishes it.
    if (oneShot && after.record.last?.status !== 'error') return 'kept';
    const disabled = await jobs.setState(engineId, record.jobId, 'failed', ['active']);
    if (disabled) logger.warn('automation disabled by the engine; marked failed', fields(record));
    return disabled ? 'disabled' : 'kept';
  };

  return {
    async deliver(event) {
      const record = await jobs.get(engineId, event.jobId);
      if (!record) {
        logger.debug?.('automation event for a job not in the store: ignored', { engineId, jobId: event.jobId, kind: event.kind });
        return 'ignored';
      }
      if (event.kind === 'ended') return jobEnded(record, event);
      if (record.state === 'orphaned') {
        logger.info('automation event for an orphaned job: ignored', fields(record, { kind: event.kind }));
        return 'ignored';
      }
      return event.kind === 'result' ? deliverResult(record, event) : deliverFailure(record, event);
    },
  };
}
