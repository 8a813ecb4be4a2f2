import { describe, expect, it } from 'vitest';
import { scrollToShow, visibleRange } from './virtualList.ts';

describe('visibleRange', () => {
  it('renders the visible rows plus overscan, however long the list', () => {
    const range = visibleRange({
      scrollTop: 26_000,
      viewportHeight: 520,
      rowHeight: 26,
      count: 10_000,
      overscan: 8,
    });
    expect(range).toEqual({ start: 992, end: 1029 });
    expect(range.end - range.start).toBeLessThan(40);
  });

  it('clamps at both ends of the list', () => {
    expect(visibleRange({ scrollTop: 0, viewportHeight: 520, rowHeight: 26, count: 5 })).toEqual({
      start: 0,
      end: 5,
    });
    expect(visibleRange({ scrollTop: 1e9, viewportHeight: 520, rowHeight: 26, count: 100 })).toEqual({
      start: 100,
      end: 100,
    });
    expect(visibleRange({ scrollTop: -50, viewportHeight: 0, rowHeight: 26, count: 0 })).toEqual({
      start: 0,
      end: 0,
    });
  });
});

describe('scrollToShow', () => {
  const view = { scrollTop: 260, viewportHeight: 260, rowHeight: 26 };
  it('scrolls up or down just enough to show a row, and not at all when it is visible', () => {
    expect(scrollToShow({ ...view, index: 5 })).toBe(130);
    expect(scrollToShow({ ...view, index: 25 })).toBe(26 * 26 - 260);
    expect(scrollToShow({ ...view, index: 12 })).toBeUndefined();
  });
});
