import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { personScopeSql, type StaffPrincipal } from '../src/modules/access/index.ts';
import { getPlan, planAssignments, planCallup, explainPlanFor } from '../src/modules/callup/index.ts';
import { addReservation, approveReservations, importReservationsCsv, listReservations, revokeReservation, unconfined, type CivilContext } from '../src/modules/civil/index.ts';
import { makeBin } from '../src/modules/registry/index.ts';
import { issuePlan } from '../src/modules/summons/index.ts';
import { freshDb } from './helpers/db.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const employer = makeBin('0504', 4, 0, 77) as string;
const requester: CivilContext = unconfined('user:hospital.hr', clock);
const approver: CivilContext = unconfined('user:almaty.officer', clock);
const at = clock.now();
let db: Db;
// Not essential workers under the rule-based reservation (sector "other"), so only a named reservation can keep them out.
const staff = { employer_bin: employer, sector: 'other', occupation: 'surgeon' } as const;
const aviators = [officer(staff), officer(staff), officer(staff)];
const medic = officer({ ...staff, specialty: 'medical' });

const entry = (iin: string, over: Record<string, unknown> = {}) => ({
  iin, requester_kind: 'organisation', requester: employer, list_name: 'city-hospital-1', reason: 'surgeon on call', valid_from: '2026-11-23', valid_to: '2027-11-22', ...over,
});

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [...aviators, medic]);
});
after(async () => db.close());

async function assignees(planId: number): Promise<string[]> {
  return (await planAssignments(db, String(planId), { actor: 'test', at, purpose: 'test' })).map((a) => a.iin).sort();
}

test('approving a reservation removes the person from a draft call-up plan, shown as a removal with its shortfall', async () => {
  const draft = await approvedPlan(db, clock, order('res-draft', 2), false);
  const before = await assignees(draft);
  assert.equal(before.length, 2);
  const taken = before[0] as string;

  const pending = await addReservation(db, entry(taken), requester);
  assert.equal(pending.status, 'pending');
  assert.equal((await getPlan(db, String(draft))).removals.length, 0, 'a pending reservation changes nothing');

  const [result] = await approveReservations(db, [pending.id], approver);
  assert.equal(result?.reservation.status, 'approved');
  assert.deepEqual(result?.removed, [{ planId: draft, cell: 0, status: 'draft' }]);
  assert.deepEqual(result?.conflicts, []);

  const plan = await getPlan(db, String(draft));
  assert.deepEqual(plan.removals, [{ cell: 0, removed: 1 }]);
  assert.equal(plan.shortfallAfterRemovals, plan.report.totals.shortfall + 1);
  assert.deepEqual(await assignees(draft), before.filter((i) => i !== taken));
  assert.match((await explainPlanFor(db, String(draft), taken, { actor: 'test', at })).summary, /removed from the plan/);
  const army: StaffPrincipal = { kind: 'staff', userId: 1, username: 'army.officer', role: 'agency_officer', region: null, district: null, agency: 'army', employerBin: null };
  const params: unknown[] = [];
  const seen = await db.query<{ iin: string }>(`SELECT p.iin FROM persons p WHERE ${personScopeSql(army, 'p', params)} ORDER BY p.iin`, params);
  assert.deepEqual(seen.map((r) => r.iin), before.filter((i) => i !== taken), "the receiving agency no longer sees the person taken out of its plan");
  const audit = await db.query<{ action: string }>("SELECT action FROM audit_log WHERE action IN ('civil.reservation.add', 'civil.reservation.approve', 'callup.plan.remove') ORDER BY seq");
  assert.deepEqual(audit.map((a) => a.action), ['civil.reservation.add', 'civil.reservation.approve', 'callup.plan.remove']);
});

test('a reserved person is never selected by a plan made after the reservation; after revocation they can be again', async () => {
  const [reserved] = await listReservations(db, { status: 'approved' }, approver);
  assert.ok(reserved);
  const { id, report } = await planCallup(db, order('res-new', 3), { actor: 'officer-a', clock });
  const chosen = await assignees(id);
  assert.equal(chosen.includes(reserved.iin), false);
  assert.deepEqual([report.totals.filled, report.totals.shortfall], [2, 1], 'three aviators, one reserved: one place short');

  await revokeReservation(db, reserved.id, 'contract ended', approver);
  const again = await planCallup(db, order('res-after-revoke', 3), { actor: 'officer-a', clock });
  assert.equal(again.report.totals.filled, 3);
  assert.ok((await assignees(again.id)).includes(reserved.iin));
});

test('a reservation outside the appearance period does not exclude the person', async () => {
  const late = aviators[2] as (typeof aviators)[number];
  const r = await addReservation(db, entry(late.iin, { list_name: 'next-year', valid_from: '2027-06-01', valid_to: '2027-12-31' }), requester);
  await approveReservations(db, [r.id], approver);
  const { id } = await planCallup(db, order('res-period', 3), { actor: 'officer-a', clock });
  assert.ok((await assignees(id)).includes(late.iin));
  await revokeReservation(db, r.id, 'test done', approver);
});

