/**
 * Splits agent markdown into text, code and diff blocks at fenced code blocks. Streaming text may
 * end inside an open fence: that part is shown as a (still growing) code block.
 */
import type { CodeBlock, DiffBlock, MarkdownBlock } from '../../protocol/blocks.js';

type TextBlock = MarkdownBlock | CodeBlock | DiffBlock;

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})[ \t]*([^`\s]*)[^\n]*$/;
const DIFF_LANGS = new Set(['diff', 'patch', 'udiff']);

export function splitFences(markdown: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  const lines = markdown.split('\n');
  let prose: string[] = [];
  const flushProse = () => {
    const text = prose.join('\n').trim();
    if (text) blocks.push({ type: 'markdown', text });
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]!);
    if (!open) {
      prose.push(lines[i]!);
      continue;
    }
    flushProse();
    const marker = open[2]!;
    const lang = open[3]!.toLowerCase();
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !isClosing(lines[j]!, marker)) body.push(lines[j++]!);
    i = j; // the closing line (or past the end when still open)
    const code = body.join('\n');
    if (DIFF_LANGS.has(lang)) blocks.push({ type: 'diff', patch: code });
    else blocks.push({ type: 'code', code, ...(lang ? { language: lang } : {}) });
  }
  flushProse();
  return blocks;
}

function isClosing(line: string, marker: string): boolean {
  const t = line.trim();
  return t.length >= marker.length && t[0] === marker[0] && /^(`+|~+)$/.test(t);
}
