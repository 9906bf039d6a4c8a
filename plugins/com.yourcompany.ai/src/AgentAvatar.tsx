import React, { useState } from 'react';
import './agent-avatar.css';

/** Only links a browser fetches without surprises: the agent's avatar is configured by an admin. */
const LOADABLE = /^(https?:\/\/|\/(?!\/))/i;

/** An agent's avatar (from the config), or its initial when it has none or the image fails. */
export function AgentAvatar(props: { nickname: string; avatar?: string | undefined }): React.ReactElement {
  const [failed, setFailed] = useState(false);
  const src = props.avatar && LOADABLE.test(props.avatar) && !failed ? props.avatar : undefined;
  return src ? (
    <img className="tcai-agent-avatar" src={src} alt="" onError={() => setFailed(true)} />
  ) : (
    <span className="tcai-agent-avatar" aria-hidden="true">
      {Array.from(props.nickname)[0]?.toUpperCase() ?? '?'}
    </span>
  );
}
