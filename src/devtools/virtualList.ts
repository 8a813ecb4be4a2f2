// The window of rows a virtualised list renders: only what is visible plus a little overscan, so
// 10,000 entries cost as much to render as 30.

export type VisibleRangeParameters = {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  /** Rows rendered above and below the visible ones, so fast scrolling shows no gap. */
  overscan?: number;
};

/** Rows `[start, end)` to render for a fixed-height list scrolled to `scrollTop`. */
export function visibleRange({
  scrollTop,
  viewportHeight,
  rowHeight,
  count,
  overscan = 8,
}: VisibleRangeParameters): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.min(count, first + visible + overscan);
  return { start, end: Math.max(start, end) };
}

/** The scrollTop that brings row `index` into view, or `undefined` when it is visible already. */
export function scrollToShow({
  index,
  scrollTop,
  viewportHeight,
  rowHeight,
}: {
  index: number;
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
}): number | undefined {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return undefined;
}
