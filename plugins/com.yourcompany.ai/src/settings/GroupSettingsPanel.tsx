import React, { useEffect, useState } from 'react';
import { showToasts, useGroupIdContext, useGroupInfo } from '@capital/common';
import { groupSettings, sessionScope, toolOutputVisibility, triggerMode } from '../../../../protocol/actions';
import type { GroupSettings } from '../../../../protocol/actions';
import { errorMessage, getGroupSettings, saveGroupSettings } from '../api';
import { KNOWN_ENGINES } from '../constants';
import { t } from '../i18n';
import { AgentsSection } from './AgentsSection';
import { AuditLogSection } from './AuditLogSection';
import { AutomationsSection } from './AutomationsSection';
import { ts } from './automations-i18n';
import { FailuresSection } from './FailuresSection';
import { FeedbackSection } from './FeedbackSection';
import { Choice, Field, PanelPicker, TimeZoneInput } from './fields';
import { UsageSection } from './UsageSection';

/** Shown until the server answers with the stored (or default) settings. */
const EMPTY: GroupSettings = {
  enabled: false,
  engine: KNOWN_ENGINES[0],
  agentId: 'main',
  trigger: 'mention',
  prefix: '/ai',
  allMessagesPanels: [],
  sessionScope: 'panel',
};

type FieldErrors = Partial<Record<keyof GroupSettings, string>>;

/** zod issues → one short message per field, in the user's language. */
function validate(form: GroupSettings): FieldErrors {
  const result = groupSettings.safeParse(form);
  if (result.success) return {};
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0] as keyof GroupSettings;
    // The zone is the server's to judge (its runtime runs the schedules): its refusal is shown.
    if (errors[field] || field === 'timeZone') continue;
    if (field === 'monthlyTokenBudget') {
      errors[field] = t('settings.budget.invalid');
      continue;
    }
    errors[field] = issue.code === 'too_big' ? t('settings.tooLong', { max: Number(issue.maximum) }) : t('settings.required');
  }
  return errors;
}

