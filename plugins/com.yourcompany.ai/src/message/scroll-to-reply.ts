/**
 * "Show" in the admin list of failed replies: the settings modal navigates to the reply's panel
 * and names the run here; the reply's view, once it is rendered (now, or when the panel has
 * loaded), scrolls itself into view and marks itself for a moment. One target at a time.
 */
import { useEffect, useSyncExternalStore } from 'react';

let target: string | undefined;
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((listener) => listener());
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => void listeners.delete(listener);
};

export function requestJump(runId: string): void {
  target = runId;
  changed();
}

/** In a reply's view: when `runId` is the target, scroll its element into view and mark it. */
export function useJumpTarget(runId: string | undefined): void {
  const here = useSyncExternalStore(subscribe, () => runId !== undefined && target === runId);
  useEffect(() => {
    if (!here || !runId) return;
    const element = document.querySelector(`[data-run-id="${CSS.escape(runId)}"]`);
    if (!element) return;
    target = undefined;
    element.scrollIntoView({ block: 'center' });
    element.setAttribute('data-tcai-jumped', '');
    // A fading outline, from here rather than the stylesheet (which is in the start-up chunk).
    element.animate?.([{ outline: '2px solid var(--tc-primary-color, #1890ff)' }, { outline: '2px solid transparent' }], { duration: 2500 });
    changed();
  }, [here, runId]);
}
