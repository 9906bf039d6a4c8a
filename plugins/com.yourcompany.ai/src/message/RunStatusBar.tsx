import React, { useState } from 'react';
import { showToasts } from '@capital/common';
import type { AiMeta, RunStatus } from '../../../../protocol/blocks';
import { errorMessage, stopRun } from '../api';
import { t } from '../i18n';

function StopButton(props: { runId: string }): React.ReactElement {
  const [stopping, setStopping] = useState(false);
  const onClick = (): void => {
    setStopping(true);
    stopRun(props.runId).catch((err: unknown) => {
      // e.g. "only the requester or an approver can stop this run"
      showToasts(errorMessage(err), 'error');
      setStopping(false);
    });
    // On success the button stays disabled until the reply's status leaves 'streaming'.
  };
  return (
    <button type="button" className="tcai-btn tcai-btn-small tcai-btn-danger" data-testid="tcai-stop" disabled={stopping} onClick={onClick}>
      {stopping ? t('run.stopping') : `■ ${t('run.stop')}`}
    </button>
  );
}

/**
 * Run state under the blocks: queued/streaming (or waiting for its engine to come back) with a
 * Stop button, failed, or stopped. A finished run shows nothing (the engine is in the tooltip of
 * the reply).
 */
export function RunStatusBar(props: { runId: string; status: RunStatus; phase?: AiMeta['phase']; engine: string }): React.ReactElement | null {
  const { status } = props;
  if (status === 'done') return null;
  const live = status === 'queued' || status === 'streaming';
  const reconnecting = status === 'streaming' && props.phase === 'reconnecting';
  return (
    <div
      className={`tcai-run tcai-run-${status}`}
      data-testid="tcai-run-status"
      data-status={status}
      data-phase={reconnecting ? 'reconnecting' : undefined}
      role={live ? 'status' : undefined}
    >
      {live && <span className="tcai-spinner" aria-hidden="true" />}
      <span>{reconnecting ? t('run.reconnecting') : t(`run.${status}`)}</span>
      <span className="tcai-muted">{t('run.engine', { engine: props.engine })}</span>
      {live && <StopButton runId={props.runId} />}
    </div>
  );
}
