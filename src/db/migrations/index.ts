import * as m0001 from './0001_registry.ts';

export interface Migration {
  readonly name: string;
  readonly sql: string;
}

/** Numbered, forward-only; the same SQL runs on PGlite and PostgreSQL. */
export const migrations: readonly Migration[] = [m0001];
