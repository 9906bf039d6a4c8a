/**
 * The logger the engine writes to (Moleculer's logger and `console` both fit) and the redactor
 * every message passes through, so the gateway token and device tokens never reach a log.
 */

export interface EngineLogger {
  debug?(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export const silentLogger: EngineLogger = { info() {}, warn() {}, error() {} };

export type Redactor = (text: string) => string;

/** Replaces every known secret (and long hex/base64url runs that look like tokens) with `***`. */
export function createRedactor(secrets: () => Array<string | undefined>): Redactor {
  return (text) => {
    let out = text;
    for (const secret of secrets()) {
      if (secret && secret.length >= 8) out = out.split(secret).join('***');
    }
    return out.replace(/(?<![a-f0-9])[a-f0-9]{40,}(?![a-f0-9])/gi, '***');
  };
}

/** Wraps a logger so every message and string meta value is redacted. */
export function redactingLogger(logger: EngineLogger, redact: Redactor): EngineLogger {
  const clean = (meta?: Record<string, unknown>) => {
    if (!meta) return meta;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(meta)) out[k] = typeof v === 'string' ? redact(v) : v;
    return out;
  };
  return {
    debug: (m, meta) => logger.debug?.(redact(m), clean(meta)),
    info: (m, meta) => logger.info(redact(m), clean(meta)),
    warn: (m, meta) => logger.warn(redact(m), clean(meta)),
    error: (m, meta) => logger.error(redact(m), clean(meta)),
  };
}
