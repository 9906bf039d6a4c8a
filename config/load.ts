import { readFileSync } from 'node:fs';
import { configSchema, type BundleConfig, type BundleConfigInput } from './schema.js';
import { ENV_OVERRIDES, type EnvOverride } from './env.js';

export interface ConfigIssue {
  key: string;
  source: string;
  message: string;
}

/** Start-up stops with this: one message that names every bad key and why. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `Invalid tailchat-agent configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  - ${i.key} (${i.source}): ${i.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;
type ReadFile = (path: string) => string;

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function parseEnvValue(o: EnvOverride, raw: string): { value?: unknown; error?: string } {
  switch (o.type) {
    case 'string':
      return { value: raw };
    case 'number': {
      const n = Number(raw);
      return Number.isFinite(n) && raw.trim() !== '' ? { value: n } : { error: `"${raw}" is not a number` };
    }
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(raw)) return { value: true };
      if (/^(0|false|no|off)$/i.test(raw)) return { value: false };
      return { error: `"${raw}" is not a boolean (use true/false)` };
    case 'list':
      return { value: raw.split(',').map((s) => s.trim()).filter(Boolean) };
    case 'json':
      try {
        return { value: JSON.parse(raw) as unknown };
      } catch (err) {
        return { error: `is not valid JSON (${err instanceof Error ? err.message : String(err)})` };
      }
  }
}

/**
 * Merges env over the file values and validates. Secret values come from `<NAME>` or the file
 * named by `<NAME>_FILE`; a value for a secret written in the config file is refused, so a
 * token never lands in a repository.
 */
export function loadConfig(
  input: BundleConfigInput = {},
  env: Env = process.env,
  readFile: ReadFile = (p) => readFileSync(p, 'utf8'),
): BundleConfig {
  const merged = structuredClone(input) as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  const sourceOf = new Map<string, string>();

  for (const o of ENV_OVERRIDES) {
    const key = o.path.join('.');
    if (o.secret && getPath(merged, o.path) !== undefined) {
      issues.push({ key, source: 'tailchat.config.ts', message: `is a secret: set it with env ${o.env} or ${o.env}_FILE, not in the config file` });
    }
    let raw = env[o.env];
    let source = `env ${o.env}`;
    const file = o.secret ? env[`${o.env}_FILE`] : undefined;
    if ((raw === undefined || raw === '') && file) {
      source = `env ${o.env}_FILE`;
      try {
        raw = readFile(file).trim();
      } catch (err) {
        issues.push({ key, source, message: `cannot read secret file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` });
        continue;
      }
    }
    if (raw === undefined || raw === '') continue;
    const parsed = parseEnvValue(o, raw);
    if (parsed.error) issues.push({ key, source, message: parsed.error });
    else {
      setPath(merged, o.path, parsed.value);
      sourceOf.set(key, source);
    }
  }

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.join('.') || '(root)';
      issues.push({ key, source: sourceOf.get(key) ?? 'tailchat.config.ts', message: issue.message });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return result.data!;
}

function getPath(obj: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = obj;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A copy safe to log: every secret replaced. */
export function redactConfig(config: BundleConfig): BundleConfig {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const o of ENV_OVERRIDES) {
    if (o.secret && getPath(copy, o.path) !== undefined) setPath(copy, o.path, '[redacted]');
  }
  // Passwords inside URLs (redis://:pass@host, mongodb://user:pass@host) are secrets too.
  for (const path of [['transporter', 'url'], ['state', 'redisUrl'], ['state', 'mongoUrl']]) {
    const url = getPath(copy, path);
    if (typeof url === 'string') setPath(copy, path, url.replace(/\/\/([^/@]*:)?[^/@]*@/, (_m, user?: string) => `//${user ?? ''}[redacted]@`));
  }
  return copy as unknown as BundleConfig;
}
