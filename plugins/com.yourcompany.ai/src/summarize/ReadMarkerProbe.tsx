/**
 * Rendered (as nothing) inside every chat input box, which Tailchat mounts in the same commit as
 * the message list once a converse's messages are loaded: marks the start and end of a visit.
 */
import { useLayoutEffect } from 'react';
import { useConverseMessageContext } from '@capital/common';
import { currentConverseId, visitEnded, visitStarted } from './read-marker';

export function ReadMarkerProbe(): null {
  const { messages } = useConverseMessageContext();
  const converseId = messages?.[0]?.converseId ?? currentConverseId();
  useLayoutEffect(() => {
    if (!converseId) return undefined;
    visitStarted(converseId);
    return () => visitEnded(converseId);
  }, [converseId]);
  return null;
}
