import React, { useMemo } from 'react';
import { highlight } from '../highlight/Highlighted';
import { resolveLanguage } from '../highlight/languages';
import { t } from '../i18n';
import { CopyButton } from './CopyButton';

/**
 * A highlighted, copyable code box. Shared by the `code` panel and fenced code in markdown.
 * Long code scrolls inside the box (max height in CSS) instead of growing the chat.
 */
export function CodeView(props: { code: string; language?: string; filename?: string }): React.ReactElement {
  const { code, language, filename } = props;
  const resolved = resolveLanguage(language, filename);
  const tokens = useMemo(() => highlight(code, resolved), [code, resolved]);
  const lineCount = code.length === 0 ? 0 : code.split('\n').length;
  return (
    <div className="tcai-code" data-testid="tcai-code" data-language={resolved ?? ''}>
      <div className="tcai-code-header">
        <span className="tcai-code-title">{filename ?? language ?? ''}</span>
        <span className="tcai-muted">{t('code.lines', { count: lineCount })}</span>
        <CopyButton text={code} testId="tcai-code-copy" />
      </div>
      <pre className="tcai-code-body">
        <code className={resolved ? `language-${resolved}` : undefined}>{tokens}</code>
      </pre>
    </div>
  );
}
