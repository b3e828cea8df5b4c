import { useEffect, useRef, useState } from 'react';

/**
 * Loads with `load` now and again every `everyMs` (0: once) while mounted, never two loads at once, and afresh
 * whenever `deps` change (an answer for the old deps is dropped). Keeps the last good value while a load fails.
 */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: readonly unknown[]): { data: T | undefined; error: unknown; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const reload = useRef<() => void>(() => undefined);
  useEffect(() => {
    let alive = true;
    let busy = false;
    setData(undefined);
    setError(undefined);
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        const value = await load();
        if (alive) {
          setData(value);
          setError(undefined);
        }
      } catch (e) {
        if (alive) setError(e);
      } finally {
        busy = false;
      }
    };
    reload.current = () => void tick();
    void tick();
    const timer = everyMs > 0 ? setInterval(() => void tick(), everyMs) : undefined;
    return () => {
      alive = false;
      clearInterval(timer);
    };
    // The caller names what the load depends on, as with useEffect.
  }, [everyMs, ...deps]);
  return { data, error, reload: () => reload.current() };
}
