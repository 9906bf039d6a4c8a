import React from 'react';
import type { ToolBlock, ToolStatus } from '../../../../protocol/blocks';
import { t } from '../i18n';
import type { PanelProps } from '../registry';

/** Plain glyphs (no emoji: they depend on the reader's fonts); running gets the CSS spinner. */
const STATUS_ICON: Record<ToolStatus, string> = { running: '', succeeded: '✓', failed: '✗' };
const STATUS_LABEL = { running: 'tool.running', succeeded: 'tool.succeeded', failed: 'tool.failed' } as const;
/** Tool output can be huge (a file dump); the chat only needs a readable head of it. */
const MAX_CHARS = 20_000;

function formatValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value, null, 2) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) + '\n' + t('tool.truncated') : text;
}

function Section(props: { title: string; value: unknown; testId: string }): React.ReactElement | null {
  if (props.value === undefined) return null;
  return (
    <div className="tcai-tool-section">
      <div className="tcai-muted">{props.title}</div>
      <pre className="tcai-pre" data-testid={props.testId}>
        {formatValue(props.value)}
      </pre>
    </div>
  );
}

/** Block `tool`: one tool call with its status; arguments and result fold away. */
export default function ToolCallPanel({ block }: PanelProps<ToolBlock>): React.ReactElement {
  const hasDetails = !block.redacted && (block.args !== undefined || block.result !== undefined);
  return (
    <div className="tcai-card tcai-tool" data-testid="tcai-tool" data-status={block.status}>
      <div className="tcai-card-header">
        {block.status === 'running' ? (
          <span className="tcai-spinner" aria-hidden="true" />
        ) : (
          <span className={`tcai-status-icon tcai-status-${block.status}`} aria-hidden="true">
            {STATUS_ICON[block.status]}
          </span>
        )}
        <code className="tcai-tool-name">{block.name}</code>
        <span className={`tcai-pill tcai-status-${block.status}`} data-testid="tcai-tool-status">
          {t(STATUS_LABEL[block.status])}
        </span>
      </div>
      {block.redacted && <div className="tcai-muted tcai-card-body">{t('tool.redacted')}</div>}
      {hasDetails && (
        // Failed calls open by default: the error is what the reader wants to see.
        <details className="tcai-card-body" open={block.status === 'failed'}>
          <summary data-testid="tcai-tool-toggle">{t('tool.details')}</summary>
          <Section title={t('tool.args')} value={block.args} testId="tcai-tool-args" />
          <Section title={t('tool.result')} value={block.result} testId="tcai-tool-result" />
        </details>
      )}
    </div>
  );
}
