/**
 * Shows a run to the people in the converse. Tailchat has no edit action, so while the run
 * streams the reply is an unpersisted draft message pushed over Tailchat's own socket events
 * (`notify:chat.message.add`, then `…update` at the coalesced cadence); when the run ends ONE
 * persisted message carries the final reply and the draft is removed (`…delete`). Clients that
 * reload mid-run get the draft again from the periodic re-announce; history holds only finals.
 */
import { AI_META_KEY, META_VERSION, type AiMeta } from '../../protocol/blocks.js';
import { attemptMetaOf } from '../../protocol/run-id.js';
import { agentReplyOf } from '../message/agent-reply.js';
import { neutralizeBBCode } from '../message/neutralize.js';
import { createCoalescer } from '../stream/coalescer.js';
import { toBlocks, toPlainText, type ReplyState } from '../stream/reply-state.js';
import type { HistoryMessage, OutgoingMessage, SentMessage, TailchatHost } from '../tailchat/host.js';
import { draftMessageId } from './object-id.js';
import { splitLongText } from './split.js';

export interface ReplyTarget {
  converseId: string;
  groupId?: string;
  /** Group panels are socket rooms; DMs are pushed to each member. */
  audience: { room: string } | { users: string[] };
  replyTo?: { _id: string; author: string; content: string };
}

export interface ReplyPublisherOptions {
  host: TailchatHost;
  botUserId: string;
  target: ReplyTarget;
  runId: string;
  engineId: string;
  requesterId: string;
  intervalMs: number;
  maxReplyChars: number;
  onError: (err: unknown, phase: 'draft' | 'final') => void;
  /** Pause before checking whether a failed store went through (tests shorten it); doubles up to 10 s. */
  retryDelayMs?: number;
  /** How long a final reply is retried while Tailchat is unreachable (default 2 min). */
  storeRetryBudgetMs?: number;
  /** Called as a live push goes to Tailchat, with the ms since the engine event it shows (metrics). */
  onLive?: (sinceEventMs: number) => void;
  /** How often the whole draft is announced again for clients that (re)loaded mid-run. */
  reannounceMs?: number;
  /** The draft's message id (default: a new one); a runner adopting a run continues the same draft. */
  draftId?: string;
  /** Draft and stored reply show tool cards without arguments and results (bridge/privacy/). */
  privateTools?: boolean;
  now?: () => number;
}

export interface ReplyPublisher {
  /** `eventAt` (`now()` clock): when the engine event behind this state arrived, if one did. */
  update(state: ReplyState, eventAt?: number): void;
  /** Persists the final reply (unless there is nothing to say) and removes the draft. */
  finish(state: ReplyState): Promise<SentMessage | null>;
  readonly liveUpdates: number;
}

