import React, { useState } from 'react';
import { showToasts } from '@capital/common';
import { errorMessage, regenerate } from '../api';
import { t } from '../i18n';
import { attemptStore } from './attempts';
import type { AttemptGroup } from './attempts';

function RegenerateButton(props: { runId: string }): React.ReactElement {
  const [pending, setPending] = useState(false);
  const onClick = (): void => {
    setPending(true);
    // The server decides (requester or invoke permission, nothing still running) and says why not.
    regenerate(props.runId)
      .catch((err: unknown) => showToasts(errorMessage(err), 'error'))
      .finally(() => setPending(false));
  };
  return (
    <button type="button" className="tcai-btn tcai-btn-small" data-testid="tcai-regenerate" disabled={pending} onClick={onClick}>
      {pending ? t('attempt.regenerating') : `↻ ${t('attempt.regenerate')}`}
    </button>
  );
}

/** ‹ n of total › between the loaded attempts at one prompt. */
function Pager(props: { groupKey: string; group: AttemptGroup }): React.ReactElement {
  const { group } = props;
  const loaded = group.attempts.map((a) => a.n);
  const prev = [...loaded].reverse().find((n) => n < group.selected);
  const next = loaded.find((n) => n > group.selected);
  const go = (n: number | undefined) => () => n !== undefined && attemptStore.select(props.groupKey, n);
  return (
    <span className="tcai-pager" data-testid="tcai-attempt-pager">
      <button type="button" className="tcai-btn tcai-btn-small" data-testid="tcai-attempt-prev" aria-label={t('attempt.prev')} title={t('attempt.prev')} disabled={prev === undefined} onClick={go(prev)}>
        ‹
      </button>
      <span className="tcai-muted" data-testid="tcai-attempt-position">
        {t('attempt.position', { n: group.selected, total: group.newest })}
      </span>
      <button type="button" className="tcai-btn tcai-btn-small" data-testid="tcai-attempt-next" aria-label={t('attempt.next')} title={t('attempt.next')} disabled={next === undefined} onClick={go(next)}>
        ›
      </button>
    </span>
  );
}

/**
 * Under the newest reply to a prompt: the pager when there are several attempts, and Regenerate
 * once that reply has ended (anyone may click; the server refuses with a toast when they may not).
 */
export function AttemptBar(props: { groupKey: string; group: AttemptGroup | undefined; runId: string; finished: boolean }): React.ReactElement | null {
  const { group } = props;
  const paged = group !== undefined && group.newest > 1;
  if (!paged && !props.finished) return null;
  return (
    <div className="tcai-attempts" data-testid="tcai-attempts">
      {paged && <Pager groupKey={props.groupKey} group={group} />}
      {props.finished && <RegenerateButton runId={props.runId} />}
    </div>
  );
}
