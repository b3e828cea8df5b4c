import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { Db } from '../src/db/client.ts';
import type { Clock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { seededRng } from '../src/kernel/rng.ts';
import {
  appendToSummons,
  failuresToAppear,
  issuePlan,
  recordOfficerAction,
  referDueFailures,
  referralCsv,
  referralList,
  REFERRAL_COLUMNS,
  showSummons,
} from '../src/modules/summons/index.ts';
import { freshDb } from './helpers/db.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

let now = new Date('2026-11-23T06:00:00Z');
const clock: Clock = { now: () => new Date(now) };
const appearanceAt = new Date('2026-12-01T09:00:00+05:00');
const afterAppearance = new Date('2026-12-02T10:00:00+05:00');
let db: Db;

before(async () => {
  db = await freshDb();
});
after(async () => {
  await db.close();
});

interface Issued { id: string; iin: string; mobile: string | null }

/** Issues an approved plan for these people (at the pinned dispatch time) and returns their summonses. */
async function issue(planName: string, people: ReturnType<typeof officer>[]): Promise<Issued[]> {
  now = new Date('2026-11-23T06:00:00Z');
  await addPeople(db, clock, people);
  const planId = await approvedPlan(db, clock, order(planName, people.length, false, people[0]?.specialty as string));
  await issuePlan(db, String(planId), { actor: 'officer-b', clock, appearanceAt, rng: seededRng(planName) });
  return db.query<Issued>('SELECT s.id::text AS id, s.iin, p.mobile FROM summonses s JOIN persons p ON p.iin = s.iin WHERE s.plan_id = $1 ORDER BY s.id', [planId]);
}

/** The SMSC's submit and delivery report on file, as the dispatcher records them (the dispatcher has its own tests). */
async function delivered(s: Issued): Promise<void> {
  const at = '2026-11-23T06:01:00.000Z';
  const messageId = `m-${s.id}`;
  await db.transaction((tx) =>
    appendToSummons(tx, s.id, [
      { kind: 'sms_submitted', at, number: s.mobile as string, numberBasis: ['given_to_lma'], messageIds: [messageId] },
      { kind: 'sms_delivery_report', at, messageId, status: 'delivered' },
    ], { actor: 'dispatcher:test', clock, audit: 'summons.sms.dispatch' }),
  );
}

const legal = async (id: string) => (await showSummons(db, id, { actor: 'test', at: clock.now() })).state.legal;
const officerA = { actor: 'lma-officer', clock };

async function refusedWith(code: string, p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e: unknown) => isDomainError(e, code) || assert.fail(`expected ${code}, got ${(e as Error).message}`));
}

test('appearance, accepted and rejected reasons, failure: each legal state follows from what the officer records', async () => {
  const issuedAll = await issue('officer-flow', Array.from({ length: 4 }, () => officer({ specialty: "artillery", district: "Almaty district" })));
  assert.equal(issuedAll.length, 4, JSON.stringify(issuedAll));
  const [a, b, c, d] = issuedAll;
  for (const s of [a, b, c]) await delivered(s as Issued);
  now = new Date('2026-12-01T08:30:00+05:00');
  assert.equal((await recordOfficerAction(db, (a as Issued).id, { kind: 'appeared' }, officerA)).legal, 'appeared');

  await recordOfficerAction(db, (b as Issued).id, { kind: 'reason_reported', reason: 'illness', details: 'hospital certificate no. 12' }, officerA);
  now = afterAppearance;
  await refusedWith('SUMMONS_TRANSITION_REFUSED', recordOfficerAction(db, (b as Issued).id, { kind: 'failed_to_appear' }, officerA));
  assert.equal((await recordOfficerAction(db, (b as Issued).id, { kind: 'reason_accepted' }, officerA)).legal, 'excused');

  await recordOfficerAction(db, (c as Issued).id, { kind: 'reason_reported', reason: 'natural_disaster_or_other_circumstances' }, officerA);
  assert.equal((await recordOfficerAction(db, (c as Issued).id, { kind: 'reason_rejected', why: 'roads were open that day' }, officerA)).legal, 'duly_notified');
  assert.equal((await recordOfficerAction(db, (c as Issued).id, { kind: 'failed_to_appear' }, officerA)).legal, 'referred');

  // Never notified: a failure cannot be recorded, whatever the date.
  await refusedWith('SUMMONS_TRANSITION_REFUSED', recordOfficerAction(db, (d as Issued).id, { kind: 'failed_to_appear' }, officerA));
  assert.equal(await legal((d as Issued).id), 'not_notified');

  const audit = await db.query<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE subject = $1 ORDER BY seq", [`summons:${(c as Issued).id}`]);
  assert.deepEqual(audit.filter((x) => x.actor === 'lma-officer').map((x) => x.action), ['summons.reason_reported', 'summons.reason_rejected', 'summons.failed_to_appear']);
});

