import React, { Suspense, lazy } from 'react';
import { ErrorBoundary } from '../ErrorBoundary';
import { t } from '../i18n';

const GroupSettingsPanel = lazy(() => import('./GroupSettingsPanel'));

/** What `regCustomPanel` renders in the group detail; the form itself is a lazy chunk. */
export function SettingsEntry(): React.ReactElement {
  return (
    <ErrorBoundary fallback={<div className="tcai-field-error">{t('run.crashed')}</div>}>
      <Suspense fallback={<div className="tcai-settings tcai-muted">{t('settings.loading')}</div>}>
        <GroupSettingsPanel />
      </Suspense>
    </ErrorBoundary>
  );
}
