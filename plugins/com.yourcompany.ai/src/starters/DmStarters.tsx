/**
 * Starter prompts as chips over the chat input of a DM with an agent, while the conversation is
 * beginning (nobody but the agent has written yet). Tailchat 1.11.11 lets a plugin render nothing
 * in an empty message list; a chat input button is rendered inside the input box, whose row is
 * `position: relative`, so the chips sit just above it. A click sends the prompt as it reads,
 * through the input box's own `sendMsg`; × hides them for this DM until the page reloads.
 */
import React, { useState } from 'react';
import { showToasts, useConverseMessageContext } from '@capital/common';
import { useChatInputActionContext } from '@capital/component';
import { useKnownAgents } from '../agent-users';
import { errorMessage } from '../api';
import { dmAgents, dmConversationStarting } from './place';
import { ts } from './starters-i18n';

const dismissed = new Set<string>();

export default function DmStarters(props: { converseId: string; members: string[] }): React.ReactElement | null {
  const known = useKnownAgents();
  const { messages } = useConverseMessageContext();
  const input = useChatInputActionContext();
  const [, setHidden] = useState(0);
  const [sending, setSending] = useState(false);
  if (!known || dismissed.has(props.converseId) || !dmConversationStarting(messages, known.userIds)) return null;
  const prompts = dmAgents(known, props.members).flatMap((agent) => agent.starterPrompts.map((prompt) => ({ agent, prompt })));
  if (prompts.length === 0 || typeof input?.sendMsg !== 'function') return null;

  const send = (prompt: string): void => {
    setSending(true);
    Promise.resolve(input.sendMsg(prompt)).then(
      () => setSending(false),
      (err: unknown) => {
        setSending(false);
        showToasts(ts('sendFailed', { message: errorMessage(err) }), 'error');
      }
    );
  };
  const hide = (): void => {
    dismissed.add(props.converseId);
    setHidden((n) => n + 1);
  };

  return (
    <div className="tcai-settings tcai-starter-chips" data-testid="tcai-starter-chips">
      <span className="tcai-muted">{ts('chipsLabel')}</span>
      {prompts.map(({ agent, prompt }) => (
        <button
          key={`${agent.agentId}:${prompt}`}
          type="button"
          className="tcai-btn tcai-btn-small tcai-starter-chip"
          data-testid="tcai-starter-chip"
          data-agent-id={agent.agentId}
          disabled={sending}
          onClick={() => send(prompt)}
        >
          {prompt}
        </button>
      ))}
      <button type="button" className="tcai-btn tcai-btn-small" data-testid="tcai-starter-chips-hide" aria-label={ts('dismiss')} title={ts('dismiss')} onClick={hide}>
        ×
      </button>
    </div>
  );
}