test('bad officer input is refused with the field and nothing is written', async () => {
  const [s] = await issue('bad-input', [officer({ specialty: 'medical' })]);
  const id = (s as Issued).id;
  const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM summons_ledger WHERE summons_id = $1', [id]);
  await assert.rejects(recordOfficerAction(db, id, { kind: 'reason_reported', reason: 'too busy' }, officerA), (e: unknown) => isDomainError(e, 'SUMMONS_ACTION_INVALID') && /reason/.test((e as Error).message));
  await assert.rejects(recordOfficerAction(db, id, { kind: 'appeared', extra: 1 }, officerA), (e: unknown) => isDomainError(e, 'SUMMONS_ACTION_INVALID'));
  await assert.rejects(recordOfficerAction(db, id, { kind: 'paper_received', place: 'residence', via: 'hand', signedBy: '  ' }, officerA), (e: unknown) => isDomainError(e, 'SUMMONS_ACTION_INVALID') && /signedBy/.test((e as Error).message));
  await refusedWith('SUMMONS_ACTION_IN_FUTURE', recordOfficerAction(db, id, { kind: 'appeared', at: '2027-01-01T00:00:00+05:00' }, officerA));
  await refusedWith('SUMMONS_NOT_FOUND', recordOfficerAction(db, '999999', { kind: 'appeared' }, officerA));
  await refusedWith('SUMMONS_NOT_FOUND', recordOfficerAction(db, '1; DROP TABLE summonses', { kind: 'appeared' }, officerA));
  const afterRows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM summons_ledger WHERE summons_id = $1', [id]);
  assert.deepEqual(afterRows, before);
});

test('paper delivered against signature notifies; a refusal counts as notified; both can then fail to appear', async () => {
  const [signed, refused, late] = await issue('paper', Array.from({ length: 3 }, () => officer({ specialty: 'engineering', mobile: null, mobile_on_egov: false, egov_account: false })));
  now = new Date('2026-11-24T12:00:00+05:00');
  assert.equal((await recordOfficerAction(db, (signed as Issued).id, { kind: 'paper_received', place: 'residence', via: 'hand', signedBy: 'the person' }, officerA)).legal, 'duly_notified');
  assert.equal((await recordOfficerAction(db, (refused as Issued).id, { kind: 'paper_refused', place: 'work', notedBy: 'courier Abenov' }, officerA)).legal, 'refused');
  // Handed two days before the appearance at the address: the three-day rule is not met, so nobody is notified.
  now = new Date('2026-11-29T12:00:00+05:00');
  assert.equal((await recordOfficerAction(db, (late as Issued).id, { kind: 'paper_received', place: 'residence', via: 'mail', signedBy: 'the person' }, officerA)).legal, 'not_notified');
  now = afterAppearance;
  const groups = await failuresToAppear(db, {}, { actor: 'lma-officer', at: now });
  const due = groups.flatMap((g) => g.summonses).filter((x) => x.status === 'due').map((x) => x.summonsId);
  assert.ok(due.includes((signed as Issued).id) && due.includes((refused as Issued).id));
  assert.ok(!due.includes((late as Issued).id), 'a person never duly notified is not a failure to appear');
});

test('failures per district, referral of the due ones, and the referral list for internal affairs', async () => {
  const east = Array.from({ length: 2 }, () => officer({ specialty: 'logistics', region: 'KZ-63', district: 'Ust-Kamenogorsk', address: 'Lenin st. 1' }));
  const west = [officer({ specialty: 'logistics', region: 'KZ-27', district: 'Uralsk', address: 'Abai ave. 5' })];
  const issued = await issue('failures', [...east, ...west]);
  for (const s of issued) await delivered(s);
  const byIin = new Map(issued.map((s) => [s.iin, s]));
  const [e1, e2] = east.map((p) => byIin.get(p.iin) as Issued);
  const w1 = byIin.get((west[0] as { iin: string }).iin) as Issued;

  now = new Date('2026-12-01T08:00:00+05:00');
  assert.equal((await failuresToAppear(db, { region: 'KZ-63' }, { actor: 'lma-officer', at: now })).length, 0, 'nothing is a failure before the appearance time');
  await recordOfficerAction(db, (e2 as Issued).id, { kind: 'appeared' }, officerA);

  now = afterAppearance;
  const groups = await failuresToAppear(db, { planId: (await db.query<{ plan_id: number }>('SELECT plan_id FROM summonses WHERE id = $1', [w1.id]))[0]?.plan_id as number }, { actor: 'lma-officer', at: now });
  assert.deepEqual(groups.map((g) => [g.region, g.district, g.due, g.referred]), [['KZ-27', 'Uralsk', 1, 0], ['KZ-63', 'Ust-Kamenogorsk', 1, 0]]);

  const { referred, skipped } = await referDueFailures(db, { region: 'KZ-63' }, officerA);
  assert.deepEqual(referred, [(e1 as Issued).id]);
  assert.deepEqual(skipped, []);
  assert.equal(await legal((e1 as Issued).id), 'referred');
  assert.equal(await legal(w1.id), 'duly_notified', 'the other region was not touched');

  const list = await referralList(db, { region: 'KZ-63' }, { actor: 'mia-liaison', at: now, purpose: 'compelled appearance' });
  assert.deepEqual(list.map((r) => r.summonsId), [(e1 as Issued).id]);
  const rows = parse(referralCsv(list), { columns: true }) as Record<string, string>[];
  assert.deepEqual(Object.keys(rows[0] as object), [...REFERRAL_COLUMNS]);
  const row = rows[0] as Record<string, string>;
  assert.equal(row.iin, east[0]?.iin);
  assert.equal(row.address, 'Lenin st. 1');
  assert.equal(row.appearance_at, '2026-12-01T09:00:00+05:00');
  assert.equal(row.referred_at, '2026-12-02T10:00:00+05:00');
  assert.equal(row.referred_by, 'lma-officer');
  assert.match(row.notified_by as string, /SMS delivered to \+7/);
  const audit = await db.query<{ actor: string; details: { referrals: number; purpose: string } }>("SELECT actor, details FROM audit_log WHERE action = 'summons.referrals.read' ORDER BY seq DESC LIMIT 1");
  assert.equal(audit[0]?.actor, 'mia-liaison');
  assert.deepEqual([audit[0]?.details.referrals, audit[0]?.details.purpose], [1, 'compelled appearance']);
});
