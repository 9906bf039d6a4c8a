/**
 * Where the runner keeps private tool output (visibility.ts): Redis when the instances share one
 * (any runner can then answer getToolOutput, also after the one that ran the tool stopped), else
 * this process's memory, bounded. Kept per run and tool call for a while (default 30 days), each
 * call cut to a size cap first: a tool that dumps a file must not fill Redis.
 */
import type { Redis } from 'ioredis';
import type { ToolOutputView } from '../../protocol/actions.js';

export type { ToolOutputView };

export interface ToolOutputStore {
  put(runId: string, toolCallId: string, output: ToolOutputView): Promise<void>;
  get(runId: string, toolCallId: string): Promise<ToolOutputView | undefined>;
}

export const DEFAULT_TOOL_OUTPUT_TTL_MS = 30 * 24 * 60 * 60_000;
/** Per tool call: arguments and result together, as JSON characters. */
export const DEFAULT_TOOL_OUTPUT_MAX_CHARS = 64_000;

export interface StoreLimits {
  ttlMs?: number;
  maxChars?: number;
}

/** JSON of a value (its own text for a string); undefined stays undefined. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Cuts arguments and result to `maxChars` together. A part that does not fit becomes the head of
 * its text (a string), so the viewer still reads the beginning; the smaller part keeps what it
 * needs and the larger one gets the rest.
 */
export function capToolOutput(output: ToolOutputView, maxChars = DEFAULT_TOOL_OUTPUT_MAX_CHARS): ToolOutputView {
  const name = output.name.slice(0, 200);
  const args = output.args === undefined ? undefined : textOf(output.args);
  const result = output.result === undefined ? undefined : textOf(output.result);
  const argsLen = args?.length ?? 0;
  const resultLen = result?.length ?? 0;
  if (argsLen + resultLen <= maxChars) return { ...output, name };
  const half = Math.floor(maxChars / 2);
  const argsBudget = argsLen <= half ? argsLen : Math.max(half, maxChars - resultLen);
  const resultBudget = maxChars - Math.min(argsLen, argsBudget);
  const cut = (value: unknown, text: string | undefined, budget: number) => (text === undefined ? undefined : text.length <= budget ? value : text.slice(0, budget));
  const cappedArgs = cut(output.args, args, argsBudget);
  const cappedResult = cut(output.result, result, resultBudget);
  return {
    name,
    ...(cappedArgs !== undefined ? { args: cappedArgs } : {}),
    ...(cappedResult !== undefined ? { result: cappedResult } : {}),
    truncated: true,
  };
}

export interface MemoryStoreOptions extends StoreLimits {
  /** At most this many tool calls are kept; the oldest go first. */
  maxEntries?: number;
  /** At most this many characters in all; the oldest go first. */
  maxTotalChars?: number;
  now?: () => number;
}

/** One process's memory: lost on restart, bounded by count and size. */
export function createMemoryToolOutputStore(o: MemoryStoreOptions = {}): ToolOutputStore & { readonly size: number } {
  const ttlMs = o.ttlMs ?? DEFAULT_TOOL_OUTPUT_TTL_MS;
  const maxEntries = o.maxEntries ?? 5_000;
  const maxTotalChars = o.maxTotalChars ?? 32_000_000;
  const now = o.now ?? Date.now;
  // Map order is insertion order: re-inserting on put keeps the newest last.
  const entries = new Map<string, { json: string; expiresAt: number }>();
  let totalChars = 0;
  const keyOf = (runId: string, toolCallId: string) => `${runId}\u0000${toolCallId}`;
  const drop = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    totalChars -= entry.json.length;
    entries.delete(key);
  };
  return {
    get size() {
      return entries.size;
    },
    async put(runId, toolCallId, output) {
      const key = keyOf(runId, toolCallId);
      const json = JSON.stringify(capToolOutput(output, o.maxChars));
      drop(key);
      entries.set(key, { json, expiresAt: now() + ttlMs });
      totalChars += json.length;
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries && totalChars <= maxTotalChars) break;
        drop(oldest);
      }
    },
    async get(runId, toolCallId) {
      const key = keyOf(runId, toolCallId);
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        drop(key);
        return undefined;
      }
      return JSON.parse(entry.json) as ToolOutputView;
    },
  };
}

export interface RedisStoreOptions extends StoreLimits {
  /** Key prefix (default `tcai:`); one hash per run: `<prefix>tool-output:<runId>`. */
  prefix?: string;
}

/** Shared by every runner; the run's hash expires `ttlMs` after its last tool call. */
export function createRedisToolOutputStore(redis: Redis, o: RedisStoreOptions = {}): ToolOutputStore {
  const ttlMs = o.ttlMs ?? DEFAULT_TOOL_OUTPUT_TTL_MS;
  const keyOf = (runId: string) => `${o.prefix ?? 'tcai:'}tool-output:${runId}`;
  return {
    async put(runId, toolCallId, output) {
      const key = keyOf(runId);
      const replies = await redis.multi().hset(key, toolCallId, JSON.stringify(capToolOutput(output, o.maxChars))).pexpire(key, ttlMs).exec();
      // A MULTI resolves even when a command inside it failed.
      const failed = replies?.find(([err]) => err);
      if (failed) throw failed[0];
    },
    async get(runId, toolCallId) {
      const json = await redis.hget(keyOf(runId), toolCallId);
      return json === null ? undefined : (JSON.parse(json) as ToolOutputView);
    },
  };
}
