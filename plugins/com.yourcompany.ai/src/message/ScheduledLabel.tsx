import React from 'react';
import { UserName } from '@capital/component';
import { tl } from './label-i18n';
import type { ScheduledMeta } from './scheduled';

/** Stands for {creator} while the sentence is translated; the nickname element goes there. */
const CREATOR = '\u0000';

/**
 * "Scheduled · <task> · set by <creator>" beside the AI-generated label of a result a scheduled
 * task posted. Rendered only inside the agent panel (MessageView.tsx), which exists only for
 * messages of the agent users: a member who forges the meta on a message of their own gets no
 * panel and so no label. The nickname comes from the host's user cache (`UserName`).
 */
export function ScheduledLabel(props: { scheduled: ScheduledMeta }): React.ReactElement {
  const { scheduled } = props;
  const [before = '', after = ''] = tl('scheduled', { name: scheduled.name, creator: CREATOR }).split(CREATOR);
  return (
    <div
      className="tcai-muted tcai-ai-label tcai-scheduled-label"
      data-testid="ai-scheduled-label"
      data-job-id={scheduled.jobId}
      title={tl('scheduledTitle', { id: scheduled.jobId.slice(0, 8) })}
    >
      {'⏰ '}
      {before}
      <UserName userId={scheduled.creatorId} className="tcai-user" />
      {after}
    </div>
  );
}
