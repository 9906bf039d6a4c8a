/**
 * "+" menu → "Suggested prompts": a small picker of the agents of this place and their starter
 * prompts. In a group these are the agents that are members (`getGroupAgents`), and a chosen
 * prompt is sent as a real mention of its agent; in a DM it is the DM's agent, and the prompt is
 * sent as it reads. Sent through the chat input's own `sendMsg`, like the summarize actions.
 */
import React, { useEffect, useState } from 'react';
import { getGlobalState, showToasts, useModalContext } from '@capital/common';
import type { ChatInputActionContext } from '@capital/common';
import { openModal } from '@capital/component';
import type { AgentView } from '../../../../protocol/actions';
import { AgentAvatar } from '../AgentAvatar';
import { knownAgents } from '../agent-users';
import { errorMessage, getGroupAgents } from '../api';
import { dmAgents, dmStarterMessage, groupStarterAgents, groupStarterMessage } from './place';
import type { StarterMessage } from './place';
import { ts } from './starters-i18n';

/** Where the chat input is: a group's panel, or a DM with its members. */
export type Place = { kind: 'group'; groupId: string } | { kind: 'dm'; members: string[] };

/** The open converse, read from the web client's store (the "+" menu's context does not say). */
export function currentPlace(): Place | undefined {
  const state = getGlobalState();
  const converseId = state?.chat?.currentConverseId;
  if (!converseId) return undefined;
  const converse = state?.chat?.converses?.[converseId];
  if (converse?.members?.length) return { kind: 'dm', members: converse.members };
  const group = Object.values(state?.group?.groups ?? {}).find((g) => g?.panels?.some((p) => p.id === converseId));
  if (group) return { kind: 'group', groupId: group._id };
  // A panel of a group the store has not listed yet: the route names it.
  const routed = /\/group\/([^/]+)\/([^/?#]+)/.exec(window.location.pathname);
  return routed && routed[2] === converseId ? { kind: 'group', groupId: decodeURIComponent(routed[1]!) } : undefined;
}

async function agentsOf(place: Place): Promise<AgentView[]> {
  if (place.kind === 'group') return groupStarterAgents(await getGroupAgents(place.groupId));
  return dmAgents(await knownAgents(), place.members).filter((a) => a.starterPrompts.length > 0);
}

type Load = { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready'; agents: AgentView[] };

function StarterPicker(props: { place: Place; send: (message: StarterMessage) => Promise<void> }): React.ReactElement {
  const { place, send } = props;
  const { closeModal } = useModalContext();
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const [sending, setSending] = useState(false);

  useEffect(() => {
    let cancelled = false;
    agentsOf(place).then(
      (agents) => !cancelled && setLoad({ phase: 'ready', agents }),
      (err: unknown) => !cancelled && setLoad({ phase: 'failed', message: errorMessage(err) })
    );
    return () => {
      cancelled = true;
    };
  }, [place]);

  const choose = (agent: AgentView, prompt: string): void => {
    setSending(true);
    send(place.kind === 'group' ? groupStarterMessage(agent, prompt) : dmStarterMessage(prompt)).then(
      () => closeModal(),
      (err: unknown) => {
        setSending(false);
        showToasts(ts('sendFailed', { message: errorMessage(err) }), 'error');
      }
    );
  };

  return (
    <div className="tcai-settings tcai-starter-picker" data-testid="tcai-starter-picker">
      <h3>{ts('title')}</h3>
      {load.phase === 'loading' && <div className="tcai-muted">{ts('loading')}</div>}
      {load.phase === 'failed' && (
        <div className="tcai-field-error" data-testid="tcai-starter-error">
          {ts('loadFailed', { message: load.message })}
        </div>
      )}
      {load.phase === 'ready' && load.agents.length === 0 && (
        <div className="tcai-muted" data-testid="tcai-starter-none">
          {ts(place.kind === 'group' ? 'noneInGroup' : 'noneHere')}
        </div>
      )}
      {load.phase === 'ready' &&
        load.agents.map((agent) => (
          <section key={agent.agentId} className="tcai-starter-agent" data-testid="tcai-starter-agent" data-agent-id={agent.agentId}>
            <div className="tcai-agent-row">
              <AgentAvatar nickname={agent.nickname} avatar={agent.avatar} />
              <strong>{agent.nickname}</strong>
            </div>
            <div className="tcai-muted">{ts(place.kind === 'group' ? 'sendsMention' : 'sendsDm', { name: agent.nickname })}</div>
            <div className="tcai-starter-prompts">
              {agent.starterPrompts.map((prompt) => (
                <button key={prompt} type="button" className="tcai-btn tcai-starter-prompt" data-testid="tcai-starter-prompt" disabled={sending} onClick={() => choose(agent, prompt)}>
                  {prompt}
                </button>
              ))}
            </div>
          </section>
        ))}
    </div>
  );
}

/** Opens the picker for the chat input that `ctx` belongs to. */
export function openStarterPicker(ctx: ChatInputActionContext): void {
  const place = currentPlace();
  const send = (message: StarterMessage): Promise<void> => Promise.resolve(ctx.sendMsg(message.content, message.meta));
  openModal(place ? <StarterPicker place={place} send={send} /> : <NowherePicker />, { closable: true });
}

function NowherePicker(): React.ReactElement {
  return (
    <div className="tcai-settings tcai-starter-picker" data-testid="tcai-starter-picker">
      <h3>{ts('title')}</h3>
      <div className="tcai-muted" data-testid="tcai-starter-none">
        {ts('noneHere')}
      </div>
    </div>
  );
}
