import React, { Suspense } from 'react';
import { knownBlock } from '../../../../protocol/blocks';
import type { AnyBlock } from '../../../../protocol/blocks';
import { ErrorBoundary } from '../ErrorBoundary';
import { FallbackPanel, LoadingPanel } from '../panels/FallbackPanel';
import { getPanel } from '../registry';
import type { PanelContext } from '../registry';

const BUILTIN_TYPES = new Set<string>(knownBlock.options.map((option) => option.shape.type.value));

/** The block itself if its panel may render it (schema / validator passed), else null. */
function checked(block: AnyBlock, validate: ((block: AnyBlock) => boolean) | undefined): AnyBlock | null {
  if (BUILTIN_TYPES.has(block.type)) {
    const result = knownBlock.safeParse(block);
    if (!result.success) return null;
  }
  if (!validate) return block;
  try {
    return validate(block) ? block : null;
  } catch {
    return null;
  }
}

/**
 * One block through the registry: its panel if one is registered and the data fits, else the
 * readable fallback. Each block has its own error boundary, so one bad panel costs one block.
 */
export function BlockView(props: { block: AnyBlock; context: PanelContext }): React.ReactElement {
  const { block, context } = props;
  const entry = getPanel(block.type);
  const valid = entry ? checked(block, entry.validate) : null;
  const Panel = entry?.component;
  return (
    <div className="tcai-block" data-block-type={block.type}>
      {Panel && valid ? (
        <ErrorBoundary resetKey={block} fallback={<FallbackPanel block={block} reason="invalid" />}>
          <Suspense fallback={<LoadingPanel block={block} />}>
            <Panel block={valid} context={context} />
          </Suspense>
        </ErrorBoundary>
      ) : (
        <FallbackPanel block={block} reason={entry ? 'invalid' : 'unknown'} />
      )}
    </div>
  );
}
