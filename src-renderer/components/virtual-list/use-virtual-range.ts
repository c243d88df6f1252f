import { useEffect, useState, type RefObject } from 'react';
import { visibleRange, type VisibleRange } from './visible-range';

interface Viewport {
  scrollTopPx: number;
  heightPx: number;
}

/**
 * Tracks a scroll container's scroll position and height (scroll events and a ResizeObserver)
 * and returns the rows to render. State changes only when the viewport changes, so a live list
 * re-renders for new data or scrolling, never on a timer.
 */
export function useVirtualRange(
  scrollRef: RefObject<HTMLElement | null>,
  count: number,
  rowPx: number,
  overscanRows = 8,
  headerPx = 0,
): VisibleRange {
  const [vp, setVp] = useState<Viewport>({ scrollTopPx: 0, heightPx: 600 });
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    let frame = 0;
    const read = () => {
      frame = 0;
      setVp((old) =>
        old.scrollTopPx === el.scrollTop && old.heightPx === el.clientHeight
          ? old
          : { scrollTopPx: el.scrollTop, heightPx: el.clientHeight },
      );
    };
    // Coalesce bursts of scroll events to one state change per frame.
    const onScroll = () => {
      if (frame === 0) frame = requestAnimationFrame(read);
    };
    read();
    el.addEventListener('scroll', onScroll, { passive: true });
    const ro = new ResizeObserver(() => read());
    ro.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      ro.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [scrollRef]);
  return visibleRange(
    vp.scrollTopPx - headerPx,
    vp.heightPx - headerPx,
    rowPx,
    count,
    overscanRows,
  );
}
