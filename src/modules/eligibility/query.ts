import type { Db } from '../../db/client.ts';
import { appendAudit } from '../audit/index.ts';
import { compileCount, compileSelection } from './sql.ts';
import type { RuleSet } from './types.ts';

/** Counts and selections of eligible persons, run inside the database through the SQL compiler. */
export type GroupValue = string | number | boolean | null;

export interface EligibleCount {
  total: number;
  by: string[];
  /** One row per combination of the count-by fields that has eligible persons, ordered by those fields. */
  groups: { key: Record<string, GroupValue>; count: number }[];
}

export async function countEligible(db: Db, rs: RuleSet, on: string, by: readonly string[] = []): Promise<EligibleCount> {
  const q = compileCount(rs, on, by);
  const rows = await db.query<Record<string, GroupValue>>(q.sql, q.params);
  const groups = rows.map((r) => ({
    key: Object.fromEntries(by.map((n) => [n, typeof r[n] === 'string' ? (r[n] as string).trimEnd() : (r[n] ?? null)])),
    count: Number(r.count),
  }));
  return { total: groups.reduce((a, g) => a + g.count, 0), by: [...by], groups };
}

export interface SelectionContext {
  actor: string;
  /** Why the selection is made; kept in the audit entry. */
  purpose: string;
  at: Date;
}

/**
 * The IINs of the persons eligible on `on`, in IIN order. A list of IINs is personal data: the selection is
 * written to the audit log (rule set, date, purpose, how many) in the same transaction.
 */
export async function selectEligible(db: Db, rs: RuleSet, on: string, ctx: SelectionContext): Promise<string[]> {
  const q = compileSelection(rs, on);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ iin: string }>(q.sql, q.params);
    await appendAudit(tx, {
      at: ctx.at,
      actor: ctx.actor,
      action: 'eligibility.select',
      subject: `ruleset:${rs.id}@${rs.version}`,
      details: { on, purpose: ctx.purpose, params: rs.params, count: rows.length },
    });
    return rows.map((r) => r.iin);
  });
}
