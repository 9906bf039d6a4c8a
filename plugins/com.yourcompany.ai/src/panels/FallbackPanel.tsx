import React from 'react';
import type { AnyBlock } from '../../../../protocol/blocks';
import { t } from '../i18n';

/** Fields that hold the whole human-readable content of a block when present. */
const PRIMARY_FIELDS = ['text', 'markdown', 'content', 'message', 'code', 'patch'];
/** JSON of nested values is cut here: the fallback is for reading, not for dumps. */
const MAX_VALUE_CHARS = 2_000;

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/** The most readable text of any block: its main text field, else one `field: value` line per field. */
export function blockPlainText(block: AnyBlock): string {
  for (const field of PRIMARY_FIELDS) {
    const value = block[field];
    if (typeof value === 'string' && value.trim().length > 0) return value;
  }
  return Object.entries(block)
    .filter(([field]) => field !== 'type')
    .map(([field, value]) => `${field}: ${valueText(value)}`)
    .join('\n');
}

/**
 * A block with no registered panel (a newer backend, a plugin not installed) or whose data does
 * not match its panel's schema: readable text, never a blank.
 */
export function FallbackPanel(props: { block: AnyBlock; reason?: 'unknown' | 'invalid' }): React.ReactElement {
  const reason = props.reason ?? 'unknown';
  return (
    <div className="tcai-fallback" data-testid="tcai-fallback" data-block-type={props.block.type} data-reason={reason}>
      <div className="tcai-muted">{t(reason === 'invalid' ? 'fallback.invalid' : 'fallback.title', { type: props.block.type })}</div>
      <div className="tcai-prewrap">{blockPlainText(props.block)}</div>
    </div>
  );
}

/** Shown while a panel's code loads: the block's text, so streaming replies are readable at once. */
export function LoadingPanel(props: { block: AnyBlock }): React.ReactElement {
  return (
    <div className="tcai-prewrap tcai-loading-block" data-testid="tcai-block-loading">
      {blockPlainText(props.block)}
    </div>
  );
}
