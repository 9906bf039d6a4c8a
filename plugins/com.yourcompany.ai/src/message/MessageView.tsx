import React, { useMemo } from 'react';
import type { ChatMessagePayload } from '@capital/common';
import { aiMeta } from '../../../../protocol/blocks';
import type { AiMeta } from '../../../../protocol/blocks';
import { AI_META_KEY } from '../constants';
import { t } from '../i18n';
import { usePanelRegistryVersion } from '../registry';
import type { PanelContext } from '../registry';
import { BlockView } from './BlockView';
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
export default function MessageView(props: { message: ChatMessagePayload }): React.ReactElement {
  const { message } = props;
  usePanelRegistryVersion();
  const raw = message.meta?.[AI_META_KEY];
  const meta = useMemo(() => parseMeta(raw), [raw]);

  const context = useMemo(
    (): PanelContext | null =>
      meta && {
        runId: meta.runId,
        runStatus: meta.status,
        engine: meta.engine,
        messageId: message._id,
        converseId: message.converseId,
        groupId: message.groupId,
        requester: meta.requester,
      },
    [meta, message._id, message.converseId, message.groupId]
  );

  if (!meta || !context) {
    return (
      <div className="tcai-muted tcai-unsupported" data-testid="tcai-unsupported">
        {t('run.unsupported')}
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
    >
      {segments(meta.blocks).map((segment) =>
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
      <RunStatusBar runId={meta.runId} status={meta.status} engine={meta.engine} />
    </div>
  );
}
