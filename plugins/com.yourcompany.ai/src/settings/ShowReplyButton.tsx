import React from 'react';
import { useModalContext, useNavigate } from '@capital/common';

/**
 * Closes the group settings and opens the reply's panel; the reply scrolls into view once
 * rendered. Tailchat's web client takes no message id in its routes (1.11: no `msgId` query), so
 * the reply's own view does the scrolling (message/scroll-to-reply.ts), found by its run id.
 */
export function ShowReplyButton(props: { groupId: string; converseId: string; runId: string; testId: string; label: string; title: string }): React.ReactElement {
  const navigate = useNavigate();
  const { closeModal } = useModalContext();
  const { groupId, converseId, runId } = props;
  const onClick = (): void => {
    // Loaded on demand: a static import would put it into the chunk this panel shares with the
    // message view (zod), for nothing; the reply's view reacts whenever the target arrives.
    void import('../message/scroll-to-reply').then((m) => m.requestJump(runId));
    closeModal();
    navigate(`/main/group/${groupId}/${converseId}`);
  };
  return (
    <button type="button" className="tcai-btn tcai-btn-small" data-testid={props.testId} title={props.title} onClick={onClick}>
      {props.label}
    </button>
  );
}
