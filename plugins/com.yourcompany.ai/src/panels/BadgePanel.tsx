import React from 'react';
import type { BadgeBlock } from '../../../../protocol/blocks';
import { t } from '../i18n';
import type { PanelProps } from '../registry';

/** Block `badge`: a small chip (novelty / expert / demo); consecutive badges sit on one line. */
export default function BadgePanel({ block }: PanelProps<BadgeBlock>): React.ReactElement {
  const kind = t(`badge.${block.kind}`);
  return (
    <span className={`tcai-badge tcai-badge-${block.kind}`} data-testid="tcai-badge" data-kind={block.kind} title={kind}>
      <span className="tcai-badge-kind">{kind}</span>
      <span>{block.label}</span>
    </span>
  );
}
