import React, { useEffect, useState } from 'react';
import { getLanguage, showToasts } from '@capital/common';
import { UserName } from '@capital/component';
import type { AutomationView } from '../../../../protocol/automations';
import { changeAutomation, errorMessage, listAutomations } from '../api';
import { ts } from './automations-i18n';
import type { AutomationsMessageKey } from './automations-i18n';
import { afterChange, changesFor, formatInZone, panelNameOf } from './automations-view';
import type { Change } from './automations-view';
import './automations.css';

type Load = { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready'; list: AutomationView[] };

const DONE: Record<Change, AutomationsMessageKey> = { pause: 'paused', resume: 'resumed', delete: 'deleted' };

export interface AutomationListProps {
  list: readonly AutomationView[];
  canSchedule: boolean;
  panels: ReadonlyArray<{ id: string; name: string }> | undefined;
  lang: string;
  /** A change is on its way: the buttons wait. */
  busy: boolean;
  /** The task whose deletion waits for the user's yes. */
  confirming: string | null;
  onChange(automation: AutomationView, change: Change): void;
  onConfirm(jobId: string | null): void;
}

/** The tasks, each with what it does, when, how it went and (for `schedule` holders) its buttons. */
export function AutomationList(props: AutomationListProps): React.ReactElement {
  return (
    <ol className="tcai-automation-list">
      {props.list.map((a) => {
        const changes = changesFor(a.state, props.canSchedule);
        const confirming = props.confirming === a.jobId;
        return (
          <li key={a.jobId} className="tcai-automation" data-testid="ai-automation-row" data-job-id={a.jobId} data-state={a.state}>
            <div className="tcai-automation-head">
              <strong data-testid="ai-automation-name" title={a.message}>
                {a.name}
              </strong>
              <span data-testid="ai-automation-human">{a.human}</span>
              <span className={`tcai-automation-state tcai-automation-${a.state}`} data-testid="ai-automation-state">
                {ts(`state.${a.state}` as AutomationsMessageKey)}
              </span>
              <code className="tcai-muted">{a.shortId}</code>
            </div>
            <div className="tcai-muted tcai-automation-facts">
              <span>
                {ts('next')}: <span data-testid="ai-automation-next">{a.nextRunAt ? formatInZone(a.nextRunAt, a.tz, props.lang) : ts('never')}</span>
              </span>
              <span>
                {ts('last')}:{' '}
                <span data-testid="ai-automation-last" data-status={a.last?.status ?? 'none'} className={a.last?.status === 'error' ? 'tcai-field-error' : undefined}>
                  {!a.last
                    ? ts('never')
                    : `${a.last.status === 'ok' ? ts('lastOk') : ts('lastFailed', { error: a.last.error ?? ts('lastUnknownError') })} · ${formatInZone(a.last.at, a.tz, props.lang)}`}
                </span>
              </span>
              <span>
                {ts('creator')}: <UserName userId={a.creatorId} className="tcai-user" />
              </span>
              <span>
                {ts('panel')}: <span data-testid="ai-automation-panel">{panelNameOf(props.panels, a.converseId)}</span>
              </span>
            </div>
            {changes.length > 0 && !confirming && (
              <div className="tcai-actions">
                {changes.map((change) => (
                  <button
                    key={change}
                    type="button"
                    className="tcai-btn tcai-btn-small"
                    data-testid={`ai-automation-${change}`}
                    disabled={props.busy}
                    onClick={() => (change === 'delete' ? props.onConfirm(a.jobId) : props.onChange(a, change))}
                  >
                    {ts(change)}
                  </button>
                ))}
              </div>
            )}
            {confirming && (
              <div className="tcai-actions" role="alertdialog" data-testid="ai-automation-delete-ask">
                <span>{ts('deleteConfirm', { name: a.name })}</span>
                <button type="button" className="tcai-btn tcai-btn-small tcai-btn-danger" data-testid="ai-automation-delete-confirm" disabled={props.busy} onClick={() => props.onChange(a, 'delete')}>
                  {ts('deleteYes')}
                </button>
                <button type="button" className="tcai-btn tcai-btn-small" data-testid="ai-automation-delete-cancel" disabled={props.busy} onClick={() => props.onConfirm(null)}>
                  {ts('cancel')}
                </button>
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/**
 * Group detail → "AI assistant" → Scheduled tasks, for every member (`listAutomations`): the
 * group's tasks, and for holders of `schedule` (`canSchedule` of getGroupSettings) Pause/Resume
 * and Delete through `changeAutomation`, which checks the permission again; a refusal is shown
 * as the server gave it. Tasks are created in chat (/remind).
 */
export function AutomationsSection(props: { groupId: string; canSchedule: boolean; panels: ReadonlyArray<{ id: string; name: string }> | undefined }): React.ReactElement {
  const { groupId } = props;
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const [reloads, setReloads] = useState(0);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    listAutomations(groupId).then(
      (list) => !cancelled && setLoad({ phase: 'ready', list }),
      (err: unknown) => !cancelled && setLoad({ phase: 'failed', message: errorMessage(err) })
    );
    return () => {
      cancelled = true;
    };
  }, [groupId, reloads]);

  const onChange = (automation: AutomationView, change: Change): void => {
    setBusy(true);
    setError(null);
    changeAutomation(groupId, automation.jobId, change).then(
      (changed) => {
        setBusy(false);
        setConfirming(null);
        setLoad((previous) => (previous.phase === 'ready' ? { phase: 'ready', list: afterChange(previous.list, change, changed) } : previous));
        showToasts(ts(DONE[change], { name: changed.name }), 'success');
      },
      (err: unknown) => {
        const message = ts('changeFailed', { message: errorMessage(err) });
        setBusy(false);
        setConfirming(null);
        setError(message);
        showToasts(message, 'error');
        // The list may be stale (a task deleted elsewhere): read it again.
        setReloads((r) => r + 1);
      }
    );
  };

  return (
    <section className="tcai-settings tcai-admin-section" data-testid="ai-automations">
      <div className="tcai-admin-head">
        <h3>{ts('title')}</h3>
        <button type="button" className="tcai-btn tcai-btn-small" data-testid="ai-automations-refresh" onClick={() => setReloads((r) => r + 1)}>
          {ts('refresh')}
        </button>
      </div>
      <div className="tcai-muted" data-testid="ai-automations-howto">
        {ts('howTo')}
      </div>
      {!props.canSchedule && (
        <div className="tcai-muted" data-testid="ai-automations-readonly">
          {ts('readOnly')}
        </div>
      )}
      {load.phase === 'loading' && <div className="tcai-muted">{ts('loading')}</div>}
      {load.phase === 'failed' && (
        <div className="tcai-field-error" data-testid="ai-automations-load-error">
          {ts('loadFailed', { message: load.message })}
        </div>
      )}
      {load.phase === 'ready' && load.list.length === 0 && (
        <div className="tcai-muted" data-testid="ai-automations-none">
          {ts('none')}
        </div>
      )}
      {load.phase === 'ready' && load.list.length > 0 && (
        <AutomationList
          list={load.list}
          canSchedule={props.canSchedule}
          panels={props.panels}
          lang={getLanguage()}
          busy={busy}
          confirming={confirming}
          onChange={onChange}
          onConfirm={setConfirming}
        />
      )}
      {error && (
        <div className="tcai-field-error" data-testid="ai-automation-error" role="alert">
          {error}
        </div>
      )}
    </section>
  );
}
