import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { getPlan } from '../src/modules/callup/index.ts';
import { checkLedger, issuePlan, showSummons } from '../src/modules/summons/index.ts';
import { freshDb } from './helpers/db.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const appearanceAt = new Date('2026-12-01T09:00:00+05:00');
let db: Db;

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [officer(), officer(), officer({ mobile: null, mobile_on_egov: false }), officer({ egov_account: false, mobile_on_egov: false })]);
});
after(async () => db.close());

const opts = (actor: string, over: Partial<Parameters<typeof issuePlan>[2]> = {}) => ({ actor, clock, appearanceAt, rng: seededRng(7), ...over });

test('a draft plan is not issued, and nothing is written', async () => {
  const id = await approvedPlan(db, clock, order('draft-only', 2), false);
  await assert.rejects(issuePlan(db, String(id), opts('officer-c')), (e) => isDomainError(e, 'SUMMONS_PLAN_NOT_APPROVED'));
  const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM summonses WHERE plan_id = $1', [id])) as [{ n: number }];
  assert.equal(n, 0);
});

test("the plan's author cannot issue it", async () => {
  const id = await approvedPlan(db, clock, order('own-plan', 2));
  await assert.rejects(issuePlan(db, String(id), opts('officer-a')), (e) => isDomainError(e, 'SUMMONS_SELF_ISSUE'));
  assert.equal((await getPlan(db, String(id))).state.status, 'approved');
});

test('an appearance less than three calendar days (Kazakhstan time) after now is refused', async () => {
  const id = await approvedPlan(db, clock, order('too-soon', 2));
  // now is 2026-11-23 11:00 in Kazakhstan; the 25th is two calendar days later, the 26th three.
  await assert.rejects(issuePlan(db, String(id), opts('officer-c', { appearanceAt: new Date('2026-11-25T23:00:00+05:00') })), (e) => isDomainError(e, 'SUMMONS_NOTICE_TOO_SHORT'));
  const r = await issuePlan(db, String(id), opts('officer-c', { appearanceAt: new Date('2026-11-26T00:30:00+05:00') }));
  assert.equal(r.summonses, 2);
});

test('one summons per assignment with its issued evidence, queued SMS, the plan issued, exercise mark carried', async () => {
  for (const exercise of [false, true]) {
    const id = await approvedPlan(db, clock, order(exercise ? 'drill' : 'real', 4, exercise));
    const r = await issuePlan(db, String(id), opts('officer-b'));
    assert.equal(r.summonses, 4);
    assert.deepEqual(r.byChannel, { sms: 3, egov: 2, paper: 1 });
    assert.equal(r.queuedSms, 3);
    assert.equal(r.queuedEgov, 2);
    const plan = await getPlan(db, String(id));
    assert.equal(plan.state.status, 'issued');
    assert.equal(plan.log.at(-1)?.actor, 'officer-b');
    const rows = await db.query<{ id: string; iin: string; exercise: boolean }>('SELECT id, iin, exercise FROM summonses WHERE plan_id = $1', [id]);
    const assigned = await db.query<{ iin: string }>('SELECT iin FROM callup_assignments WHERE plan_id = $1', [id]);
    assert.deepEqual(rows.map((r) => r.iin).sort(), assigned.map((a) => a.iin).sort());
    assert.ok(rows.every((r) => r.exercise === exercise));
    const texts = await db.query<{ text: string; exercise: boolean }>('SELECT o.text, o.exercise FROM summons_outbox o JOIN summonses s ON s.id = o.summons_id WHERE s.plan_id = $1', [id]);
    assert.ok(texts.every((t) => t.exercise === exercise && t.text.startsWith('УЧЕНИЯ') === exercise));
    // The e-Gov message goes to the account (the IIN), in Kazakh then Russian, with the full content of a summons.
    const egov = await db.query<{ destination: string; title: string; text: string; number_basis: string[]; iin: string; code: string }>(
      "SELECT o.destination, o.title, o.text, o.number_basis, s.iin, s.verification_code AS code FROM summons_outbox o JOIN summonses s ON s.id = o.summons_id WHERE s.plan_id = $1 AND o.channel = 'egov'",
      [id],
    );
    assert.equal(egov.length, 2);
    for (const m of egov) {
      assert.equal(m.destination, m.iin);
      assert.deepEqual(m.number_basis, []);
      assert.equal(m.title.startsWith('УЧЕНИЯ'), exercise);
      assert.match(m.text, /ШАҚЫРУ ҚАҒАЗЫ[\s\S]*Туған күні: 05\.03\.1998[\s\S]*Келу уақыты: 01\.12\.2026, сағат 09:00[\s\S]*ПОВЕСТКА[\s\S]*Время явки: 01\.12\.2026, 09:00/);
      assert.ok(m.text.includes(`Код проверки: ${m.code}`) && m.text.includes('Выдана: LMA KZ-71, 23.11.2026'), m.text);
    }
    const s = await showSummons(db, String(rows[0]?.id), { actor: 'test', at: clock.now() });
    assert.equal(s.state.exercise, exercise);
    assert.equal(s.state.legal, 'not_notified');
    await assert.rejects(issuePlan(db, String(id), opts('officer-c')), (e) => isDomainError(e, 'SUMMONS_PLAN_NOT_APPROVED'));
  }
  const audit = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'summons.issue'");
  assert.equal(audit[0]?.n, 3);
  assert.equal((await checkLedger(db)).ok, true);
});
