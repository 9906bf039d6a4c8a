import React, { useEffect, useState } from 'react';
import type { ToolOutputView } from '../../../../protocol/actions';
import type { ToolBlock, ToolStatus } from '../../../../protocol/blocks';
import { errorMessage, getToolOutput, getToolOutputAccess, isForbidden } from '../api';
import { t } from './basic-i18n';
import type { PanelContext, PanelProps } from '../registry';

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

type Shown = { kind: 'closed' } | { kind: 'loading' } | { kind: 'open'; output: ToolOutputView } | { kind: 'error'; message: string } | { kind: 'denied' };

function PrivateNote(): React.ReactElement {
  return (
    <div className="tcai-muted tcai-card-body" data-testid="tcai-tool-private-note">
      {t('tool.redacted')}
    </div>
  );
}

/**
 * A redacted card (private tool output in a group): the reply carries name and status only. The
 * requester and approvers get "Show details", which fetches the kept arguments and result from
 * the server; everyone else reads who can see them.
 */
function PrivateDetails({ block, context }: { block: ToolBlock; context: PanelContext }): React.ReactElement | null {
  const [access, setAccess] = useState<boolean | null>(null);
  const [shown, setShown] = useState<Shown>({ kind: 'closed' });

  useEffect(() => {
    let live = true;
    void getToolOutputAccess(context.runId).then((allowed) => live && setAccess(allowed));
    return () => {
      live = false;
    };
  }, [context.runId]);

  const load = (): void => {
    setShown({ kind: 'loading' });
    getToolOutput(context.runId, block.toolCallId).then(
      (output) => setShown({ kind: 'open', output }),
      (err: unknown) => setShown(isForbidden(err) ? { kind: 'denied' } : { kind: 'error', message: errorMessage(err) })
    );
  };
  // Opened while the tool still ran: fetch again once it has a result.
  const open = shown.kind === 'open';
  useEffect(() => {
    if (open && block.status !== 'running') load();
  }, [block.status]);

  if (access === null) return null;
  if (!access || shown.kind === 'denied') return <PrivateNote />;
  return (
    <div className="tcai-card-body" data-testid="tcai-tool-private">
      <button
        type="button"
        className="tcai-btn tcai-btn-small"
        data-testid="tcai-tool-show"
        disabled={shown.kind === 'loading'}
        onClick={() => (open ? setShown({ kind: 'closed' }) : load())}
      >
        {t(open ? 'tool.hideDetails' : 'tool.showDetails')}
      </button>
      {shown.kind === 'loading' && <span className="tcai-muted"> {t('tool.loadingDetails')}</span>}
      {shown.kind === 'error' && (
        <div className="tcai-field-error" data-testid="tcai-tool-details-error">
          {shown.message}
        </div>
      )}
      {shown.kind === 'open' && (
        <div data-testid="tcai-tool-details">
          <div className="tcai-muted">{t('tool.private')}</div>
          <Section title={t('tool.args')} value={shown.output.args} testId="tcai-tool-args" />
          <Section title={t('tool.result')} value={shown.output.result} testId="tcai-tool-result" />
          {shown.output.truncated && <div className="tcai-muted">{t('tool.storedTruncated')}</div>}
        </div>
      )}
    </div>
  );
}

/** Block `tool`: one tool call with its status; arguments and result fold away (or are private). */
export default function ToolCallPanel({ block, context }: PanelProps<ToolBlock>): React.ReactElement {
  const hasDetails = !block.redacted && (block.args !== undefined || block.result !== undefined);
  return (
    <div className="tcai-card tcai-tool" data-testid="tcai-tool" data-status={block.status} data-redacted={block.redacted ? 'true' : undefined}>
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
      {block.redacted && <PrivateDetails block={block} context={context} />}
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
