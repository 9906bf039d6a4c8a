import React, { useState } from 'react';
import { MAX_FEEDBACK_COMMENT } from '../feedback-contract';
import { tv } from './feedback-i18n';

/**
 * Opened by 👎: an optional comment for the group's admins, then Send (with it) or Skip (without);
 * both record the 👎. What was typed stays here while the vote is on its way, and after a refusal.
 */
export function DownVoteForm(props: { sending: boolean; onSend: (comment: string) => void; onSkip: () => void }): React.ReactElement {
  const [comment, setComment] = useState('');
  return (
    <div className="tcai-feedback-form" data-testid="ai-feedback-form">
      <label className="tcai-feedback-label">
        <span className="tcai-muted">{tv('commentLabel')}</span>
        <textarea
          className="tcai-input"
          data-testid="ai-feedback-comment"
          rows={2}
          maxLength={MAX_FEEDBACK_COMMENT}
          value={comment}
          disabled={props.sending}
          onChange={(event) => setComment(event.target.value)}
        />
      </label>
      <div className="tcai-muted">{tv('commentHint')}</div>
      <div className="tcai-actions">
        <button type="button" className="tcai-btn tcai-btn-small tcai-btn-primary" data-testid="ai-feedback-send" disabled={props.sending} onClick={() => props.onSend(comment)}>
          {tv('send')}
        </button>
        <button type="button" className="tcai-btn tcai-btn-small" data-testid="ai-feedback-skip" disabled={props.sending} onClick={props.onSkip}>
          {tv('skip')}
        </button>
      </div>
    </div>
  );
}
