import React from 'react';
import type { ReactNode } from 'react';
import { highlight } from '../../highlight/Highlighted';
import { t } from '../../i18n';
import type { DiffFile, DiffLine, Row } from './model';

/**
 * Highlighted text of one diff line, cached per line object: only visible rows are highlighted,
 * each at most once, so a 5,000-line diff never tokenises more than what is scrolled past.
 * (Per-line highlighting loses multi-line constructs such as block comments; an acceptable
 * trade for constant-time rendering.)
 */
export type HighlightCache = WeakMap<DiffLine, ReactNode>;

function code(line: DiffLine, language: string | undefined, cache: HighlightCache): ReactNode {
  let node = cache.get(line);
  if (node === undefined) {
    node = highlight(line.text, language);
    cache.set(line, node);
  }
  return node;
}

const MARKER = { add: '+', del: '-', ctx: ' ' } as const;

function Num(props: { value?: number }): React.ReactElement {
  return <span className="tcai-diff-num">{props.value ?? ''}</span>;
}

function Text(props: { line?: DiffLine; language?: string; cache: HighlightCache }): React.ReactElement {
  const { line } = props;
  return (
    <span className="tcai-diff-code">
      {line ? code(line, props.language, props.cache) : null}
      {line?.noNewline && (
        <span className="tcai-diff-eof" title="No newline at end of file">
          ⊘
        </span>
      )}
    </span>
  );
}

function FileHeader(props: { file: DiffFile; fileIndex: number; collapsed: boolean; onToggle: (fileIndex: number) => void }): React.ReactElement {
  const { file, collapsed } = props;
  return (
    <div className="tcai-diff-file" data-testid="tcai-diff-file" data-collapsed={collapsed ? 'true' : 'false'}>
      <button
        type="button"
        className="tcai-diff-toggle"
        data-testid="tcai-diff-file-toggle"
        aria-expanded={!collapsed}
        title={collapsed ? t('diff.expand') : t('diff.collapse')}
        onClick={() => props.onToggle(props.fileIndex)}
      >
        {collapsed ? '▸' : '▾'}
      </button>
      <span className="tcai-diff-filename" data-testid="tcai-diff-filename">
        {file.oldName ? `${file.oldName} → ${file.displayName}` : file.displayName}
      </span>
      {file.status !== 'modified' && (
        <span className={`tcai-pill tcai-diff-status-${file.status}`}>
          {t(file.status === 'added' ? 'diff.created' : file.status === 'deleted' ? 'diff.deleted' : 'diff.renamed')}
        </span>
      )}
      <span className="tcai-diff-stat">
        <span className="tcai-diff-stat-add">+{file.additions}</span> <span className="tcai-diff-stat-del">−{file.deletions}</span>
      </span>
    </div>
  );
}

export interface RowContext {
  cache: HighlightCache;
  onToggle: (fileIndex: number) => void;
}

/** One virtual row; the class names carry the row kind's fixed height (styles.css). */
export function renderRow(row: Row, ctx: RowContext): ReactNode {
  switch (row.kind) {
    case 'file':
      return <FileHeader file={row.file} fileIndex={row.fileIndex} collapsed={row.collapsed} onToggle={ctx.onToggle} />;
    case 'hunk':
      return <div className="tcai-diff-hunk">{row.text}</div>;
    case 'note':
      return <div className="tcai-diff-note">{t(row.text === 'binary' ? 'diff.binary' : 'diff.noChanges')}</div>;
    case 'line':
      return (
        <div className={`tcai-diff-line tcai-diff-unified tcai-diff-${row.line.kind}`} data-testid="tcai-diff-line">
          <Num value={row.line.oldNo} />
          <Num value={row.line.newNo} />
          <span className="tcai-diff-marker">{MARKER[row.line.kind]}</span>
          <Text line={row.line} language={row.language} cache={ctx.cache} />
        </div>
      );
    case 'pair': {
      const left = row.left;
      const right = row.right;
      const side = (line: DiffLine | undefined): string => (line ? `tcai-diff-${line.kind}` : 'tcai-diff-empty');
      return (
        <div className="tcai-diff-line tcai-diff-split" data-testid="tcai-diff-line">
          <span className={`tcai-diff-side ${side(left)}`}>
            <Num value={left?.oldNo} />
            <span className="tcai-diff-marker">{left ? MARKER[left.kind] : ''}</span>
            <Text line={left} language={row.language} cache={ctx.cache} />
          </span>
          <span className={`tcai-diff-side ${side(right)}`}>
            <Num value={right?.newNo} />
            <span className="tcai-diff-marker">{right ? MARKER[right.kind] : ''}</span>
            <Text line={right} language={row.language} cache={ctx.cache} />
          </span>
        </div>
      );
    }
  }
}
