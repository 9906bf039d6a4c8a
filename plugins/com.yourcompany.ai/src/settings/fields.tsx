import React, { useMemo } from 'react';
import type { ReactNode } from 'react';
import type { GroupPanelInfo } from '@capital/common';
import { t } from '../i18n';
import type { MessageKey } from '../i18n';

export function Field(props: { label: string; error?: string; children: ReactNode; hint?: string }): React.ReactElement {
  return (
    <div className="tcai-field">
      <div className="tcai-field-label">{props.label}</div>
      <div className="tcai-field-control">{props.children}</div>
      {props.hint && <div className="tcai-muted tcai-field-hint">{props.hint}</div>}
      {props.error && <div className="tcai-field-error">{props.error}</div>}
    </div>
  );
}

/** A radio group over a fixed set of values, each labelled through the i18n table. */
export function Choice<V extends string>(props: {
  name: string;
  value: V;
  options: readonly V[];
  labelKey: (value: V) => MessageKey;
  disabled: boolean;
  onChange: (value: V) => void;
}): React.ReactElement {
  return (
    <div className="tcai-choice" role="radiogroup">
      {props.options.map((option) => (
        <label key={option} className="tcai-choice-item">
          <input
            type="radio"
            name={props.name}
            value={option}
            data-testid={`tcai-settings-${props.name}-${option}`}
            checked={props.value === option}
            disabled={props.disabled}
            onChange={() => props.onChange(option)}
          />
          {t(props.labelKey(option))}
        </label>
      ))}
    </div>
  );
}

/** Text panels of the group as checkboxes (GroupPanelType.TEXT = 0). */
export function PanelPicker(props: {
  panels: GroupPanelInfo[];
  selected: string[];
  disabled: boolean;
  onChange: (ids: string[]) => void;
}): React.ReactElement {
  const textPanels = props.panels.filter((panel) => Number(panel.type) === 0);
  // Keep ids that are stored but no longer (or not yet) in the group list visible and removable.
  const unknown = props.selected.filter((id) => !textPanels.some((panel) => panel.id === id));
  const toggle = (id: string, on: boolean): void =>
    props.onChange(on ? [...props.selected, id] : props.selected.filter((selectedId) => selectedId !== id));
  if (textPanels.length === 0 && unknown.length === 0) return <div className="tcai-muted">{t('settings.panels.none')}</div>;
  return (
    <div className="tcai-choice" data-testid="tcai-settings-panels">
      {[...textPanels.map((panel) => ({ id: panel.id, name: `# ${panel.name}` })), ...unknown.map((id) => ({ id, name: id }))].map((panel) => (
        <label key={panel.id} className="tcai-choice-item">
          <input
            type="checkbox"
            data-testid={`tcai-settings-panel-${panel.id}`}
            checked={props.selected.includes(panel.id)}
            disabled={props.disabled}
            onChange={(event) => toggle(panel.id, event.target.checked)}
          />
          {panel.name}
        </label>
      ))}
    </div>
  );
}

/** The IANA zones this browser knows, offered while typing (older browsers offer none). */
function knownTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

/** A time zone name (IANA) with the browser's zones as suggestions; the server checks it on save. */
export function TimeZoneInput(props: { value: string; placeholder?: string | undefined; disabled: boolean; onChange: (zone: string) => void }): React.ReactElement {
  const zones = useMemo(knownTimeZones, []);
  return (
    <>
      <input
        className="tcai-input"
        data-testid="tcai-settings-timezone"
        list="tcai-timezones"
        value={props.value}
        placeholder={props.placeholder}
        maxLength={64}
        spellCheck={false}
        autoComplete="off"
        disabled={props.disabled}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <datalist id="tcai-timezones">
        {zones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
    </>
  );
}
