import type { Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { assertValidIin } from './iin.ts';
import { isE164Kz } from './person.ts';
import type { WriteMeta } from './merge.ts';

/**
 * Changes a person's mobile number inside the caller's transaction: validated as the import validates it, kept in
 * the person's history as {"mobile": [old, new]} and audited. The number on the e-Gov portal is a separate fact:
 * a new number is not assumed to be registered there. Returns the previous number.
 */
export async function changeMobile(tx: Tx, iin: string, mobile: string, meta: WriteMeta): Promise<{ previous: string | null; changed: boolean }> {
  assertValidIin(iin);
  if (!isE164Kz(mobile)) throw new DomainError('REGISTRY_INVALID_MOBILE', `mobile "${mobile}" must be an E.164 number +7 followed by 10 digits`, { field: 'mobile' });
  const { rows } = await tx.query<{ mobile: string | null; mobile_on_egov: boolean }>('SELECT mobile, mobile_on_egov FROM persons WHERE iin = $1 FOR UPDATE', [iin]);
  const row = rows[0];
  if (!row) throw new DomainError('REGISTRY_PERSON_NOT_FOUND', `no person with IIN ${iin} in the registry`);
  const previous = row.mobile ?? null;
  if (previous === mobile) return { previous, changed: false };
  const changes: Record<string, [unknown, unknown]> = { mobile: [previous, mobile] };
  if (row.mobile_on_egov) changes.mobile_on_egov = [true, false];
  await tx.query('UPDATE persons SET mobile = $2, mobile_on_egov = false, updated_at = $3 WHERE iin = $1', [iin, mobile, meta.at]);
  await tx.query('INSERT INTO person_history (iin, at, actor, source, changes) VALUES ($1, $2, $3, $4, $5)', [iin, meta.at, meta.actor, meta.source, JSON.stringify(changes)]);
  await appendAudit(tx, { at: meta.at, actor: meta.actor, action: 'registry.person.change', subject: `person:${iin}`, details: { fields: Object.keys(changes), source: meta.source } });
  return { previous, changed: true };
}
