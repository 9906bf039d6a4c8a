import React, { useEffect, useState } from 'react';
import { showToasts } from '@capital/common';
import type { GroupAgentsView } from '../../../../protocol/actions';
import { AgentAvatar } from '../AgentAvatar';
import { errorMessage, getGroupAgents, saveGroupSettings, setGroupAgent } from '../api';
import { tg } from './agents-i18n';
import { defaultAgentChoices } from './default-agent';
import './agents.css';

type Load = { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready'; view: GroupAgentsView };

/**
 * Group detail → "AI assistant" → Agents: every configured agent and whether it is a member of
 * the group (its bot user is; only members answer here and show in Tailchat's @ list). Holders
 * of `configure` get a switch per agent (`setGroupAgent`, checked again on the server) and the
 * group's default agent (saved at once as the `defaultAgent` setting); others see the list.
 */
export function AgentsSection(props: { groupId: string; onChanged: () => void }): React.ReactElement {
  const { groupId, onChanged } = props;
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const [reloads, setReloads] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    getGroupAgents(groupId).then(
      (view) => !cancelled && setLoad({ phase: 'ready', view }),
      (err: unknown) => !cancelled && setLoad({ phase: 'failed', message: errorMessage(err) })
    );
    return () => {
      cancelled = true;
    };
  }, [groupId, reloads]);

  /** One change at a time; the list is read again afterwards (also after a refusal: it may be stale). */
  const change = (work: () => Promise<unknown>, done: string): void => {
    setBusy(true);
    setError(null);
    work().then(
      () => {
        setBusy(false);
        showToasts(done, 'success');
        setReloads((r) => r + 1);
        onChanged();
      },
      (err: unknown) => {
        const message = tg('changeFailed', { message: errorMessage(err) });
        setBusy(false);
        setError(message);
        showToasts(message, 'error');
        setReloads((r) => r + 1);
      }
    );
  };

  return (
    <section className="tcai-settings tcai-admin-section" data-testid="tcai-agents">
      <h3>{tg('title')}</h3>
      <div className="tcai-muted">{tg('hint')}</div>
      {load.phase === 'loading' && <div className="tcai-muted">{tg('loading')}</div>}
      {load.phase === 'failed' && (
        <div className="tcai-field-error" data-testid="tcai-agents-load-error">
          {tg('loadFailed', { message: load.message })}
        </div>
      )}
      {load.phase === 'ready' && load.view.agents.length === 0 && <div className="tcai-muted">{tg('none')}</div>}
      {load.phase === 'ready' && load.view.agents.length > 0 && (
        <>
          {!load.view.canConfigure && (
            <div className="tcai-muted" data-testid="tcai-agents-readonly">
              {tg('readOnly')}
            </div>
          )}
          <ul className="tcai-agent-list">
            {load.view.agents.map((agent) => (
              <li key={agent.agentId} className="tcai-agent-row" data-testid="tcai-agent" data-agent-id={agent.agentId} data-member={agent.member ? 'true' : 'false'}>
                <AgentAvatar nickname={agent.nickname} avatar={agent.avatar} />
                <span className="tcai-agent-name">
                  <strong data-testid="tcai-agent-name">{agent.nickname}</strong>
                  {agent.agentId === load.view.defaultAgentId && <span className="tcai-muted"> · {tg('isDefault')}</span>}
                </span>
                <span className="tcai-muted" data-testid="tcai-agent-membership">
                  {agent.member ? tg('member') : tg('notMember')}
                </span>
                {load.view.canConfigure && (
                  <label className="tcai-choice-item" title={tg(agent.member ? 'remove' : 'add', { name: agent.nickname })}>
                    <input
                      type="checkbox"
                      role="switch"
                      data-testid="tcai-agent-switch"
                      aria-label={tg(agent.member ? 'remove' : 'add', { name: agent.nickname })}
                      checked={agent.member}
                      disabled={busy}
                      onChange={(event) => {
                        const member = event.target.checked;
                        change(() => setGroupAgent(groupId, agent.agentId, member), tg(member ? 'added' : 'removed', { name: agent.nickname }));
                      }}
                    />
                    {tg('inGroup')}
                  </label>
                )}
              </li>
            ))}
          </ul>
          <DefaultAgent view={load.view} busy={busy} onChoose={(agentId) => change(() => saveGroupSettings(groupId, { defaultAgent: agentId }), tg('defaultSaved'))} />
          {error && (
            <div className="tcai-field-error" data-testid="tcai-agents-error" role="alert">
              {error}
            </div>
          )}
        </>
      )}
    </section>
  );
}

function DefaultAgent(props: { view: GroupAgentsView; busy: boolean; onChoose: (agentId: string) => void }): React.ReactElement {
  const { view } = props;
  const current = view.agents.find((a) => a.agentId === view.defaultAgentId);
  return (
    <div className="tcai-field">
      <div className="tcai-field-label">{tg('defaultAgent')}</div>
      <div className="tcai-field-control">
        {view.canConfigure ? (
          <select className="tcai-input" data-testid="tcai-agent-default" value={view.defaultAgentId} disabled={props.busy} onChange={(event) => props.onChoose(event.target.value)}>
            {defaultAgentChoices(view).map((agent) => (
              <option key={agent.agentId} value={agent.agentId}>
                {agent.member ? agent.nickname : tg('notMemberOption', { name: agent.nickname })}
              </option>
            ))}
          </select>
        ) : (
          <span data-testid="tcai-agent-default-name">{current?.nickname ?? view.defaultAgentId}</span>
        )}
      </div>
      <div className="tcai-muted tcai-field-hint">{tg('defaultHint')}</div>
    </div>
  );
}
