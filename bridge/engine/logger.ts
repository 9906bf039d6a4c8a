/**
 * The logger shape every engine and the run code write to (Moleculer's logger and `console`
 * both fit), and a wrapper that passes every message and (nested) string field through a
 * redactor, so secrets never reach a log even when a server echoes them back.
 * Each engine supplies its own redactor: it knows its secrets.
 */
export interface EngineLogger {
  debug?(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export const silentLogger: EngineLogger = { info() {}, warn() {}, error() {} };

export type Redactor = (text: string) => string;

function cleanValue(value: unknown, redact: Redactor, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 3 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => cleanValue(v, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cleanValue(v, redact, depth + 1);
  return out;
}

export function redactingLogger(logger: EngineLogger, redact: Redactor): EngineLogger {
  const meta = (m?: Record<string, unknown>) => (m ? (cleanValue(m, redact) as Record<string, unknown>) : m);
  return {
    debug: (m, x) => logger.debug?.(redact(m), meta(x)),
    info: (m, x) => logger.info(redact(m), meta(x)),
    warn: (m, x) => logger.warn(redact(m), meta(x)),
    error: (m, x) => logger.error(redact(m), meta(x)),
  };
}
