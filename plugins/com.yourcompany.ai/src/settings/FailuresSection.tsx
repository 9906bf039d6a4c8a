import React, { useEffect, useState } from 'react';
import { UserName } from '@capital/component';
import type { FailedRepliesPage, FailureCause } from '../../../../protocol/admin';
import { errorMessage, getFailedReplies } from '../api';
import { t } from '../i18n';
import { tf } from './failures-i18n';
import type { FailuresMessageKey } from './failures-i18n';
import { ShowReplyButton } from './ShowReplyButton';

type Load = { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready'; page: FailedRepliesPage };

/** The server keeps this many per group (bridge/failures/log.ts FAILURES_CAP). */
const KEPT_PER_GROUP = 50;

/** Every cause has its words (tsc fails when the protocol gains one without them). */
const CAUSE_TEXT: Record<FailureCause, FailuresMessageKey> = {
  'engine-down': 'cause.engine-down',
  'engine-auth': 'cause.engine-auth',
  'timed-out': 'cause.timed-out',
  'rate-limited': 'cause.rate-limited',
  busy: 'cause.busy',
  refused: 'cause.refused',
  denied: 'cause.denied',
  'too-long': 'cause.too-long',
  'bad-response': 'cause.bad-response',
  interrupted: 'cause.interrupted',
  other: 'cause.other',
};
// A cause a newer server sends that this client does not know reads as "other".
const causeText = (cause: FailureCause): string => tf(CAUSE_TEXT[cause] ?? 'cause.other');

/** Admins only: the group's latest replies that ended in an error, with their cause. */
export function FailuresSection(props: { groupId: string; refreshKey: number }): React.ReactElement {
  const [load, setLoad] = useState<Load>({ phase: 'loading' });

  useEffect(() => {
    let cancelled = false;
    getFailedReplies(props.groupId).then(
      (page) => !cancelled && setLoad({ phase: 'ready', page }),
      (err: unknown) => !cancelled && setLoad({ phase: 'failed', message: errorMessage(err) })
    );
    return () => {
      cancelled = true;
    };
  }, [props.groupId, props.refreshKey]);

  return (
    <section className="tcai-settings tcai-admin-section" data-testid="tcai-failures">
      <h3>{tf('title')}</h3>
      {load.phase === 'loading' && <div className="tcai-muted">{tf('loading')}</div>}
      {load.phase === 'failed' && (
        <div className="tcai-field-error" data-testid="tcai-failures-error">
          {tf('loadFailed', { message: load.message })}
        </div>
      )}
      {load.phase === 'ready' && !load.page.kept && (
        <div className="tcai-muted" data-testid="tcai-failures-not-kept">
          {tf('notKept')}
        </div>
      )}
      {load.phase === 'ready' && load.page.kept && load.page.failures.length === 0 && <div className="tcai-muted">{tf('none')}</div>}
      {load.phase === 'ready' && load.page.failures.length > 0 && (
        <>
          <div className="tcai-muted">{tf('hint', { count: KEPT_PER_GROUP })}</div>
          <ol className="tcai-audit-list">
            {load.page.failures.map((failure) => (
              <li key={failure.runId} className="tcai-failure" data-testid="tcai-failure" data-cause={failure.cause} data-run-id={failure.runId}>
                <time className="tcai-muted" dateTime={failure.at}>
                  {new Date(failure.at).toLocaleString()}
                </time>{' '}
                <strong data-testid="tcai-failure-cause">{causeText(failure.cause)}</strong>{' '}
                <span className="tcai-muted">{t('run.engine', { engine: failure.engine })}</span>{' '}
                <UserName userId={failure.requester} className="tcai-user" />{' '}
                <ShowReplyButton groupId={failure.groupId} converseId={failure.converseId} runId={failure.runId} testId="tcai-failure-show" label={tf('show')} title={tf('showTitle')} />
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