export function createReplyPublisher(o: ReplyPublisherOptions): ReplyPublisher {
  const draftId = o.draftId ?? draftMessageId();
  // Without broker access (bot mode) there is no socket push: only the final message is stored.
  const liveDrafts = o.host.liveDrafts !== false;
  const createdAt = new Date().toISOString();
  let draftShown = false;
  let announcedAt = 0;
  let offered: ReplyState | undefined;
  let textOffered = false;

  // A regenerated reply says which attempt it is, so the panel can page between attempts.
  const attempt = attemptMetaOf(o.runId);
  const attemptField = attempt ? { attempt } : {};
  const metaOf = (state: ReplyState): AiMeta => ({
    v: META_VERSION,
    runId: o.runId,
    engine: o.engineId,
    status: state.status,
    ...(state.reconnecting ? { phase: 'reconnecting' as const } : {}),
    blocks: toBlocks(state, { privateTools: o.privateTools === true }),
    requester: o.requesterId,
    ...attemptField,
  });
  // Neutralised as stored: each part is parsed on its own by the clients.
  const contentOf = (state: ReplyState) => neutralizeBBCode(clip(toPlainText(state), o.maxReplyChars));
  const partsOf = (state: ReplyState) => splitLongText(toPlainText(state), o.maxReplyChars).map(neutralizeBBCode);
  const metaField = (state: ReplyState) => ({ [AI_META_KEY]: metaOf(state), ...(o.target.replyTo ? { reply: o.target.replyTo } : {}) });

  const now = o.now ?? (() => performance.now());
  const live = createCoalescer<{ state: ReplyState; eventAt?: number }>({
    intervalMs: o.intervalMs,
    onError: (err) => o.onError(err, 'draft'),
    publish: async ({ state, eventAt }) => {
      const patch = { _id: draftId, converseId: o.target.converseId, content: contentOf(state) || '…', meta: metaField(state) };
      if (eventAt !== undefined) o.onLive?.(now() - eventAt);
      shownPatch = patch;
      if (!draftShown) {
        draftShown = true;
        await announce(patch);
        startReannouncing();
      } else {
        await o.host.notify(o.target.audience, 'notify:chat.message.update', patch);
      }
    },
  });

  type DraftPatch = { _id: string; converseId: string; content: string; meta: Record<string, unknown> };
  let shownPatch: DraftPatch | undefined;
  const announce = (patch: DraftPatch) => {
    announcedAt = now();
    return o.host.notify(o.target.audience, 'notify:chat.message.add', {
      ...patch,
      ...(o.target.groupId ? { groupId: o.target.groupId } : {}),
      author: o.botUserId,
      reactions: [],
      hasRecall: false,
      // The web client treats it as not yet stored: no reactions or ack for an id that will vanish.
      isLocal: true,
      createdAt,
      updatedAt: new Date().toISOString(),
    });
  };
  /**
   * A client that reloaded mid-run fetched history without the draft and drops updates for ids it
   * does not have; its message list ignores an `add` of an id it already has (uniqBy _id). So the
   * shown draft is announced again every `reannounceMs`, also while nothing changes (a pending
   * approval): it costs the others nothing.
   */
  let reannouncer: NodeJS.Timeout | undefined;
  let reannouncing: Promise<void> | undefined;
  const startReannouncing = () => {
    const every = o.reannounceMs ?? 2_000;
    reannouncer = setInterval(() => {
      if (!shownPatch || reannouncing || now() - announcedAt < every) return;
      reannouncing = announce(shownPatch)
        .catch((err) => o.onError(err, 'draft'))
        .finally(() => (reannouncing = undefined));
    }, every);
    reannouncer.unref?.();
  };

  /**
   * Stores one part. When the call fails, the message may still have been stored (the answer was
   * lost on the way back): look before sending again, so a reply is never doubled nor lost.
   * While Tailchat cannot be reached at all (its NATS/Redis restarting: Moleculer's errors are then
   * `retryable`) neither the look-up nor a send can succeed: keep looking with growing pauses, and
   * send again only after a look-up that worked and found nothing, for up to `storeRetryBudgetMs`;
   * then the run is logged as not reported. A refusal that is not an outage is retried once.
   */
  const storeOnce = async (message: OutgoingMessage, partIndex: number): Promise<SentMessage> => {
    const giveUpAt = Date.now() + (o.storeRetryBudgetMs ?? 120_000);
    let pause = o.retryDelayMs ?? 500;
    let lastError: unknown;
    const send = async (): Promise<SentMessage | undefined> => {
      try {
        return await o.host.sendMessage(o.botUserId, message);
      } catch (err) {
        o.onError(err, 'final');
        lastError = err;
        return undefined;
      }
    };
    const sent = await send();
    if (sent) return sent;
    while (Date.now() < giveUpAt) {
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 10_000);
      let recent: HistoryMessage[];
      try {
        recent = await o.host.fetchConverseMessages(o.target.converseId, undefined, o.botUserId);
      } catch (err) {
        lastError = err;
        if (isTransient(err)) continue; // Tailchat unreachable: not knowing whether it was stored, never send blind
        recent = []; // refused for good: we cannot look, so send once more
      }
      // Only the bot's own message counts: a member could post one with this run's meta first.
      const stored = recent.find((m) => {
        const reply = agentReplyOf(m, [o.botUserId]);
        return reply?.runId === o.runId && reply.partIndex === partIndex;
      });
      if (stored) return { ...stored, converseId: o.target.converseId };
      const again = await send();
      if (again) return again;
      if (!isTransient(lastError)) break;
    }
    throw lastError;
  };

  return {
    get liveUpdates() {
      return live.published;
    },
    update(state, eventAt) {
      if (!liveDrafts) return;
      // A status or usage event changes nothing on screen: no push, and no slot taken from the
      // text that follows.
      if (offered && sameView(offered, state)) return;
      offered = state;
      // The first words go out at once: the wait for them is what people notice most.
      const firstText = !textOffered && state.text !== '';
      if (firstText) textOffered = true;
      live.update(eventAt === undefined ? { state } : { state, eventAt }, { soon: firstText });
    },
    async finish(state) {
      await live.flush();
      live.close();
      clearInterval(reannouncer);
      // An announce still on its way must not arrive after the draft's delete (a ghost draft).
      await reannouncing;
      let sent: SentMessage | null = null;
      const hasSomething = state.text.trim() !== '' || state.tools.length > 0 || state.approvals.length > 0 || state.status !== 'done';
      try {
        if (hasSomething) {
          // A reply too long for one message never vanishes: it is stored in parts, in order.
          const parts = partsOf(state);
          const where = { converseId: o.target.converseId, ...(o.target.groupId ? { groupId: o.target.groupId } : {}) };
          for (const [i, content] of parts.entries()) {
            const part = parts.length > 1 ? { part: { index: i + 1, count: parts.length } } : {};
            const meta =
              i === 0
                ? { ...metaField(state), [AI_META_KEY]: { ...metaOf(state), ...part } }
                : { [AI_META_KEY]: { ...metaOf(state), blocks: [], ...part } };
            const message = await storeOnce({ ...where, content, meta }, i + 1);
            sent ??= message;
          }
        }
      } finally {
        // The draft goes only after the final message is stored: nobody sees a gap.
        if (draftShown) {
          await o.host
            .notify(o.target.audience, 'notify:chat.message.delete', { converseId: o.target.converseId, messageId: draftId })
            .catch((err) => o.onError(err, 'draft'));
        }
      }
      return sent;
    },
  };
}

/** Moleculer marks the errors of an unreachable peer (disconnected, timed out, not found) retryable. */
const isTransient = (err: unknown) => (err as { retryable?: unknown } | null)?.retryable === true;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Whether two states render the same draft (states are immutable: unchanged parts keep their identity). */
function sameView(a: ReplyState, b: ReplyState): boolean {
  return (
    a.status === b.status &&
    a.text === b.text &&
    a.tools === b.tools &&
    a.approvals === b.approvals &&
    a.error === b.error &&
    a.badges === b.badges &&
    a.queuePosition === b.queuePosition &&
    a.reconnecting === b.reconnecting &&
    a.abortReason === b.abortReason
  );
}
