import React, { useEffect, useState } from 'react';
import type { DownVote, FeedbackReport, FeedbackWeek } from '../../../../protocol/feedback';
import { useKnownAgents } from '../agent-users';
import { errorMessage, getFeedback } from '../api';
import { tr } from './feedback-report-i18n';
import { newestWeeksFirst, totalsByAgent, upRate } from './feedback-summary';
import type { AgentTotals } from './feedback-summary';
import { ShowReplyButton } from './ShowReplyButton';

/** The period the section covers (the server keeps more: protocol MAX_FEEDBACK_WEEKS). */
const WEEKS = 8;

type Load = { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready'; report: FeedbackReport };

/** An agent's nickname from the agents the page already knows; its id when it is not among them (removed since). */
function useAgentName(): (agentId: string) => string {
  const known = useKnownAgents();
  return (agentId) => known?.agents.find((a) => a.agentId === agentId)?.nickname ?? agentId;
}

function AgentTotalsTable(props: { totals: AgentTotals[]; nameOf: (agentId: string) => string }): React.ReactElement {
  return (
    <table className="tcai-usage-table" data-testid="ai-feedback-agents">
      <thead>
        <tr>
          <th>{tr('agent')}</th>
          <th>👍</th>
          <th>👎</th>
          <th>{tr('rate')}</th>
        </tr>
      </thead>
      <tbody>
        {props.totals.map((row) => (
          <tr key={row.agentId} data-testid="ai-feedback-agent" data-agent-id={row.agentId}>
            <td data-testid="agent">{props.nameOf(row.agentId)}</td>
            <td data-testid="up">{row.up}</td>
            <td data-testid="down">{row.down}</td>
            <td data-testid="rate">{upRate(row.up, row.down)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function WeeksTable(props: { weeks: FeedbackWeek[]; nameOf: (agentId: string) => string }): React.ReactElement {
  return (
    <div>
      <div className="tcai-field-label">{tr('byWeek')}</div>
      <table className="tcai-usage-table" data-testid="ai-feedback-weeks">
        <thead>
          <tr>
            <th>{tr('week')}</th>
            <th>{tr('agent')}</th>
            <th>👍</th>
            <th>👎</th>
            <th>{tr('rate')}</th>
          </tr>
        </thead>
        <tbody>
          {newestWeeksFirst(props.weeks).map((row) => (
            <tr key={`${row.week}/${row.agentId}`} data-testid="ai-feedback-row" data-week={row.week} data-agent-id={row.agentId}>
              <td>{row.week}</td>
              <td>{props.nameOf(row.agentId)}</td>
              <td data-testid="up">{row.up}</td>
              <td data-testid="down">{row.down}</td>
              <td data-testid="rate">{upRate(row.up, row.down)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The latest 👎 with their comments (never who voted: the server does not say). */
function LatestDownVotes(props: { groupId: string; votes: DownVote[]; nameOf: (agentId: string) => string }): React.ReactElement {
  return (
    <div>
      <div className="tcai-field-label">{tr('latestDown')}</div>
      {props.votes.length === 0 && <div className="tcai-muted">{tr('noDown')}</div>}
      <ol className="tcai-audit-list">
        {props.votes.map((down) => (
          <li key={`${down.runId}/${down.at}`} data-testid="ai-feedback-down-item" data-run-id={down.runId} data-agent-id={down.agentId}>
            <time className="tcai-muted" dateTime={down.at}>
              {new Date(down.at).toLocaleString()}
            </time>{' '}
            <strong data-testid="agent">{props.nameOf(down.agentId)}</strong>{' '}
            {down.comment ? <q data-testid="comment">{down.comment}</q> : <span className="tcai-muted">{tr('noComment')}</span>}{' '}
            <ShowReplyButton groupId={props.groupId} converseId={down.converseId} runId={down.runId} testId="ai-feedback-show" label={tr('show')} title={tr('showTitle')} />
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Admins only (the server checks the configure permission): how the group's members rated the agents' replies. */
export function FeedbackSection(props: { groupId: string; refreshKey: number }): React.ReactElement {
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const nameOf = useAgentName();

  useEffect(() => {
    let cancelled = false;
    getFeedback(props.groupId, WEEKS).then(
      (report) => !cancelled && setLoad({ phase: 'ready', report }),
      (err: unknown) => !cancelled && setLoad({ phase: 'failed', message: errorMessage(err) })
    );
    return () => {
      cancelled = true;
    };
  }, [props.groupId, props.refreshKey]);

  const report = load.phase === 'ready' ? load.report : undefined;
  return (
    <section className="tcai-settings tcai-admin-section" data-testid="ai-feedback-section">
      <h3>{tr('title', { weeks: WEEKS })}</h3>
      {load.phase === 'loading' && <div className="tcai-muted">{tr('loading')}</div>}
      {load.phase === 'failed' && (
        <div className="tcai-field-error" data-testid="ai-feedback-error">
          {tr('loadFailed', { message: load.message })}
        </div>
      )}
      {report && !report.kept && (
        <div className="tcai-muted" data-testid="ai-feedback-not-kept">
          {tr('notKept')}
        </div>
      )}
      {report?.kept && report.weeks.length === 0 && report.latestDown.length === 0 && <div className="tcai-muted">{tr('none')}</div>}
      {report && report.weeks.length > 0 && (
        <>
          <AgentTotalsTable totals={totalsByAgent(report.weeks)} nameOf={nameOf} />
          <WeeksTable weeks={report.weeks} nameOf={nameOf} />
        </>
      )}
      {report?.kept && (report.weeks.length > 0 || report.latestDown.length > 0) && <LatestDownVotes groupId={props.groupId} votes={report.latestDown} nameOf={nameOf} />}
    </section>
  );
}
