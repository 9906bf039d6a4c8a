import React, { useEffect, useRef, useState } from 'react';
import { showToasts } from '@capital/common';
import { UserName } from '@capital/component';
import type { ApprovalBlock } from '../../../../protocol/blocks';
import { errorMessage, resolveApproval } from '../api';
import type { ApprovalDecision } from '../api';
import { t } from './basic-i18n';
import type { PanelProps } from '../registry';

/** Re-enable the buttons if the server accepted a decision but no update arrived (lost event). */
const RESEND_AFTER_MS = 15_000;

/** Current time, re-rendering once when `deadline` passes (so an unanswered request greys out). */
function useExpired(deadline: number | undefined): boolean {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (deadline === undefined || deadline <= now) return;
    const timer = window.setTimeout(() => setNow(Date.now()), Math.min(deadline - now + 50, 2 ** 31 - 1));
    return () => window.clearTimeout(timer);
  }, [deadline, now]);
  return deadline !== undefined && now >= deadline;
}

function Decided({ block }: { block: ApprovalBlock }): React.ReactElement {
  if (block.status === 'expired') {
    return <span className="tcai-muted">{t('approval.expired')}</span>;
  }
  const approved = block.status === 'approved';
  return (
    <span className={approved ? 'tcai-status-succeeded' : 'tcai-status-failed'}>
      {approved ? '✓ ' : '✗ '}
      {block.decidedBy ? (
        <>
          {t(approved ? 'approval.approvedBy' : 'approval.deniedBy')} <UserName userId={block.decidedBy} className="tcai-user" />
        </>
      ) : (
        t(approved ? 'approval.approved' : 'approval.denied')
      )}
    </span>
  );
}

/**
 * Block `approval`: the agent asks before running a command. Approve/Deny call
 * `resolveApproval`; the card then waits for the reply's meta to say who decided. A refusal from
 * the server (e.g. missing "Approve AI actions" permission) is shown as a toast.
 */
export default function ApprovalPanel({ block, context }: PanelProps<ApprovalBlock>): React.ReactElement {
  const [sending, setSending] = useState<ApprovalDecision | null>(null);
  const resendTimer = useRef<number | undefined>(undefined);
  const timedOut = useExpired(block.status === 'pending' ? block.expiresAt : undefined);
  const pending = block.status === 'pending' && !timedOut;

  useEffect(() => {
    if (block.status !== 'pending') setSending(null);
  }, [block.status]);
  useEffect(() => () => window.clearTimeout(resendTimer.current), []);

  const decide = (decision: ApprovalDecision): void => {
    setSending(decision);
    resolveApproval(context.runId, block.approvalId, decision).then(
      () => {
        window.clearTimeout(resendTimer.current);
        resendTimer.current = window.setTimeout(() => setSending(null), RESEND_AFTER_MS);
      },
      (err: unknown) => {
        showToasts(errorMessage(err), 'error');
        setSending(null);
      }
    );
  };

  return (
    <div className="tcai-card tcai-approval" data-testid="tcai-approval" data-status={timedOut ? 'expired' : block.status}>
      <div className="tcai-card-header">
        <strong>{t(pending ? 'approval.title' : 'approval.titleDecided')}</strong>
        {pending && block.expiresAt !== undefined && (
          <span className="tcai-muted">{t('approval.expiresAt', { time: new Date(block.expiresAt).toLocaleTimeString() })}</span>
        )}
      </div>
      <div className="tcai-card-body">
        <pre className="tcai-pre" data-testid="tcai-approval-command">
          {block.command}
        </pre>
        <div className="tcai-actions" data-testid="tcai-approval-decided">
          {pending ? (
            <>
              <button type="button" className="tcai-btn tcai-btn-primary" data-testid="tcai-approval-approve" disabled={sending !== null} onClick={() => decide('allow-once')}>
                {t('approval.approve')}
              </button>
              {/* Only offered where the engine accepts it (OpenClaw may mark it unavailable). */}
              {(!block.decisions || block.decisions.includes('allow-always')) && (
                <button type="button" className="tcai-btn" data-testid="tcai-approval-always" disabled={sending !== null} onClick={() => decide('allow-always')}>
                  {t('approval.always')}
                </button>
              )}
              <button type="button" className="tcai-btn tcai-btn-danger" data-testid="tcai-approval-deny" disabled={sending !== null} onClick={() => decide('deny')}>
                {t('approval.deny')}
              </button>
              {sending && <span className="tcai-muted">{t('approval.sending')}</span>}
            </>
          ) : timedOut ? (
            <span className="tcai-muted">{t('approval.expired')}</span>
          ) : (
            <Decided block={block} />
          )}
        </div>
      </div>
    </div>
  );
}
