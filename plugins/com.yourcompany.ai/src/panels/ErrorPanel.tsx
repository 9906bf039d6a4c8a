import React from 'react';
import type { ErrorBlock } from '../../../../protocol/blocks';
import { t } from '../i18n';
import type { PanelProps } from '../registry';

/** Block `error`: what went wrong, by kind, with the engine's message. */
export default function ErrorPanel({ block }: PanelProps<ErrorBlock>): React.ReactElement {
  return (
    <div className="tcai-card tcai-error" data-testid="tcai-error" data-kind={block.kind} role="alert">
      <div className="tcai-card-header">
        <span aria-hidden="true">⚠</span>
        <strong>{t(`error.${block.kind}`)}</strong>
      </div>
      {block.message && <div className="tcai-card-body tcai-prewrap">{block.message}</div>}
    </div>
  );
}