type LoadState = { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready'; canConfigure: boolean; canSchedule: boolean; defaultTimeZone?: string };

/** The server's refusal of the time zone ("Invalid request: settings.timeZone: must be …"): its words for the field. */
function timeZoneRefusal(message: string): string | undefined {
  const match = /settings\.timeZone: ([^;]+)/.exec(message);
  return match?.[1]?.trim();
}

/**
 * Group detail → Plugins → "AI assistant": per-group settings, loaded and saved through the
 * backend (`getGroupSettings` / `saveGroupSettings`), which checks the configure permission.
 * Members without it see the settings read-only; a refused save is shown as given by the server.
 */
export default function GroupSettingsPanel(): React.ReactElement {
  const groupId = useGroupIdContext();
  const group = useGroupInfo(groupId);
  const [load, setLoad] = useState<LoadState>({ phase: 'loading' });
  const [form, setForm] = useState<GroupSettings>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  /** Bumped after a save: the usage (budget) and the audit log show it. */
  const [saves, setSaves] = useState(0);
  /** Whether the server keeps a zone for the group: emptying the field then sends null (back to the server's zone). */
  const [zoneStored, setZoneStored] = useState(false);

  useEffect(() => {
    let cancelled = false;
    setLoad({ phase: 'loading' });
    getGroupSettings(groupId).then(
      (loaded) => {
        if (cancelled) return;
        setForm({ ...EMPTY, ...loaded.settings });
        setZoneStored(!!loaded.settings.timeZone);
        setLoad({ phase: 'ready', canConfigure: loaded.canConfigure, canSchedule: loaded.canSchedule, ...(loaded.defaultTimeZone ? { defaultTimeZone: loaded.defaultTimeZone } : {}) });
      },
      (err: unknown) => !cancelled && setLoad({ phase: 'failed', message: errorMessage(err) })
    );
    return () => {
      cancelled = true;
    };
  }, [groupId]);

  if (load.phase === 'loading') return <div className="tcai-settings tcai-muted">{t('settings.loading')}</div>;
  if (load.phase === 'failed') {
    return (
      <div className="tcai-settings tcai-field-error" data-testid="tcai-settings-error">
        {t('settings.loadFailed', { message: load.message })}
      </div>
    );
  }

  const readOnly = !load.canConfigure || saving;
  const set = <K extends keyof GroupSettings>(key: K, value: GroupSettings[K]): void => {
    setForm((previous) => ({ ...previous, [key]: value }));
    setErrors((previous) => ({ ...previous, [key]: undefined }));
  };
  const engines: string[] = KNOWN_ENGINES.includes(form.engine as (typeof KNOWN_ENGINES)[number]) ? [...KNOWN_ENGINES] : [...KNOWN_ENGINES, form.engine];

  const onSave = (): void => {
    const found = validate(form);
    setErrors(found);
    setSaveError(null);
    if (Object.keys(found).length > 0) {
      setSaveError(t('settings.invalid'));
      return;
    }
    setSaving(true);
    // The Agents section saves the default agent at once: a form loaded before must not undo that.
    const { defaultAgent: _savedByAgentsSection, timeZone, ...rest } = form;
    const zone = timeZone?.trim();
    // An empty field: nothing to send, unless the group has a zone (null takes it back).
    const fields: Partial<GroupSettings> = zone ? { ...rest, timeZone: zone } : zoneStored ? { ...rest, timeZone: null } : rest;
    saveGroupSettings(groupId, fields).then(
      (saved) => {
        setForm({ ...EMPTY, ...saved });
        setZoneStored(!!saved.timeZone);
        setSaving(false);
        setSaves((count) => count + 1);
        showToasts(t('settings.saved'), 'success');
      },
      (err: unknown) => {
        const message = t('settings.saveFailed', { message: errorMessage(err) });
        const zoneRefused = timeZoneRefusal(errorMessage(err));
        if (zoneRefused) setErrors((previous) => ({ ...previous, timeZone: zoneRefused }));
        setSaveError(message);
        setSaving(false);
        showToasts(message, 'error');
      }
    );
  };

  return (
    <form className="tcai-settings" data-testid="tcai-settings" onSubmit={(event) => (event.preventDefault(), onSave())}>
      {!load.canConfigure && (
        <div className="tcai-muted tcai-settings-note" data-testid="tcai-settings-readonly">
          {t('settings.readOnly')}
        </div>
      )}
      <label className="tcai-field tcai-field-inline">
        <input type="checkbox" data-testid="tcai-settings-enabled" checked={form.enabled} disabled={readOnly} onChange={(event) => set('enabled', event.target.checked)} />
        <span>{t('settings.enabled')}</span>
      </label>
      <Field label={t('settings.engine')} error={errors.engine}>
        <select className="tcai-input" data-testid="tcai-settings-engine" value={form.engine} disabled={readOnly} onChange={(event) => set('engine', event.target.value)}>
          {engines.map((engine) => (
            <option key={engine} value={engine}>
              {engine}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('settings.agentId')} error={errors.agentId}>
        <input className="tcai-input" data-testid="tcai-settings-agent" value={form.agentId} disabled={readOnly} onChange={(event) => set('agentId', event.target.value)} />
      </Field>
      <Field label={t('settings.trigger')} error={errors.trigger}>
        <Choice name="trigger" value={form.trigger} options={triggerMode.options} labelKey={(mode) => `settings.trigger.${mode}`} disabled={readOnly} onChange={(mode) => set('trigger', mode)} />
      </Field>
      {form.trigger === 'prefix' && (
        <Field label={t('settings.prefix')} error={errors.prefix}>
          <input className="tcai-input" data-testid="tcai-settings-prefix" value={form.prefix} maxLength={32} disabled={readOnly} onChange={(event) => set('prefix', event.target.value)} />
        </Field>
      )}
      {form.trigger === 'all' && (
        <Field label={t('settings.panels')} error={errors.allMessagesPanels} hint={t('settings.panels.hint')}>
          <PanelPicker panels={group?.panels ?? []} selected={form.allMessagesPanels} disabled={readOnly} onChange={(ids) => set('allMessagesPanels', ids)} />
        </Field>
      )}
      <Field label={t('settings.sessionScope')} error={errors.sessionScope}>
        <Choice name="scope" value={form.sessionScope} options={sessionScope.options} labelKey={(scope) => `settings.scope.${scope}`} disabled={readOnly} onChange={(scope) => set('sessionScope', scope)} />
      </Field>
      <Field label={t('settings.toolOutput')} error={errors.toolOutput} hint={t('settings.toolOutput.hint')}>
        {/* Absent means private (the server's default in groups). */}
        <Choice name="toolOutput" value={form.toolOutput ?? 'private'} options={toolOutputVisibility.options} labelKey={(v) => `settings.toolOutput.${v}`} disabled={readOnly} onChange={(v) => set('toolOutput', v)} />
      </Field>
      <Field label={t('settings.budget')} error={errors.monthlyTokenBudget} hint={t('settings.budget.hint')}>
        <input
          className="tcai-input"
          type="number"
          data-testid="tcai-settings-budget"
          value={form.monthlyTokenBudget ?? ''}
          disabled={readOnly}
          onChange={(event) => set('monthlyTokenBudget', event.target.value === '' ? null : Number(event.target.value))}
        />
      </Field>
      <Field label={ts('timeZone')} error={errors.timeZone} hint={ts('timeZoneHint', { zone: load.defaultTimeZone ?? ts('timeZoneServer') })}>
        <TimeZoneInput value={form.timeZone ?? ''} placeholder={load.defaultTimeZone} disabled={readOnly} onChange={(zone) => set('timeZone', zone)} />
      </Field>
      {load.canConfigure && (
        <div className="tcai-actions">
          <button type="submit" className="tcai-btn tcai-btn-primary" data-testid="tcai-settings-save" disabled={saving}>
            {saving ? t('settings.saving') : t('settings.save')}
          </button>
          {saveError && (
            <span className="tcai-field-error" data-testid="tcai-settings-error" role="alert">
              {saveError}
            </span>
          )}
        </div>
      )}
      <AgentsSection groupId={groupId} onChanged={() => setSaves((count) => count + 1)} />
      <AutomationsSection groupId={groupId} canSchedule={load.canSchedule} panels={group?.panels} />
      {load.canConfigure && <UsageSection groupId={groupId} refreshKey={saves} />}
      {load.canConfigure && <FailuresSection groupId={groupId} refreshKey={saves} />}
      {load.canConfigure && <FeedbackSection groupId={groupId} refreshKey={saves} />}
      {load.canConfigure && <AuditLogSection groupId={groupId} refreshKey={saves} />}
    </form>
  );
}
