import React, { Suspense, lazy } from 'react';
import type { ChatMessagePayload } from '@capital/common';
import { ErrorBoundary } from '../ErrorBoundary';
import { t } from '../i18n';

// The view, zod and the small panels load on the first AI reply shown, not with Tailchat.
const MessageView = lazy(() => import('./MessageView'));

/**
 * What `regMessageExtraParser` renders under an AI reply. Until the view has loaded (or if it
 * crashes) nothing hides the message's plain `content`, so the reply is always readable.
 */
export function AiMessage(props: { message: ChatMessagePayload }): React.ReactElement {
  return (
    <ErrorBoundary
      resetKey={props.message.meta}
      fallback={
        <div className="tcai-crashed" data-testid="tcai-crashed">
          {t('run.crashed')}
        </div>
      }
    >
      <Suspense fallback={null}>
        <MessageView message={props.message} />
      </Suspense>
    </ErrorBoundary>
  );
}
