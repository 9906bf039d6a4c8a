/**
 * Log lines of the bot-mode process (no broker, so no Moleculer logger): `short` for people,
 * `json` (one object per line) for log shippers. Every line passes a redactor that removes the
 * app secret, its md5 login token and any JWT, whatever printed them.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../../bridge/run/execute.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

export interface ProcessLogger extends Logger {
  child(module: string): ProcessLogger;
}

export interface LoggerOptions {
  level: Level;
  format: 'short' | 'json';
  /** Values that must never be printed. */
  secrets: string[];
  write?: (line: string) => void;
}

export function botModeSecrets(appId: string | undefined, appSecret: string | undefined): string[] {
  if (!appSecret) return [];
  const out = [appSecret];
  if (appId) out.push(createHash('md5').update(appId + appSecret).digest('hex'));
  return out;
}

export function createRedactor(secrets: string[]): (text: string) => string {
  const needles = [...new Set(secrets.filter((s) => s.length >= 4).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '<jwt>');
    for (const n of needles) if (out.includes(n)) out = out.split(n).join('[redacted]');
    return out;
  };
}

export function createProcessLogger(o: LoggerOptions, module = 'botmode'): ProcessLogger {
  const min = LEVELS.indexOf(o.level);
  const redact = createRedactor(o.secrets);
  const write = o.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(level) < min) return;
    const time = new Date().toISOString();
    const line =
      o.format === 'json'
        ? JSON.stringify({ time, level, mod: module, msg, ...fields }, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message } : v))
        : `[${time}] ${level.toUpperCase().padEnd(5)} ${module}: ${msg}${fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''}`;
    write(redact(line));
  };
  return {
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (name) => createProcessLogger(o, name),
  };
}
