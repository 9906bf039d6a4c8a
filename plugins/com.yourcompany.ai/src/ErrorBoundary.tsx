import React from 'react';
import type { ReactNode } from 'react';

interface Props {
  /** Rendered instead of the children once they threw. */
  fallback: ReactNode;
  /** Changing it clears the error (e.g. the block's data changed while streaming). */
  resetKey?: unknown;
  children?: ReactNode;
}

interface State {
  failed: boolean;
  resetKey: unknown;
}

/**
 * Keeps a failing panel (ours or a third party's) from taking the whole chat message list down:
 * React unmounts the tree up to the nearest boundary, and the host has none around extra parsers.
 */
export class ErrorBoundary extends React.Component<Props, State> {
  override state: State = { failed: false, resetKey: this.props.resetKey };

  static getDerivedStateFromError(): Partial<State> {
    return { failed: true };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey !== state.resetKey ? { failed: false, resetKey: props.resetKey } : null;
  }

  override componentDidCatch(error: unknown): void {
    console.error('[com.yourcompany.ai] panel crashed', error);
  }

  override render(): ReactNode {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
