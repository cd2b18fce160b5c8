import { startTransition, useEffect, useRef, useState } from 'react';

/**
 * `value`, but changing at most once per `ms` (the latest value always lands, at most `ms` late).
 * The secondary charts and the diagram follow a run at a few updates per second, so a run's batch
 * rate (up to 30/s) goes to the main packet-rate chart only. Updates are transitions, rendered in
 * interruptible slices rather than one long task.
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const wait = last.current + ms - performance.now();
    const show = () => {
      last.current = performance.now();
      // A transition: React renders it in slices, so clicks and the live chart stay responsive.
      startTransition(() => setShown(value));
    };
    if (wait <= 0) {
      show();
      return;
    }
    const id = setTimeout(show, wait);
    return () => clearTimeout(id);
  }, [value, shown, ms]);
  return shown;
}
