import type { z } from 'zod';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import type { ScopeSql } from '../registry/index.ts';
import { SECTORS } from '../registry/index.ts';

/** The sectors whose workers make up the essential-personnel registry (every sector but "other"). */
export const ESSENTIAL_SECTORS = SECTORS.filter((s): s is Exclude<(typeof SECTORS)[number], 'other'> => s !== 'other');
export type EssentialSector = (typeof ESSENTIAL_SECTORS)[number];

/**
 * Who is acting. The civil module does not import the access module: the API binds personScopeSql and the
 * principal's area into this, the CLI (the national operators' tool) passes no confinement.
 */
export interface CivilContext {
  actor: string;
  clock: Clock;
  /** Which `persons` rows the caller may see. */
  scope: ScopeSql;
  /** The region the caller works in; null when national. */
  region: string | null;
  /** An enterprise officer: reserves only its own employees, on its own BIN. */
  employerBin: string | null;
}

export const unconfined = (actor: string, clock: Clock): CivilContext => ({ actor, clock, scope: () => 'true', region: null, employerBin: null });

/** zod parse with the civil tier's bad-input code and every issue's path. */
export function parseQuery<T>(schema: z.ZodType<T>, input: unknown, code = 'CIVIL_BAD_QUERY'): T {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new DomainError(code, r.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; '), { issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
}
