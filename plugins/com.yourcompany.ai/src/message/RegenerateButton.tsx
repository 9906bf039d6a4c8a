import React, { useEffect, useState } from 'react';
import { showToasts } from '@capital/common';
import { errorMessage, getRegenerateAccess, regenerate } from '../api';
import { ta } from './attempt-i18n';

/**
 * Whether to offer Regenerate / Retry on this run: only to those the server would let (it asks
 * `getRegenerateAccess`, the regenerate rule of the policy table). False until it has answered.
 */
export function useMayRegenerate(runId: string, groupId: string | undefined): boolean {
  const [allowed, setAllowed] = useState(false);
  useEffect(() => {
    let live = true;
    void getRegenerateAccess(runId, groupId).then((yes) => live && setAllowed(yes));
    return () => {
      live = false;
    };
  }, [runId, groupId]);
  return allowed;
}

/**
 * Answers the prompt of `runId` again as a new attempt (the server's `regenerate`: the same
 * checks, the attempt cap, nothing still running) and says why not in a toast. "Retry" is the
 * same action, offered on a reply that ended in an error.
 */
export function RegenerateButton(props: { runId: string; kind: 'regenerate' | 'retry' }): React.ReactElement {
  const [pending, setPending] = useState(false);
  const retry = props.kind === 'retry';
  const onClick = (): void => {
    setPending(true);
    regenerate(props.runId)
      .catch((err: unknown) => showToasts(errorMessage(err), 'error'))
      .finally(() => setPending(false));
  };
  const label = retry ? (pending ? ta('retrying') : `↻ ${ta('retry')}`) : pending ? ta('regenerating') : `↻ ${ta('regenerate')}`;
  return (
    <button type="button" className="tcai-btn tcai-btn-small" data-testid={retry ? 'tcai-retry' : 'tcai-regenerate'} disabled={pending} onClick={onClick}>
      {label}
    </button>
  );
}
