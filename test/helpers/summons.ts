import assert from 'node:assert/strict';
import type { Db } from '../../src/db/client.ts';
import type { Clock } from '../../src/kernel/clock.ts';
import { parseOrderText, planCallup, recordPlanAction, type CallupOrder } from '../../src/modules/callup/index.ts';
import { copyCsvLine, makeIin, upsertPersons, type PersonRecord } from '../../src/modules/registry/index.ts';
import { person } from './persons.ts';

let n = 5000;

/** A reserve officer eligible for the reserve-officer call-up on 2024-10-01, in Astana, aviation. */
export function officer(over: Partial<PersonRecord> = {}): PersonRecord {
  const birth = '1998-03-05';
  let iin: string | null = null;
  while (!iin) iin = makeIin(birth, 'M', n++);
  return person(1, { iin, sex: 'M', region: 'KZ-71', district: null, specialty: 'aviation', birth_date: birth, mobile: `+7701${String(n).padStart(7, '0')}`, ...over });
}

export async function addPeople(db: Db, clock: Clock, people: PersonRecord[]): Promise<void> {
  await db.transaction((tx) => upsertPersons(tx, people.map((p) => ({ iin: p.iin, csv: copyCsvLine(p) })), { at: clock.now(), actor: 'test', source: 'test' }));
}

export function order(id: string, count: number, exercise = false, specialty = 'aviation'): CallupOrder {
  const { order: o, issues } = parseOrderText(`
id: ${id}
title: test order
legal_basis: { document: test resolution }
rule_set: reserve-officer-callup
reference_date: 2024-10-01
appearance: { from: 2026-11-25, to: 2026-12-31 }
exercise: ${exercise}
agencies:
  army: { name: Army, region: KZ-71 }
quotas:
  - { agency: army, specialty: ${specialty}, count: ${count} }
`);
  assert.deepEqual(issues, []);
  return o as CallupOrder;
}

/** Drafts a plan as officer-a and, unless told otherwise, has officer-b approve it. */
export async function approvedPlan(db: Db, clock: Clock, o: CallupOrder, approve = true): Promise<number> {
  const { id } = await planCallup(db, o, { actor: 'officer-a', clock });
  if (approve) await recordPlanAction(db, String(id), 'approve', { actor: 'officer-b', clock });
  return id;
}
