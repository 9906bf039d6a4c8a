import React, { useEffect, useState } from 'react';
import { UserName } from '@capital/component';
import type { UsageReport, UsageRow } from '../../../../protocol/admin';
import { errorMessage, getUsage } from '../api';
import { t } from '../i18n';

const TOP_USERS = 10;
const n = (value: number): string => value.toLocaleString();

type Load = { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready'; report: UsageReport };

/** The budget's progress bar, or a note that the group has none. */
function BudgetBar(props: { used: number; budget: number | null; renewsOn: string }): React.ReactElement {
  if (!props.budget) return <div className="tcai-muted" data-testid="tcai-usage-budget">{t('usage.budgetNone')}</div>;
  const percent = Math.floor((props.used / props.budget) * 100);
  const exceeded = props.used >= props.budget;
  return (
    <div data-testid="tcai-usage-budget" data-exceeded={exceeded ? 'true' : 'false'}>
      <div className="tcai-usage-bar" role="progressbar" aria-valuemin={0} aria-valuemax={props.budget} aria-valuenow={Math.min(props.used, props.budget)}>
        <div className={exceeded ? 'tcai-usage-bar-fill tcai-usage-bar-full' : 'tcai-usage-bar-fill'} style={{ width: `${Math.min(100, percent)}%` }} />
      </div>
      <div className="tcai-muted">
        {t('usage.budget', { used: n(props.used), budget: n(props.budget), percent })} · {t('usage.renews', { date: props.renewsOn })}
      </div>
      {exceeded && (
        <div className="tcai-field-error" data-testid="tcai-usage-budget-exceeded">
          {t('usage.budgetExceeded', { date: props.renewsOn })}
        </div>
      )}
    </div>
  );
}

function Rows(props: { testId: string; title: string; rows: UsageRow[]; render: (id: string) => React.ReactNode }): React.ReactElement | null {
  if (props.rows.length === 0) return null;
  return (
    <div>
      <div className="tcai-field-label">{props.title}</div>
      <table className="tcai-usage-table" data-testid={props.testId}>
        <thead>
          <tr>
            <th />
            <th>{t('usage.runs')}</th>
            <th>{t('usage.tokens')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={row.id} data-testid={`${props.testId}-row`} data-id={row.id}>
              <td>{props.render(row.id)}</td>
              <td data-testid="runs">{n(row.runs)}</td>
              <td data-testid="tokens">{n(row.totalTokens)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Admins only (the server checks the configure permission): this month's runs and tokens of the
 * group, the budget's progress, the members and agents that used most. `refreshKey` reloads it.
 */
export function UsageSection(props: { groupId: string; refreshKey: number }): React.ReactElement {
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let cancelled = false;
    getUsage(props.groupId).then(
      (report) => !cancelled && setLoad({ phase: 'ready', report }),
      (err: unknown) => !cancelled && setLoad({ phase: 'failed', message: errorMessage(err) })
    );
    return () => {
      cancelled = true;
    };
  }, [props.groupId, props.refreshKey, reloads]);

  return (
    <section className="tcai-settings tcai-admin-section" data-testid="tcai-usage">
      <div className="tcai-admin-head">
        <h3>{load.phase === 'ready' ? t('usage.title', { month: load.report.month }) : t('usage.title', { month: '…' })}</h3>
        <button type="button" className="tcai-btn tcai-btn-small" data-testid="tcai-usage-refresh" onClick={() => setReloads((r) => r + 1)}>
          {t('usage.refresh')}
        </button>
      </div>
      {load.phase === 'loading' && <div className="tcai-muted">{t('usage.loading')}</div>}
      {load.phase === 'failed' && (
        <div className="tcai-field-error" data-testid="tcai-usage-error">
          {t('usage.loadFailed', { message: load.message })}
        </div>
      )}
      {load.phase === 'ready' && (
        <>
          <div className="tcai-usage-totals">
            <div>
              <div className="tcai-muted">{t('usage.runs')}</div>
              <div className="tcai-usage-number" data-testid="tcai-usage-runs">
                {n(load.report.totals.runs)}
              </div>
            </div>
            <div>
              <div className="tcai-muted">{t('usage.tokens')}</div>
              <div className="tcai-usage-number" data-testid="tcai-usage-tokens">
                {n(load.report.totals.totalTokens)}
              </div>
              <div className="tcai-muted">{t('usage.tokensDetail', { input: n(load.report.totals.inputTokens), output: n(load.report.totals.outputTokens) })}</div>
            </div>
          </div>
          <BudgetBar used={load.report.totals.totalTokens} budget={load.report.budget} renewsOn={load.report.renewsOn} />
          {load.report.totals.runs === 0 && <div className="tcai-muted">{t('usage.none')}</div>}
          <Rows testId="tcai-usage-users" title={t('usage.users')} rows={load.report.users.slice(0, TOP_USERS)} render={(id) => <UserName userId={id} className="tcai-user" />} />
          <Rows testId="tcai-usage-agents" title={t('usage.agents')} rows={load.report.agents} render={(id) => <code>{id}</code>} />
        </>
      )}
    </section>
  );
}
