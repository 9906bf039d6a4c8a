/**
 * The logger the MBE engine writes to (Moleculer's logger and `console` both fit) and the
 * redaction every message passes through, so MBE_API_KEY never reaches a log, an error event or
 * the admin health detail — even when a server echoes it back in an error body.
 */

export interface MbeLogger {
  debug?(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export const silentLogger: MbeLogger = { info() {}, warn() {}, error() {} };

export type Redactor = (text: string) => string;

/** Replaces the key (and the `Bearer <key>` form) with `***`. Keys shorter than 4 chars are not
 *  searched for: replacing "ab" everywhere would mangle logs without protecting anything. */
export function createRedactor(secret: string | undefined): Redactor {
  if (!secret || secret.length < 4) return (text) => text;
  return (text) => text.split(secret).join('***');
}

function cleanValue(value: unknown, redact: Redactor, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 3 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => cleanValue(v, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cleanValue(v, redact, depth + 1);
  return out;
}

/** Wraps a logger so every message and (nested) string meta value is redacted. */
export function redactingLogger(logger: MbeLogger, redact: Redactor): MbeLogger {
  const meta = (m?: Record<string, unknown>) => (m ? (cleanValue(m, redact) as Record<string, unknown>) : m);
  return {
    debug: (m, x) => logger.debug?.(redact(m), meta(x)),
    info: (m, x) => logger.info(redact(m), meta(x)),
    warn: (m, x) => logger.warn(redact(m), meta(x)),
    error: (m, x) => logger.error(redact(m), meta(x)),
  };
}
