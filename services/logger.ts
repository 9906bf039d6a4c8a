import type { Logger } from '../bridge/run/execute.js';

interface MoleculerLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Our modules log `(message, fields)`; Moleculer's logger formats both. */
export function adaptLogger(logger: MoleculerLogger): Logger {
  return {
    info: (msg, fields) => (fields ? logger.info(msg, fields) : logger.info(msg)),
    warn: (msg, fields) => (fields ? logger.warn(msg, fields) : logger.warn(msg)),
    error: (msg, fields) => (fields ? logger.error(msg, fields) : logger.error(msg)),
  };
}
