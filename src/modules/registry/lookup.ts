import type { Db } from '../../db/client.ts';
import type { Selectable } from 'kysely';
import type { PersonsTable } from '../../db/schema.ts';
import { appendAudit } from '../audit/index.ts';
import { assertValidIin } from './iin.ts';

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
  changes: Record<string, [unknown, unknown]> | null;
}

export async function personHistory(db: Db, iin: string, ctx: ReadContext): Promise<HistoryEntry[]> {
  assertValidIin(iin);
  return db.transaction(async (tx) => {
    const rows = await tx.kysely
      .selectFrom('person_history')
      .select(['at', 'actor', 'source', 'kind', 'changes'])
      .where('iin', '=', iin)
      .orderBy('id')
      .execute();
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'registry.person.history.read', subject: `person:${iin}`, details: { purpose: ctx.purpose } });
    return rows;
  });
}
