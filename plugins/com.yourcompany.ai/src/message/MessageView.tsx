import React, { useLayoutEffect, useMemo, useSyncExternalStore } from 'react';
import type { ChatMessagePayload } from '@capital/common';
import { aiMeta } from '../../../../protocol/blocks';
import type { AiMeta } from '../../../../protocol/blocks';
import { useKnownAgents } from '../agent-users';
import type { AgentUsers } from '../agent-users';
import { agentOfAuthor } from '../agents';
import { isAgentReply } from '../meta';
import { AI_META_KEY } from '../constants';
import { t } from '../i18n';
import { ta } from './attempt-i18n';
import { usePanelRegistryVersion } from '../registry';
import type { PanelContext } from '../registry';
import { AttemptBar } from './AttemptBar';
import { FINISHED, attemptKeyOf, attemptNumberOf, attemptStore } from './attempts';
import { BlockView } from './BlockView';
import { FeedbackBar } from './FeedbackBar';
import { AiLabel } from './AiLabel';
import { scheduledOf } from './scheduled';
import { ScheduledLabel } from './ScheduledLabel';
import { useJumpTarget } from './scroll-to-reply';
import { RunStatusBar } from './RunStatusBar';

function parseMeta(raw: unknown): AiMeta | null {
  const result = aiMeta.safeParse(raw);
  return result.success ? result.data : null;
}

type Block = AiMeta['blocks'][number];

/** Stable React key: ids where the protocol has them (they survive blocks being inserted). */
function blockKey(block: Block, index: number): string {
  const id = block.toolCallId ?? block.approvalId;
  return typeof id === 'string' ? `${block.type}:${id}` : `${index}:${block.type}`;
}

type Segment = { badges: false; block: Block; index: number } | { badges: true; items: Array<{ block: Block; index: number }> };

/** Consecutive badge blocks share one row; every other block is its own segment. */
function segments(blocks: Block[]): Segment[] {
  const result: Segment[] = [];
  blocks.forEach((block, index) => {
    const last = result[result.length - 1];
    if (block.type !== 'badge') result.push({ badges: false, block, index });
    else if (last && last.badges) last.items.push({ block, index });
    else result.push({ badges: true, items: [{ block, index }] });
  });
  return result;
}

/**
 * The rich view of one AI reply, rendered purely from `meta['com.yourcompany.ai']`. While the
 * run streams, the host merges each `notify:chat.message.update` into the message, this
 * component gets the new meta and re-renders — no socket handling of our own.
 *
 * `data-tcai-rich` marks the message for the stylesheet, which then hides the host's plain-text
 * body of the same message (the `content` fallback for clients without this plugin).
 */
export default function MessageView(props: { message: ChatMessagePayload }): React.ReactElement | null {
  // Only the agent users speak for the agent: on anyone else's message (or before the server
  // has named them) our meta is ignored and the host shows the message's plain text.
  const known = useKnownAgents();
  return known && isAgentReply(props.message, known.userIds) ? (
    <AgentPanel message={props.message} agents={known.userIds} agentName={agentOfAuthor(known, props.message.author)?.nickname} />
  ) : null;
}

