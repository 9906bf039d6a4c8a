import React from 'react';
import { tl } from './label-i18n';

/**
 * "AI-generated · <agent>" under every agent reply. Only the panel says it: the stored `content`
 * stays the agent's text, so clients without the plugin and summaries read the same words.
 */
export function AiLabel(props: { agentName: string | undefined }): React.ReactElement {
  return (
    <div className="tcai-muted tcai-ai-label" data-testid="ai-label" title={tl('title')}>
      {props.agentName ? tl('named', { name: props.agentName }) : tl('unnamed')}
    </div>
  );
}
