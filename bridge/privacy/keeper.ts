/**
 * The runner's side of private tool output during one run: every tool event's arguments and
 * result go to the store (the broadcast and stored blocks carry only name and status). Writes
 * are chained, so a slow store never reorders a call's start and result; a failing store is
 * logged and never fails the run (the card then just has no details to show).
 */
import type { ToolBlock } from '../../protocol/blocks.js';
import type { ToolOutputStore } from './store.js';

export interface ToolOutputKeeper {
  keep(tool: ToolBlock): void;
  /** Resolves when every write so far has ended (before the final reply is stored). */
  settled(): Promise<void>;
}

export function createToolOutputKeeper(store: ToolOutputStore, runId: string, onError: (err: unknown, toolCallId: string) => void): ToolOutputKeeper {
  let last: Promise<void> = Promise.resolve();
  return {
    keep(tool) {
      const output = {
        name: tool.name,
        ...(tool.args !== undefined ? { args: tool.args } : {}),
        ...(tool.result !== undefined ? { result: tool.result } : {}),
      };
      last = last.then(() => store.put(runId, tool.toolCallId, output)).catch((err) => onError(err, tool.toolCallId));
    },
    settled: () => last,
  };
}
