/**
 * Cheap test run for every message the host renders (no zod here: the entry chunk stays small).
 * Full validation happens in the lazily loaded message view.
 */
import type { ChatMessagePayload } from '@capital/common';
import { AI_META_KEY } from './constants';

export function hasAiMeta(message: ChatMessagePayload | null | undefined): boolean {
  const meta = message?.meta;
  if (!meta || typeof meta !== 'object') return false;
  const value = (meta as Record<string, unknown>)[AI_META_KEY];
  return typeof value === 'object' && value !== null;
}
