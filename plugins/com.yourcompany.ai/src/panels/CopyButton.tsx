import React, { useEffect, useRef, useState } from 'react';
import { t } from '../i18n';

/**
 * Clipboard write that also works where `navigator.clipboard` is missing: Tailchat is often
 * served over plain http on a LAN, which is not a secure context.
 */
export async function copyText(text: string): Promise<void> {
  if (typeof navigator !== 'undefined' && navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    if (!document.execCommand('copy')) throw new Error('execCommand copy refused');
  } finally {
    document.body.removeChild(area);
  }
}

type CopyState = 'idle' | 'copied' | 'failed';

export function CopyButton(props: { text: string; testId?: string }): React.ReactElement {
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const onClick = (): void => {
    copyText(props.text).then(
      () => setState('copied'),
      () => setState('failed')
    );
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setState('idle'), 1500);
  };

  const label = state === 'copied' ? t('code.copied') : state === 'failed' ? t('code.copyFailed') : t('code.copy');
  return (
    <button type="button" className="tcai-btn tcai-btn-small" data-testid={props.testId ?? 'tcai-copy'} data-state={state} onClick={onClick}>
      {label}
    </button>
  );
}
