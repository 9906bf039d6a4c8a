/**
 * Log lines of the bundle's own process. `json`: one JSON object per line (`time`, `level`,
 * `msg`, the `(message, fields)` fields as keys, `nodeID`, `mod`) for log shippers; `short`:
 * human-readable. Both pass every line through a last redactor that replaces the configured
 * secrets (engine tokens and keys, passwords in transporter/Redis URLs) — the engines redact
 * their own logs already; this catches anything else (a library echoing a URL, an error message).
 */
import type { BundleConfig } from '../../config/schema.js';

type PrintArgs = (args: unknown[]) => unknown[];
export type LogFormatter = (type: string, args: unknown[], bindings: Record<string, unknown>, helpers: { printArgs: PrintArgs }) => string[];

/** The secret values present in a config (only values long enough to be worth matching). */
export function secretsOf(config: BundleConfig): string[] {
  const out = [config.engines.openclaw.token, config.engines.mbe.apiKey];
  for (const url of [config.transporter.url, config.state?.redisUrl, config.state?.mongoUrl]) {
    if (!url) continue;
    try {
      const u = new URL(url);
      if (u.password) out.push(u.password, decodeURIComponent(u.password));
      if (u.username && u.password) out.push(`${u.username}:${u.password}`);
    } catch {
      /* not a URL: nothing to extract */
    }
  }
  return [...new Set(out.filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length);
}

export function createRedactor(secrets: string[]): (text: string) => string {
  // Each secret also as it appears inside a JSON string (quotes, backslashes escaped).
  const needles = [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].filter(Boolean);
  if (needles.length === 0) return (t) => t;
  return (text) => needles.reduce((t, n) => (t.includes(n) ? t.split(n).join('[redacted]') : t), text);
}

function plain(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, ...('code' in value ? { code: (value as { code: unknown }).code } : {}) };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function toJson(record: Record<string, unknown>): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(record, (_key, value: unknown) => {
    const v = plain(value);
    if (v && typeof v === 'object') {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
    }
    return v;
  });
}

export function createLogFormatter(format: 'json' | 'short', secrets: string[]): LogFormatter {
  const redact = createRedactor(secrets);
  if (format === 'json') {
    return (type, args, bindings, { printArgs }) => {
      const texts: unknown[] = [];
      const fields: Record<string, unknown> = {};
      for (const a of args) {
        if (a && typeof a === 'object' && !Array.isArray(a) && !(a instanceof Error)) Object.assign(fields, a);
        else texts.push(a instanceof Error ? a.message : a);
      }
      // Fields first: they never overwrite the line's own keys.
      const record = { ...fields, time: new Date().toISOString(), level: type, msg: printArgs(texts).join(' '), nodeID: bindings.nodeID, mod: bindings.mod };
      let line: string;
      try {
        line = toJson(record);
      } catch {
        line = JSON.stringify({ time: record.time, level: type, msg: printArgs(args).join(' '), nodeID: bindings.nodeID, mod: bindings.mod });
      }
      return [redact(line)];
    };
  }
  return (type, args, bindings, { printArgs }) => {
    const mod = typeof bindings.mod === 'string' ? bindings.mod.toUpperCase() : '';
    return [redact(`[${new Date().toISOString().substring(11)}] ${type.toUpperCase().padEnd(5)} ${mod}: ${printArgs(args).join(' ')}`)];
  };
}
