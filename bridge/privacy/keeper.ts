/**
 * The runner's side of private tool output during one run: every tool event's arguments and
 * result go to the store (the broadcast and stored blocks carry only name and status). Writes
 * are chained, so a slow store never reorders a call's start and result; a failing store is
 * logged and never fails the run (the card then just has no details to show).
 *
 * A run keeps at most `maxCalls` tool calls and `maxBytes` of their details: the prompt is the
 * user's, and a run told to call a tool thousands of times must not fill the store. A call over
 * the cap simply has no details (its card says they are not kept); the run goes on.
 */
import type { ToolBlock } from '../../protocol/blocks.js';
import { capToolOutput, type ToolOutputStore } from './store.js';

export interface ToolOutputKeeper {
  keep(tool: ToolBlock): void;
  /** Resolves when every write so far has ended (before the final reply is stored). */
  settled(): Promise<void>;
}

export interface PerRunLimits {
  maxCalls: number;
  maxBytes: number;
}

export const DEFAULT_PER_RUN_LIMITS: PerRunLimits = { maxCalls: 200, maxBytes: 4 * 1024 * 1024 };

export interface KeeperHooks {
  onError(err: unknown, toolCallId: string): void;
  /** Called once per run, at the first tool call the caps leave out. */
  onCapped?(detail: { toolCallId: string; calls: number; bytes: number }): void;
}

export function createToolOutputKeeper(store: ToolOutputStore, runId: string, hooks: KeeperHooks, limits: PerRunLimits = DEFAULT_PER_RUN_LIMITS): ToolOutputKeeper {
  let last: Promise<void> = Promise.resolve();
  /** Bytes kept per tool call (its latest write replaces the earlier one in the store). */
  const kept = new Map<string, number>();
  let bytes = 0;
  let capped = false;
  const admit = (toolCallId: string, size: number): boolean => {
    const before = kept.get(toolCallId);
    const fits = (before !== undefined || kept.size < limits.maxCalls) && bytes - (before ?? 0) + size <= limits.maxBytes;
    if (!fits) {
      if (!capped) hooks.onCapped?.({ toolCallId, calls: kept.size, bytes });
      capped = true;
      return false;
    }
    bytes += size - (before ?? 0);
    kept.set(toolCallId, size);
    return true;
  };
  return {
    keep(tool) {
      // Measured as the store will hold it (each call already cut to its own cap).
      const output = capToolOutput({
        name: tool.name,
        ...(tool.args !== undefined ? { args: tool.args } : {}),
        ...(tool.result !== undefined ? { result: tool.result } : {}),
      });
      if (!admit(tool.toolCallId, Buffer.byteLength(JSON.stringify(output)))) return;
      last = last.then(() => store.put(runId, tool.toolCallId, output)).catch((err) => hooks.onError(err, tool.toolCallId));
    },
    settled: () => last,
  };
}
