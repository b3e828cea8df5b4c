import type { MouseEvent, ReactNode } from 'react';
import { navigate } from './router.ts';

/** An ordinary link that changes screens without reloading (a modified click still opens a new tab). */
export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const go = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={go} className={className}>
      {children}
    </a>
  );
}
