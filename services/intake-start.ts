/**
 * The intake sweep of the chat service (bridge/intake/sweep.ts) on a timer: one sweep at a time,
 * started once the plugin bot is known and group data of earlier versions is in the store, and
 * stopped (waiting for a sweep under way) when the service stops.
 */
import type { Context, ServiceBroker } from 'moleculer';
import type { Db } from 'mongodb';
import { addressedDecision, handleMessageEvent, type ChatDeps } from '../bridge/chat/handle-message.js';
import type { EngineLogger } from '../bridge/engine/logger.js';
import type { IntakeJournal } from '../bridge/intake/journal.js';
import { createStoredMessageReader } from '../bridge/intake/stored-messages.js';
import { createIntakeSweep, type IntakeTiming, type Recovery } from '../bridge/intake/sweep.js';
import { trackSizes } from '../bridge/observability/metrics.js';

export interface IntakeSweepStart {
  broker: ServiceBroker;
  journal: IntakeJournal;
  /** Tailchat's database (the plugin store's): its `messages` collection is read. */
  db: Db;
  timing: IntakeTiming & { sweepMs: number };
  logger: EngineLogger;
  /** Settles when the service may read group settings (the move from group data is done). */
  ready(): Promise<void>;
  /** The chat core's deps for a sweep's work (throws while the plugin bot is not known yet). */
  chatDeps(ctx: Context, recovery: Recovery): Promise<ChatDeps>;
}

export function startIntakeSweep(o: IntakeSweepStart): () => Promise<void> {
  const { broker, logger } = o;
  // Not inside an event: the sweep's calls get a context of their own.
  const ctx = () => broker.ContextFactory.create(broker);
  const sweep = createIntakeSweep({
    node: broker.nodeID,
    journal: o.journal,
    messages: createStoredMessageReader(o.db),
    timing: o.timing,
    logger,
    async isAddressed(event) {
      // Silent: a refusal said here would be said a second time.
      const deps = { ...(await o.chatDeps(ctx(), 'unstarted')), respond: async () => undefined };
      const decision = await addressedDecision(event, deps);
      // Refused only when the place's settings are unreadable: in doubt, take it.
      return decision.kind !== 'ignored';
    },
    answers: (event) => (agentUsers?.has(event.author) ? event.meta.reply?._id : undefined),
    async handle(event, recovery, uncounted) {
      const deps = { ...(await o.chatDeps(ctx(), recovery)), ...(uncounted ? { countRateLimit: true as const } : {}) };
      const outcome = await handleMessageEvent(event, deps);
      logger.info('intake: swept message handled', { messageId: event.messageId, recovery, outcome: outcome.kind, ...('reason' in outcome ? { reason: outcome.reason } : {}) });
      // Not for the agent after all (its settings changed): nothing more will happen.
      if (recovery === 'unstarted' && (outcome.kind === 'ignored' || outcome.kind === 'invalid')) await o.journal.mark(event.messageId, 'settled');
    },
  });
  const untrack = trackSizes(() => sweep.sizes());

  /** The agents' bot users: their messages answer prompts. */
  let agentUsers: ReadonlySet<string> | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;
  const tick = async () => {
    try {
      await o.ready();
      agentUsers ??= new Set((await o.chatDeps(ctx(), 'unstarted')).agents.userIds);
      const report = await sweep.sweep();
      if (report.taken || report.rechecked) logger.info('intake: sweep', { ...report });
    } catch (err) {
      logger.warn('intake: sweep failed; trying again at the next one', { error: err instanceof Error ? err.message : String(err) });
    }
  };
  const timer = setInterval(() => {
    if (stopped || running) return; // a slow sweep is not queued behind
    running = tick().finally(() => (running = undefined));
  }, o.timing.sweepMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    untrack();
    await running;
  };
}
