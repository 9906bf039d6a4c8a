import React from 'react';
import type { ErrorBlock } from '../../../../protocol/blocks';
import { t } from '../i18n';
import { RegenerateButton, useMayRegenerate } from '../message/RegenerateButton';
import type { PanelProps } from '../registry';

/**
 * Block `error`: what went wrong, by kind, with the engine's message; once the reply has ended in
 * the error (any kind: unavailable, interrupted, timed out, …), a Retry button.
 */
export default function ErrorPanel({ block, context }: PanelProps<ErrorBlock>): React.ReactElement {
  // Retry is the server's Regenerate: offered to those it would let, once the reply has ended.
  const may = useMayRegenerate(context.runId, context.groupId);
  return (
    <div className="tcai-card tcai-error" data-testid="tcai-error" data-kind={block.kind} role="alert">
      <div className="tcai-card-header">
        <span aria-hidden="true">⚠</span>
        <strong>{t(`error.${block.kind}`)}</strong>
      </div>
      {block.message && <div className="tcai-card-body tcai-prewrap">{block.message}</div>}
      {may && context.runStatus === 'error' && (
        <div className="tcai-card-body tcai-actions">
          <RegenerateButton runId={context.runId} kind="retry" />
        </div>
      )}
    </div>
  );
}
