import type { Db } from '../../db/client.ts';
import type { Selectable } from 'kysely';
import type { PersonsTable } from '../../db/schema.ts';
import { appendAudit } from '../audit/index.ts';
import { assertValidIin } from './iin.ts';
import { PERSON_COLUMNS } from './person.ts';

export interface ReadContext {
  actor: string;
  /** Why the data is read; kept in the audit entry. */
  purpose: string;
  at: Date;
}

export type PersonView = Selectable<PersonsTable>;

/** Reads one person by IIN; every read of personal data leaves an audit entry, found or not. */
export async function findPerson(db: Db, iin: string, ctx: ReadContext): Promise<PersonView | null> {
  assertValidIin(iin);
  return db.transaction(async (tx) => {
    const person = await tx.kysely.selectFrom('persons').selectAll().where('iin', '=', iin).executeTakeFirst();
    await appendAudit(tx, {
      at: ctx.at,
      actor: ctx.actor,
      action: 'registry.person.read',
      subject: `person:${iin}`,
      details: { purpose: ctx.purpose, found: Boolean(person) },
    });
    return person ?? null;
  });
}

export interface HistoryEntry {
  at: Date;
  actor: string;
  source: string;
  kind: 'create' | 'update';
  /** For an update, the changed fields as {"field": [old, new]}; for the creation, the fields as first recorded. */
  changes: Record<string, [unknown, unknown]>;
}

/**
 * A person's history, oldest first: the creation (the first values are the current row with every later change
 * undone) followed by each recorded change.
 */
export async function personHistory(db: Db, iin: string, ctx: ReadContext): Promise<HistoryEntry[] | null> {
  assertValidIin(iin);
  return db.transaction(async (tx) => {
    const person = await tx.kysely.selectFrom('persons').selectAll().where('iin', '=', iin).executeTakeFirst();
    const updates = await tx.kysely
      .selectFrom('person_history')
      .select(['at', 'actor', 'source', 'changes'])
      .where('iin', '=', iin)
      .orderBy('id')
      .execute();
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'registry.person.history.read', subject: `person:${iin}`, details: { purpose: ctx.purpose, found: Boolean(person) } });
    if (!person) return null;
    const first: Record<string, unknown> = {};
    for (const f of PERSON_COLUMNS) first[f] = person[f];
    for (let i = updates.length - 1; i >= 0; i--) {
      for (const [field, [old]] of Object.entries((updates[i] as (typeof updates)[number]).changes)) first[field] = old;
    }
    const created: HistoryEntry = {
      at: person.created_at,
      actor: person.created_by,
      source: person.created_via,
      kind: 'create',
      changes: Object.fromEntries(Object.entries(first).map(([k, v]) => [k, [null, v]])) as Record<string, [unknown, unknown]>,
    };
    return [created, ...updates.map((u) => ({ ...u, kind: 'update' as const }))];
  });
}
