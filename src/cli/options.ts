import { DomainError } from '../kernel/errors.ts';

/** A numeric option, refused with the option's name and what it must be. */
export function numberOption(name: string, v: string, check: (n: number) => boolean, want: string): number {
  const n = Number(v);
  if (v.trim() === '' || !check(n)) throw new DomainError('CLI_BAD_OPTION', `${name} must be ${want}, not "${v}"`);
  return n;
}

export const isShare = (n: number): boolean => n >= 0 && n <= 1;
export const isMs = (n: number): boolean => Number.isInteger(n) && n >= 0;
export const isPort = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 65535;

/** A seed as given: a whole number when it reads as one, else the text. */
export const seedOption = (v: string): number | string => (Number.isInteger(Number(v)) ? Number(v) : v);

/** Resolves on the first SIGINT or SIGTERM, and stops listening for them. */
export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
