import React from 'react';
import { ta } from './attempt-i18n';
import { attemptStore } from './attempts';
import type { AttemptGroup } from './attempts';
import { RegenerateButton, useMayRegenerate } from './RegenerateButton';

/** ‹ n of total › between the loaded attempts at one prompt. */
function Pager(props: { groupKey: string; group: AttemptGroup }): React.ReactElement {
  const { group } = props;
  const loaded = group.attempts.map((a) => a.n);
  const prev = [...loaded].reverse().find((n) => n < group.selected);
  const next = loaded.find((n) => n > group.selected);
  const go = (n: number | undefined) => () => n !== undefined && attemptStore.select(props.groupKey, n);
  return (
    <span className="tcai-pager" data-testid="tcai-attempt-pager">
      <button type="button" className="tcai-btn tcai-btn-small" data-testid="tcai-attempt-prev" aria-label={ta('prev')} title={ta('prev')} disabled={prev === undefined} onClick={go(prev)}>
        ‹
      </button>
      <span className="tcai-muted" data-testid="tcai-attempt-position">
        {ta('position', { n: group.selected, total: group.newest })}
      </span>
      <button type="button" className="tcai-btn tcai-btn-small" data-testid="tcai-attempt-next" aria-label={ta('next')} title={ta('next')} disabled={next === undefined} onClick={go(next)}>
        ›
      </button>
    </span>
  );
}

/**
 * Under the newest reply to a prompt: the pager when there are several attempts, and Regenerate
 * once that reply has ended, for those who may (the server still decides, and refuses with a
 * toast). Not under a reply shown as failed: its error panel offers the same as Retry.
 */
export function AttemptBar(props: { groupKey: string; group: AttemptGroup | undefined; runId: string; groupId: string | undefined; finished: boolean; failed: boolean }): React.ReactElement | null {
  const { group } = props;
  const paged = group !== undefined && group.newest > 1;
  const may = useMayRegenerate(props.runId, props.groupId);
  const offer = props.finished && !props.failed && may;
  if (!paged && !offer) return null;
  return (
    <div className="tcai-attempts" data-testid="tcai-attempts">
      {paged && <Pager groupKey={props.groupKey} group={group} />}
      {offer && <RegenerateButton runId={props.runId} kind="regenerate" />}
    </div>
  );
}
