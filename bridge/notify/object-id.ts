import { randomBytes } from 'node:crypto';

/**
 * An id shaped like a MongoDB ObjectId (time-ordered, 24 hex) for unpersisted draft messages, so
 * the web client sorts and keys them like real ones and the persisted reply sorts after them.
 */
export function draftMessageId(now = Date.now()): string {
  return Math.floor(now / 1000).toString(16).padStart(8, '0') + randomBytes(8).toString('hex');
}
