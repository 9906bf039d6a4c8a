/**
 * Rendered (as nothing) inside every chat input box, which Tailchat mounts in the same commit as
 * the message list once a converse's messages are loaded: marks the start and end of a visit and
 * the newest stored message the panel shows (live drafts of replies are not stored messages).
 */
import { useLayoutEffect } from 'react';
import { useConverseMessageContext } from '@capital/common';
import { currentConverseId, newestShown, visitEnded, visitStarted } from './read-marker';
import { newestId } from './visits';

export function ReadMarkerProbe(): null {
  const { messages } = useConverseMessageContext();
  const converseId = messages?.[0]?.converseId ?? currentConverseId();
  let newest: string | undefined;
  for (const m of messages ?? []) if (!m.isLocal) newest = newestId(newest, m._id);
  useLayoutEffect(() => {
    if (!converseId) return undefined;
    visitStarted(converseId);
    return () => visitEnded(converseId);
  }, [converseId]);
  useLayoutEffect(() => {
    if (converseId) newestShown(converseId, newest);
  }, [converseId, newest]);
  return null;
}
