/**
 * "Summarize thread" under a message that belongs to a reply thread (it replies to a message, or
 * a message replies to it). Tailchat 1.11.11 offers plugins no entry in a message's own "…" menu
 * (useChatMessageItemAction builds a fixed list), so this is a small link shown while the
 * message is hovered or focused, rendered through regMessageExtraParser.
 */
import React, { useState } from 'react';
import { getGlobalState } from '@capital/common';
import type { ChatMessagePayload } from '@capital/common';
import { t } from '../i18n';
import { summarizeThread } from './command';

const repliedIdsCache = new WeakMap<ChatMessagePayload[], Set<string>>();

/** Ids that messages of the converse reply to (memoized per message array of the store). */
function repliedIds(converseId: string): Set<string> {
  const messages = getGlobalState()?.chat?.converses?.[converseId]?.messages;
  if (!messages) return new Set();
  let ids = repliedIdsCache.get(messages);
  if (!ids) {
    ids = new Set();
    for (const m of messages) {
      const reply = (m.meta as { reply?: { _id?: unknown } } | undefined)?.reply?._id;
      if (typeof reply === 'string') ids.add(reply);
    }
    repliedIdsCache.set(messages, ids);
  }
  return ids;
}

export function isInThread(message: ChatMessagePayload): boolean {
  if (message.isLocal || message.hasRecall) return false;
  const reply = (message.meta as { reply?: { _id?: unknown } } | undefined)?.reply?._id;
  return typeof reply === 'string' || repliedIds(message.converseId).has(message._id);
}

export function ThreadSummaryAction({ message }: { message: ChatMessagePayload }): React.ReactElement {
  const [sent, setSent] = useState(false);
  return (
    <button
      type="button"
      className="tcai-thread-action"
      data-testid="tcai-summarize-thread"
      title={t('summarize.threadTitle')}
      disabled={sent}
      onClick={() => {
        setSent(true);
        void summarizeThread(message).finally(() => setTimeout(() => setSent(false), 3000));
      }}
    >
      {t('summarize.thread')}
    </button>
  );
}
