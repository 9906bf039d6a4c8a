import React, { Suspense, lazy } from 'react';
import { getGlobalState, useConverseMessageContext } from '@capital/common';
import { ErrorBoundary } from '../ErrorBoundary';
import { currentConverseId } from '../summarize/read-marker';

const DmStarters = lazy(() => import('./Starters').then((m) => ({ default: m.DmStarters })));

/**
 * Rendered inside every chat input box. Only a DM's converse has members in the web client's
 * store (a group panel's has none): there the chips load, and show if an agent is a member.
 */
export function StarterSlot(): React.ReactElement | null {
  const { messages } = useConverseMessageContext();
  const converseId = messages?.[0]?.converseId ?? currentConverseId();
  const members = converseId ? getGlobalState()?.chat?.converses?.[converseId]?.members : undefined;
  if (!converseId || !members?.length) return null;
  return (
    <ErrorBoundary fallback={null}>
      <Suspense fallback={null}>
        <DmStarters converseId={converseId} members={members} />
      </Suspense>
    </ErrorBoundary>
  );
}
