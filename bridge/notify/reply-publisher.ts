/**
 * Shows a run to the people in the converse. Tailchat has no edit action, so while the run
 * streams the reply is an unpersisted draft message pushed over Tailchat's own socket events
 * (`notify:chat.message.add`, then `…update` at the coalesced cadence); when the run ends ONE
 * persisted message carries the final reply and the draft is removed (`…delete`). Reloads and
 * late joiners therefore see only the final message, never a half one.
 */
import { AI_META_KEY, META_VERSION, type AiMeta } from '../../protocol/blocks.js';
import { neutralizeBBCode } from '../message/bbcode.js';
import { createCoalescer } from '../stream/coalescer.js';
import { toBlocks, toPlainText, type ReplyState } from '../stream/reply-state.js';
import type { OutgoingMessage, SentMessage, TailchatHost } from '../tailchat/host.js';
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
  /** Pause before checking whether a failed store went through (tests shorten it). */
  retryDelayMs?: number;
  /** Called as a live push goes to Tailchat, with the ms since the engine event it shows (metrics). */
  onLive?: (sinceEventMs: number) => void;
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
  const draftId = draftMessageId();
  // Without broker access (bot mode) there is no socket push: only the final message is stored.
  const liveDrafts = o.host.liveDrafts !== false;
  const createdAt = new Date().toISOString();
  let draftShown = false;

  const metaOf = (state: ReplyState): AiMeta => ({
    v: META_VERSION,
    runId: o.runId,
    engine: o.engineId,
    status: state.status,
    blocks: toBlocks(state),
    requester: o.requesterId,
  });
  const contentOf = (state: ReplyState) => clip(neutralizeBBCode(toPlainText(state)), o.maxReplyChars);
  const partsOf = (state: ReplyState) => splitLongText(neutralizeBBCode(toPlainText(state)), o.maxReplyChars);
  const metaField = (state: ReplyState) => ({ [AI_META_KEY]: metaOf(state), ...(o.target.replyTo ? { reply: o.target.replyTo } : {}) });

  const now = o.now ?? (() => performance.now());
  const live = createCoalescer<{ state: ReplyState; eventAt?: number }>({
    intervalMs: o.intervalMs,
    onError: (err) => o.onError(err, 'draft'),
    publish: async ({ state, eventAt }) => {
      const patch = { _id: draftId, converseId: o.target.converseId, content: contentOf(state) || '…', meta: metaField(state) };
      if (eventAt !== undefined) o.onLive?.(now() - eventAt);
      if (!draftShown) {
        draftShown = true;
        await o.host.notify(o.target.audience, 'notify:chat.message.add', {
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
      } else {
        await o.host.notify(o.target.audience, 'notify:chat.message.update', patch);
      }
    },
  });

  /**
   * Stores one part. When the call fails, the message may still have been stored (the answer was
   * lost on the way back): look before sending again, so a reply is never doubled nor lost.
   */
  const storeOnce = async (message: OutgoingMessage, partIndex: number): Promise<SentMessage> => {
    try {
      return await o.host.sendMessage(o.botUserId, message);
    } catch (err) {
      o.onError(err, 'final');
      await new Promise((r) => setTimeout(r, o.retryDelayMs ?? 500));
      const recent = await o.host.fetchConverseMessages(o.target.converseId, undefined, o.botUserId).catch(() => []);
      const stored = recent.find((m) => {
        const meta = m.meta?.[AI_META_KEY] as { runId?: string; part?: { index: number } } | undefined;
        return m.author === o.botUserId && meta?.runId === o.runId && (meta.part?.index ?? 1) === partIndex;
      });
      if (stored) return { ...stored, converseId: o.target.converseId };
      return o.host.sendMessage(o.botUserId, message);
    }
  };

  return {
    get liveUpdates() {
      return live.published;
    },
    update(state, eventAt) {
      if (liveDrafts) live.update(eventAt === undefined ? { state } : { state, eventAt });
    },
    async finish(state) {
      await live.flush();
      live.close();
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

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
