import React, { useMemo } from 'react';
import { Lexer } from 'marked';
import type { MarkdownBlock } from '../../../../../protocol/blocks';
import type { PanelProps } from '../../registry';
import { renderBlocks } from './render';

/**
 * Block `markdown`: GitHub-flavoured markdown, a single newline kept as a line break (as in GitHub
 * comments and in Tailchat's own plain text of the same reply: chat text is written line by line,
 * not reflowed into paragraphs). Re-lexed on every streamed update (the text only
 * grows; lexing a reply takes well under a millisecond per KB).
 */
export default function MarkdownPanel({ block }: PanelProps<MarkdownBlock>): React.ReactElement {
  const tokens = useMemo(() => Lexer.lex(block.text, { gfm: true, breaks: true }), [block.text]);
  return (
    <div className="tcai-md" data-testid="tcai-markdown">
      {renderBlocks(tokens)}
    </div>
  );
}
