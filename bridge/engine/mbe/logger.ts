/**
 * The MBE engine's redaction: MBE_API_KEY never reaches a log, an error event or the admin
 * health detail — even when a server echoes it back in an error body.
 */
import type { EngineLogger, Redactor } from '../logger.js';

export { redactingLogger, silentLogger, type Redactor } from '../logger.js';
export type MbeLogger = EngineLogger;

/** Replaces the key (and the `Bearer <key>` form) with `***`. Keys shorter than 4 chars are not
 *  searched for: replacing "ab" everywhere would mangle logs without protecting anything. */
export function createRedactor(secret: string | undefined): Redactor {
  if (!secret || secret.length < 4) return (text) => text;
  return (text) => text.split(secret).join('***');
}
