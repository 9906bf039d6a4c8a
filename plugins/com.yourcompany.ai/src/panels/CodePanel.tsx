import React from 'react';
import type { CodeBlock } from '../../../../protocol/blocks';
import type { PanelProps } from '../registry';
import { CodeView } from './CodeView';

/** Block `code`: highlighted source with a copy button. */
export default function CodePanel({ block }: PanelProps<CodeBlock>): React.ReactElement {
  return <CodeView code={block.code} language={block.language} filename={block.filename} />;
}
