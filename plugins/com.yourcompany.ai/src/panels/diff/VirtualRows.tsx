import React, { useEffect, useMemo, useRef, useState } from 'react';
import type { CSSProperties, ReactNode } from 'react';

interface Props<T> {
  rows: readonly T[];
  heightOf: (row: T) => number;
  renderRow: (row: T, index: number) => ReactNode;
  /** Height of the scroll box once the content is taller. */
  maxHeight: number;
  /** Extra rows rendered above and below the visible window. */
  overscan?: number;
  /** Style of the content box (its width drives the horizontal scroll). */
  contentStyle?: CSSProperties;
  testId?: string;
}

/** Index of the last row starting at or before `y` (offsets ascending). */
function rowAt(offsets: number[], y: number): number {
  let low = 0;
  let high = offsets.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((offsets[mid] as number) <= y) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * Windowed list: only the rows in view (plus `overscan`) are in the DOM, so a 5,000-line diff
 * costs the same to render and scroll as a 50-line one. Hand-written (~60 lines) instead of a
 * library: @tanstack/react-virtual imports `react-dom` (flushSync), which Tailchat does not share
 * with plugins (a second, bundled react-dom would be large and wrong); react-window 2 sizes rows
 * to the list's width, while a diff needs one content box as wide as its longest line for
 * horizontal scrolling. Row heights are fixed per row kind, so nothing is measured.
 */
export function VirtualRows<T>(props: Props<T>): React.ReactElement {
  const { rows, heightOf, renderRow, maxHeight, overscan = 12 } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const frame = useRef(0);

  const offsets = useMemo(() => {
    const result = new Array<number>(rows.length + 1);
    let y = 0;
    rows.forEach((row, index) => {
      result[index] = y;
      y += heightOf(row);
    });
    result[rows.length] = y;
    return result;
  }, [rows, heightOf]);
  const total = offsets[rows.length] as number;

  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  const onScroll = (): void => {
    // One state update per frame, however many scroll events arrive.
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => setScrollTop(scroller.current?.scrollTop ?? 0));
  };

  const first = rows.length === 0 ? 0 : Math.max(0, rowAt(offsets, scrollTop) - overscan);
  const last = rows.length === 0 ? 0 : Math.min(rows.length, rowAt(offsets, scrollTop + maxHeight) + 1 + overscan);
  const visible: ReactNode[] = [];
  for (let index = first; index < last; index++) {
    const row = rows[index] as T;
    visible.push(
      <div key={index} className="tcai-vrow" style={{ top: offsets[index], height: heightOf(row) }}>
        {renderRow(row, index)}
      </div>
    );
  }

  return (
    <div ref={scroller} className="tcai-vscroll" style={{ maxHeight }} onScroll={onScroll} data-testid={props.testId} data-total-rows={rows.length}>
      <div className="tcai-vcontent" style={{ ...props.contentStyle, height: total }}>
        {visible}
      </div>
    </div>
  );
}
