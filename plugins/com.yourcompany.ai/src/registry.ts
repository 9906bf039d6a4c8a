/**
 * The one registry mapping a block `type` (protocol/blocks.ts) to the React component that renders
 * it. Built-in panels register here at load time, and so can other mini-star plugins:
 *
 *   import { registerPanel } from '@plugins/com.yourcompany.ai';
 *   registerPanel('weather', ({ block }) => <div>{String(block.city)}</div>);
 *
 * Registering a type again replaces the previous component (last wins), so a deployment can
 * override a built-in panel. Blocks whose type has no panel render as readable text.
 * Lives in the entry chunk: other plugins call it synchronously while loading.
 */
import { useSyncExternalStore } from 'react';
import type { ComponentType } from 'react';
import type { AnyBlock, RunStatus } from '../../../protocol/blocks';

/** Where a block is shown: the reply it belongs to. */
export interface PanelContext {
  runId: string;
  runStatus: RunStatus;
  engine: string;
  /** Tailchat message id (a draft id while the reply streams). */
  messageId: string;
  converseId: string;
  groupId?: string;
  /** User id of the member who asked. */
  requester?: string;
}

export interface PanelProps<B extends { type: string } = AnyBlock> {
  block: B;
  context: PanelContext;
}

export interface PanelOptions {
  /**
   * Optional shape check. A block that fails it is shown by the text fallback instead of the
   * panel, so a panel never sees data it does not understand. (Built-in types are checked
   * against the protocol's zod schemas whatever this says.)
   */
  validate?: (block: AnyBlock) => boolean;
}

export interface PanelEntry {
  type: string;
  // The registry is heterogeneous: each entry's component takes its own block type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  component: ComponentType<PanelProps<any>>;
  validate?: (block: AnyBlock) => boolean;
}

const panels = new Map<string, PanelEntry>();
const listeners = new Set<() => void>();
let version = 0;

function changed(): void {
  version++;
  listeners.forEach((listener) => listener());
}

/**
 * Register (or replace) the renderer of a block type. Returns a function that removes it again
 * (only if it was not replaced meanwhile).
 */
export function registerPanel<B extends { type: string }>(
  type: string,
  component: ComponentType<PanelProps<B>>,
  options: PanelOptions = {}
): () => void {
  if (typeof type !== 'string' || type.length === 0) throw new Error('[com.yourcompany.ai] registerPanel: type must be a non-empty string');
  if (panels.has(type)) console.warn(`[com.yourcompany.ai] panel "${type}" replaced`);
  const entry: PanelEntry = { type, component, validate: options.validate };
  panels.set(type, entry);
  changed();
  return () => {
    if (panels.get(type) === entry) {
      panels.delete(type);
      changed();
    }
  };
}

export function getPanel(type: string): PanelEntry | undefined {
  return panels.get(type);
}

export function getRegisteredPanelTypes(): string[] {
  return [...panels.keys()];
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/**
 * Re-render when a panel is (re)registered: a plugin that loads after messages were already on
 * screen upgrades their fallback text to its panel without a reload.
 */
export function usePanelRegistryVersion(): number {
  return useSyncExternalStore(subscribe, () => version);
}
