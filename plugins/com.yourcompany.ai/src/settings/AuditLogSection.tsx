import React, { useEffect, useState } from 'react';
import { UserName } from '@capital/component';
import type { AuditEntry } from '../../../../protocol/admin';
import { errorMessage, getAuditLog } from '../api';
import { t } from '../i18n';
import type { MessageKey } from '../i18n';

type Load = { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready'; entries: AuditEntry[] };

const shown = (value: unknown): string => {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return t('audit.empty');
  return Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value);
};

/** What the entry says happened, after the actor's name. */
function describe(entry: AuditEntry): string {
  if (entry.action === 'approval.decided') {
    const decision = String(entry.details.decision ?? 'deny');
    const key = `audit.approval.${decision}` as MessageKey;
    return `${t(['allow-once', 'allow-always', 'deny'].includes(decision) ? key : 'audit.approval.deny')} (${String(entry.details.runId ?? '')})`;
  }
  if (entry.action === 'tool-output.read') return `${t('audit.toolOutput')} (${String(entry.details.runId ?? '')})`;
  if (entry.action === 'agent.added' || entry.action === 'agent.removed') return `${t(entry.action === 'agent.added' ? 'audit.agentAdded' : 'audit.agentRemoved')} ${String(entry.details.agentId ?? '')}`;
  if (entry.action === 'automation.created') return `${t('audit.automationCreated')} ${String(entry.details.human ?? '')}: "${String(entry.details.what ?? '')}" (${String(entry.details.jobId ?? '').slice(0, 8)})`;
  if (entry.action === 'automation.changed') return `${t('audit.automationChanged')} (${String(entry.details.change ?? '')}, ${String(entry.details.jobId ?? '').slice(0, 8)})`;
  const changes = (entry.details.changes ?? {}) as Record<string, { from?: unknown; to?: unknown }>;
  const list = Object.entries(changes).map(([field, c]) => `${field}: ${shown(c.from)} → ${shown(c.to)}`);
  return `${t('audit.settings')} ${list.join('; ')}`;
}

/** Admins only: the latest approvals and settings changes of the group, newest first. */
export function AuditLogSection(props: { groupId: string; refreshKey: number }): React.ReactElement {
  const [load, setLoad] = useState<Load>({ phase: 'loading' });

  useEffect(() => {
    let cancelled = false;
    getAuditLog(props.groupId).then(
      (entries) => !cancelled && setLoad({ phase: 'ready', entries }),
      (err: unknown) => !cancelled && setLoad({ phase: 'failed', message: errorMessage(err) })
    );
    return () => {
      cancelled = true;
    };
  }, [props.groupId, props.refreshKey]);

  return (
    <section className="tcai-settings tcai-admin-section" data-testid="tcai-audit">
      <h3>{t('audit.title')}</h3>
      {load.phase === 'loading' && <div className="tcai-muted">{t('audit.loading')}</div>}
      {load.phase === 'failed' && (
        <div className="tcai-field-error" data-testid="tcai-audit-error">
          {t('audit.loadFailed', { message: load.message })}
        </div>
      )}
      {load.phase === 'ready' && load.entries.length === 0 && <div className="tcai-muted">{t('audit.none')}</div>}
      {load.phase === 'ready' && load.entries.length > 0 && (
        <ol className="tcai-audit-list">
          {load.entries.map((entry, i) => (
            <li key={`${entry.at}-${i}`} data-testid="tcai-audit-entry" data-action={entry.action}>
              <time className="tcai-muted" dateTime={entry.at}>
                {new Date(entry.at).toLocaleString()}
              </time>{' '}
              <UserName userId={entry.actor} className="tcai-user" /> <span className="tcai-prewrap">{describe(entry)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
