import { useEffect, useState } from 'react';

/**
 * A few screens need no routing library: the path is the state, links push it, and the back button pops it. The
 * server answers every non-API path with the app (src/api/routes/ui.ts), so a reload lands on the same screen.
 */
const listeners = new Set<() => void>();

export function navigate(to: string): void {
  if (to === location.pathname + location.search) return;
  history.pushState(null, '', to);
  for (const l of listeners) l();
}

export function useLocation(): { path: string; query: URLSearchParams } {
  const [, bump] = useState(0);
  useEffect(() => {
    const update = () => bump((n) => n + 1);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** "/callup/:id" against "/callup/12" → { id: "12" }, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = path.split('/');
  if (p.length !== a.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i] as string;
    if (seg.startsWith(':')) out[seg.slice(1)] = decodeURIComponent(a[i] as string);
    else if (seg !== a[i]) return null;
  }
  return out;
}
