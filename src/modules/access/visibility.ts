import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { assertValidIin } from '../registry/index.ts';
import { actorName, personScopeSql, type Principal } from './roles.ts';

/**
 * Refuses a person outside the principal's scope exactly as a person who does not exist (404), so probing IINs
 * tells an officer nothing about other regions; the refusal itself is audited.
 */
export async function assertPersonVisible(db: Db, p: Principal, iin: string, at: Date): Promise<void> {
  assertValidIin(iin);
  const params: unknown[] = [iin];
  const rows = await db.query(`SELECT 1 FROM persons p WHERE p.iin = $1 AND ${personScopeSql(p, 'p', params)}`, params);
  if (rows.length > 0) return;
  await db.transaction((tx) => appendAudit(tx, { at, actor: actorName(p), action: 'access.person.denied', subject: `person:${iin}` }));
  throw new DomainError('API_NOT_FOUND', `No person with IIN ${iin} that you may see.`);
}

/** The same rule for a summons: visible when its person is. */
export async function assertSummonsVisible(db: Db, p: Principal, id: string, at: Date): Promise<void> {
  if (!/^\d{1,18}$/.test(id)) throw new DomainError('SUMMONS_NOT_FOUND', `"${id}" is not a summons number`);
  const params: unknown[] = [id];
  const rows = await db.query(`SELECT 1 FROM summonses s JOIN persons p ON p.iin = s.iin WHERE s.id = $1 AND ${personScopeSql(p, 'p', params)}`, params);
  if (rows.length > 0) return;
  await db.transaction((tx) => appendAudit(tx, { at, actor: actorName(p), action: 'access.summons.denied', subject: `summons:${id}` }));
  throw new DomainError('SUMMONS_NOT_FOUND', `no summons ${id} that you may see`);
}
