import React, { useEffect, useState } from 'react';
import { showToasts } from '@capital/common';
import type { Vote } from '../../../../protocol/feedback';
import { errorMessage, voteReply } from '../api';
import { DownVoteForm } from './DownVoteForm';
import { tv } from './feedback-i18n';
import { IDLE, nextBar } from './feedback-state';
import type { BarEvent, BarState } from './feedback-state';
import { myVotes, useMyVote } from './my-votes';
import './feedback.css';

/** How long "Thanks" stays after a 👎 was recorded. */
const THANKS_MS = 4_000;

function Thumb(props: { kind: Vote; pressed: boolean; busy: boolean; onClick: () => void }): React.ReactElement {
  const label = props.pressed ? tv('takeBack') : tv(props.kind);
  return (
    <button
      type="button"
      className="tcai-btn tcai-btn-small"
      data-testid={`ai-feedback-${props.kind}`}
      aria-pressed={props.pressed}
      aria-label={label}
      title={label}
      disabled={props.busy}
      onClick={props.onClick}
    >
      {props.kind === 'up' ? '👍' : '👎'}
    </button>
  );
}

/** The bar as the user sees it, for a recorded vote and a bar state (no requests here). */
export function FeedbackBarView(props: { vote: Vote | null; state: BarState; onEvent: (event: BarEvent) => void }): React.ReactElement {
  const { vote, state, onEvent } = props;
  const busy = state.sending !== null;
  return (
    <div className="tcai-feedback" data-testid="ai-feedback" data-vote={vote ?? 'none'} aria-busy={busy}>
      <div className="tcai-feedback-thumbs">
        <Thumb kind="up" pressed={vote === 'up'} busy={busy} onClick={() => onEvent({ type: 'up' })} />
        <Thumb kind="down" pressed={vote === 'down'} busy={busy} onClick={() => onEvent({ type: 'down' })} />
        {state.step === 'thanks' && (
          <span className="tcai-muted" role="status" data-testid="ai-feedback-thanks">
            {tv('thanks')}
          </span>
        )}
      </div>
      {state.step === 'commenting' && <DownVoteForm sending={busy} onSend={(comment) => onEvent({ type: 'send', comment })} onSkip={() => onEvent({ type: 'skip' })} />}
    </div>
  );
}

/**
 * 👍 / 👎 under a finished agent reply: the caller's own vote, loaded with the other replies' in
 * one request (my-votes.ts), changed with `voteReply`; a refusal (not a member any more, a server
 * without its database) is said in a toast like the other buttons of the reply. Nothing shows until
 * the server has said what the caller's vote is, nor when it keeps no votes at all.
 */
export function FeedbackBar(props: { messageId: string }): React.ReactElement | null {
  const { messageId } = props;
  const mine = useMyVote(messageId);
  const [state, setState] = useState<BarState>(IDLE);

  useEffect(() => {
    if (state.step !== 'thanks') return;
    const timer = setTimeout(() => setState((s) => nextBar(s, null, { type: 'thanksOver' }).state), THANKS_MS);
    return () => clearTimeout(timer);
  }, [state.step]);

  if (!mine || !mine.kept) return null;

  const onEvent = (event: BarEvent): void => {
    const { state: next, send } = nextBar(state, mine.vote, event);
    setState(next);
    if (!send) return;
    voteReply(messageId, send.vote, send.comment).then(
      (vote) => {
        myVotes.record(messageId, vote);
        setState((s) => nextBar(s, vote, { type: 'sent' }).state);
      },
      (err: unknown) => {
        showToasts(errorMessage(err), 'error');
        setState((s) => nextBar(s, mine.vote, { type: 'failed' }).state);
      }
    );
  };

  return <FeedbackBarView vote={mine.vote} state={state} onEvent={onEvent} />;
}