test('a person whose summons is already issued is reported as a conflict, and the issued plan is left as it is', async () => {
  const planId = await approvedPlan(db, clock, order('res-issued', 1, false, 'medical'));
  await issuePlan(db, String(planId), { actor: 'officer-c', clock, appearanceAt: new Date('2026-12-01T09:00:00+05:00'), rng: seededRng(3) });
  const r = await addReservation(db, entry(medic.iin), requester);
  const [result] = await approveReservations(db, [r.id], approver);
  assert.deepEqual(result?.removed, []);
  assert.deepEqual(result?.conflicts, [{ planId, cell: 0 }]);
  assert.deepEqual(await assignees(planId), [medic.iin]);
  assert.equal((await getPlan(db, String(planId))).removals.length, 0);
  const summonses = await db.query('SELECT 1 FROM summonses WHERE iin = $1', [medic.iin]);
  assert.equal(summonses.length, 1, 'the summons stands');
  const conflicts = await db.query<{ plan_id: number }>('SELECT plan_id FROM civil_reservation_conflicts WHERE reservation_id = $1', [r.id]);
  assert.deepEqual(conflicts.map((c) => Number(c.plan_id)), [planId]);
});

test('a reservation approved while the plan was being made (so it could not remove the person) stops the plan from being issued', async () => {
  const radio = officer({ ...staff, specialty: 'radio' });
  await addPeople(db, clock, [radio]);
  const planId = await approvedPlan(db, clock, order('res-race', 1, false, 'radio'));
  assert.deepEqual(await assignees(planId), [radio.iin]);
  // What the race leaves behind on PostgreSQL: an approved reservation, and the person still in the plan.
  await db.query(
    `INSERT INTO civil_reservations (iin, requester_kind, requester, list_name, reason, valid_from, valid_to, created_at, created_by, approved_at, approved_by)
     VALUES ($1, 'organisation', $2, 'race', 'on call', '2026-11-23', '2027-11-22', $3, 'user:hr', $3, 'user:officer')`,
    [radio.iin, employer, at],
  );
  await assert.rejects(
    issuePlan(db, String(planId), { actor: 'officer-b', clock, appearanceAt: new Date('2026-12-01T09:00:00+05:00'), rng: seededRng(3) }),
    (e) => isDomainError(e, 'SUMMONS_PLAN_HAS_RESERVED') && (e.details.iins as string[]).includes(radio.iin),
  );
  assert.equal((await db.query('SELECT 1 FROM summonses WHERE plan_id = $1', [planId])).length, 0, 'nobody summonsed');
});

test('two-person rule: whoever asked for a reservation cannot approve it; an approved one cannot be approved twice', async () => {
  const r = await addReservation(db, entry((aviators[1] as { iin: string }).iin, { list_name: 'self-check' }), requester);
  await assert.rejects(approveReservations(db, [r.id], requester), (e) => isDomainError(e, 'CIVIL_SELF_APPROVAL'));
  await approveReservations(db, [r.id], approver);
  await assert.rejects(approveReservations(db, [r.id], approver), (e) => isDomainError(e, 'CIVIL_RESERVATION_BAD_STATE'));
  await assert.rejects(addReservation(db, entry((aviators[1] as { iin: string }).iin), requester), (e) => isDomainError(e, 'CIVIL_RESERVATION_INVALID'), 'one live reservation per person and requester');
  await revokeReservation(db, r.id, 'cleanup', approver);
});

test('CSV import: every bad line is reported with line, field and reason, and nothing is written', async () => {
  const count = async () => (await db.query<{ n: number }>('SELECT (SELECT count(*) FROM civil_reservations)::int + (SELECT count(*) FROM audit_log)::int AS n'))[0]?.n;
  const before = await count();
  const a = (aviators[0] as { iin: string }).iin;
  const b = (aviators[1] as { iin: string }).iin;
  const badCheck = `${a.slice(0, 11)}${(Number(a[11]) + 1) % 10}`;
  const csv = [
    'iin,requester_kind,requester,list_name,reason,valid_from,valid_to',
    `${a},organisation,${employer},import-1,дежурный хирург,2026-11-23,2027-11-22`,
    `${badCheck},organisation,${employer},import-1,дежурный хирург,2026-11-23,2027-11-22`,
    `${b},organisation,${employer},import-1,дежурный хирург,23.11.2026,2027-11-22`,
    `000000000000,organisation,${employer},import-1,дежурный хирург,2026-11-23,2027-11-22`,
    `${a},organisation,${employer},import-1,дежурный хирург,2026-11-23,2027-11-22`,
    `${b},ministry,${employer},import-1,x,2026-11-23,2027-11-22`,
    `${b},organisation,${employer},import-1,дежурный хирург,2026-11-23`,
    `${b},organisation,${employer},import-1,дежурный хирург,2026-11-23,2027-02-30`,
  ].join('\n');
  await assert.rejects(importReservationsCsv(db, csv, requester), (e) => {
    assert.ok(isDomainError(e, 'CIVIL_IMPORT_INVALID'));
    const got = (e.details.issues as { line: number; field: string }[]).map((i) => `${i.line}:${i.field}`);
    assert.deepEqual(got, ['3:iin', '4:valid_from', '5:iin', '6:iin', '7:requester_kind', '7:reason', '8:(row)', '9:valid_to']);
    return true;
  });
  assert.equal(await count(), before, 'no reservation and no audit entry written');

  await assert.rejects(importReservationsCsv(db, 'iin,requester\n', requester), (e) => isDomainError(e, 'CIVIL_IMPORT_INVALID') && /line 1: \(header\): missing requester_kind/.test(e.message));
  const ok = await importReservationsCsv(db, `${csv.split('\n').slice(0, 2).join('\n')}\n`, requester);
  assert.equal(ok.ids.length, 1);
  assert.equal(await count(), (before as number) + 2, 'one reservation and its audit entry');
});
