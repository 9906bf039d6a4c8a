import React, { useCallback, useMemo, useState } from 'react';
import type { CSSProperties } from 'react';
import type { DiffBlock } from '../../../../../protocol/blocks';
import { t } from '../../i18n';
import type { PanelProps } from '../../registry';
import { CodeView } from '../CodeView';
import { CopyButton } from '../CopyButton';
import { renderRow } from './DiffRows';
import type { HighlightCache } from './DiffRows';
import { ROW_HEIGHT, buildRows, measure, parseDiff } from './model';
import type { DiffFile, DiffMode, Row } from './model';
import { VirtualRows } from './VirtualRows';

/** Visible height of the diff before it scrolls (about 24 lines). */
const MAX_HEIGHT = 480;

const heightOf = (row: Row): number => ROW_HEIGHT[row.kind];

function ModeToggle(props: { mode: DiffMode; onChange: (mode: DiffMode) => void }): React.ReactElement {
  return (
    <span className="tcai-segmented" role="group">
      {(['unified', 'split'] as const).map((mode) => (
        <button
          key={mode}
          type="button"
          className="tcai-btn tcai-btn-small"
          data-testid={`tcai-diff-mode-${mode}`}
          aria-pressed={props.mode === mode}
          onClick={() => props.onChange(mode)}
        >
          {t(mode === 'unified' ? 'diff.unified' : 'diff.split')}
        </button>
      ))}
    </span>
  );
}

function Summary(props: { files: DiffFile[] }): React.ReactElement {
  const additions = props.files.reduce((sum, file) => sum + file.additions, 0);
  const deletions = props.files.reduce((sum, file) => sum + file.deletions, 0);
  return (
    <span className="tcai-diff-summary" data-testid="tcai-diff-summary">
      {props.files.length === 1 ? t('diff.oneFile') : t('diff.files', { count: props.files.length })}{' '}
      <span className="tcai-diff-stat-add">+{additions}</span> <span className="tcai-diff-stat-del">−{deletions}</span>
    </span>
  );
}

/**
 * Block `diff`: a unified diff, shown unified or split, syntax highlighted by file type, with
 * line numbers, per-file collapse and a virtualised body.
 */
export default function DiffPanel({ block, context }: PanelProps<DiffBlock>): React.ReactElement {
  const [mode, setMode] = useState<DiffMode>('unified');
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(() => new Set());

  // Strings compare by value: streamed updates that do not touch the patch reuse the parse.
  const parsed = useMemo((): { files: DiffFile[] } | { error: true } => {
    try {
      return { files: parseDiff(block.patch, block.filename) };
    } catch {
      return { error: true };
    }
  }, [block.patch, block.filename]);
  const files = 'files' in parsed ? parsed.files : null;
  const metrics = useMemo(() => (files ? measure(files) : null), [files]);
  const rows = useMemo(() => (files ? buildRows(files, mode, collapsed) : []), [files, mode, collapsed]);
  const cache = useMemo((): HighlightCache => new WeakMap(), [files]);

  const onToggle = useCallback((fileIndex: number) => {
    setCollapsed((previous) => {
      const next = new Set(previous);
      if (next.has(fileIndex)) next.delete(fileIndex);
      else next.add(fileIndex);
      return next;
    });
  }, []);
  const render = useCallback((row: Row) => renderRow(row, { cache, onToggle }), [cache, onToggle]);

  if (!files || !metrics) {
    // Mid-stream a hunk is often incomplete: show the text quietly until the run has finished.
    return (
      <div className="tcai-diff" data-testid="tcai-diff" data-parse="failed">
        {context.runStatus !== 'streaming' && <div className="tcai-muted">{t('diff.unparsable')}</div>}
        <CodeView code={block.patch} language="diff" filename={block.filename} />
      </div>
    );
  }

  const contentStyle = {
    '--tcai-num': `${metrics.numberWidth + 2}ch`,
    '--tcai-code': `${metrics.codeWidth}ch`,
  } as CSSProperties;
  return (
    <div className="tcai-diff" data-testid="tcai-diff" data-mode={mode}>
      <div className="tcai-diff-toolbar">
        <Summary files={files} />
        <span className="tcai-spacer" />
        <ModeToggle mode={mode} onChange={setMode} />
        <CopyButton text={block.patch} testId="tcai-diff-copy" />
      </div>
      {files.length === 0 ? (
        <div className="tcai-muted tcai-diff-empty-patch">{t('diff.noChanges')}</div>
      ) : (
        <VirtualRows
          rows={rows}
          heightOf={heightOf}
          renderRow={render}
          maxHeight={MAX_HEIGHT}
          contentStyle={contentStyle}
          testId="tcai-diff-body"
        />
      )}
    </div>
  );
}