function AgentPanel(props: { message: ChatMessagePayload; agents: AgentUsers; agentName: string | undefined }): React.ReactElement {
  const { message, agents } = props;
  usePanelRegistryVersion();
  const raw = message.meta?.[AI_META_KEY];
  const meta = useMemo(() => parseMeta(raw), [raw]);
  // The task that posted this result, if a scheduled task did. Read here, in the agent panel, and
  // nowhere else: the panel exists only for messages of the agent users, so the same meta forged
  // on a member's message shows no "Scheduled" label (only that message's plain text).
  const scheduled = useMemo(() => scheduledOf(message.meta), [message.meta]);

  // Regenerate: every attempt at a prompt is grouped; the newest one's panel shows the attempt
  // picked in its pager, older ones collapse to a line.
  const groupKey = meta ? attemptKeyOf(meta, message.converseId) : '';
  const group = useSyncExternalStore(attemptStore.subscribe, () => attemptStore.group(groupKey));
  // A layout effect: the store's subscribers (a draft this final replaces) re-render before the
  // browser paints, so the reply is never on screen twice. The store checks the author again (it
  // is the one place attempts are grouped).
  useLayoutEffect(() => {
    if (meta) attemptStore.note(meta, message, agents);
  }, [meta, message, agents]);
  // "Show" in the admin list of failed replies (settings/FailuresSection.tsx) lands here.
  useJumpTarget(meta?.runId);
  const ownAttempt = meta ? attemptNumberOf(meta) : 1;
  const superseded = group !== undefined && group.newest > ownAttempt;
  const picked = group?.selected !== ownAttempt ? group?.attempts.find((a) => a.n === group.selected) : undefined;
  const shown = picked ? picked.meta : meta;
  const shownMessageId = picked ? picked.messageId : message._id;

  const context = useMemo(
    (): PanelContext | null =>
      shown && {
        runId: shown.runId,
        runStatus: shown.status,
        engine: shown.engine,
        messageId: shownMessageId,
        converseId: message.converseId,
        groupId: message.groupId,
        requester: shown.requester,
      },
    [shown, shownMessageId, message.converseId, message.groupId]
  );

  if (!meta || !shown || !context) {
    return (
      <div className="tcai-muted tcai-unsupported" data-testid="tcai-unsupported">
        {t('run.unsupported')}
      </div>
    );
  }

  // The stored final of this very attempt is on screen and the runner is about to delete this
  // draft: hide it now, so the reply never shows twice, not even for the moment in between.
  const stored = group?.attempts.find((a) => a.n === ownAttempt);
  if (message.isLocal && stored && stored.messageId !== message._id && FINISHED.has(stored.meta.status)) {
    return <span data-testid="tcai-replaced-draft" data-tcai-rich="" data-tcai-hide-row="" data-run-id={meta.runId} />;
  }

  if (superseded) {
    // A newer attempt replaced this reply in the view; it stays reachable from that one's pager.
    // Later parts of a split reply leave no line at all (the stylesheet hides their row).
    return meta.part && meta.part.index > 1 ? (
      <span data-testid="tcai-superseded-part" data-tcai-rich="" data-tcai-hide-row="" data-run-id={meta.runId} />
    ) : (
      <div className="tcai-muted tcai-superseded" data-testid="tcai-superseded" data-tcai-rich="" data-run-id={meta.runId}>
        {ta('superseded')}
      </div>
    );
  }

  if (meta.part && meta.part.index > 1) {
    // The first part shows the whole reply; this part's text only serves clients without the plugin.
    return (
      <div className="tcai-muted tcai-continuation" data-testid="tcai-continuation" data-tcai-rich="" data-run-id={meta.runId}>
        {t('run.continuation', { index: String(meta.part.index), count: String(meta.part.count) })}
      </div>
    );
  }

  return (
    <div
      className="tcai-message"
      data-testid="tcai-message"
      data-tcai-rich=""
      data-run-id={meta.runId}
      data-run-status={meta.status}
      data-engine={meta.engine}
      data-shown-run-id={shown.runId}
    >
      {segments(shown.blocks).map((segment) =>
        segment.badges ? (
          <div key={`badges:${segment.items[0]?.index}`} className="tcai-badges" data-testid="tcai-badges">
            {segment.items.map(({ block, index }) => (
              <BlockView key={blockKey(block, index)} block={block} context={context} />
            ))}
          </div>
        ) : (
          <BlockView key={blockKey(segment.block, segment.index)} block={segment.block} context={context} />
        )
      )}
      <RunStatusBar runId={shown.runId} status={shown.status} phase={shown.phase} engine={shown.engine} />
      <AttemptBar
        groupKey={groupKey}
        group={group}
        runId={meta.runId}
        groupId={message.groupId}
        finished={FINISHED.has(meta.status)}
        failed={shown.status === 'error' && shown.blocks.some((block) => block.type === 'error')}
      />
      {/* Only a stored reply can be voted on: a live draft (isLocal) is deleted once it is stored. */}
      {shown.status === 'done' && (picked || !message.isLocal) && <FeedbackBar key={shownMessageId} messageId={shownMessageId} />}
      {scheduled && <ScheduledLabel scheduled={scheduled} />}
      <AiLabel agentName={props.agentName} />
    </div>
  );
}
