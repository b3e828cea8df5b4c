import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { appendLedger, issuePlan, rebuildSummonsState, summonsFunnel, type SummonsAction } from '../src/modules/summons/index.ts';
import { freshDb } from './helpers/db.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

/**
 * The read model never disagrees with the ledger: random sequences of actions — evidence of every kind, decisions
 * allowed and refused — are appended one by one, and after each the model is re-derived from the ledger and compared.
 */
const clock = fixedClock('2026-11-23T06:00:00Z');
const appearance = '2026-12-01T04:00:00.000Z';
let db: Db;
let ids: string[] = [];

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [officer(), officer(), officer()]);
  const plan = await approvedPlan(db, clock, order('model', 3));
  await issuePlan(db, String(plan), { actor: 'officer-b', clock, appearanceAt: new Date(appearance), rng: seededRng(4) });
  ids = (await db.query<{ id: string }>('SELECT id::text AS id FROM summonses ORDER BY id')).map((r) => r.id);
});

after(async () => {
  await db?.close();
});

const at = fc.integer({ min: -3 * 24 * 60, max: 12 * 24 * 60 }).map((m) => new Date(Date.parse('2026-11-28T00:00:00Z') + m * 60_000).toISOString());
const msgId = fc.constantFrom('m1', 'm2', 'm3', 'm4');
const action: fc.Arbitrary<SummonsAction> = fc.oneof(
  fc.record({ kind: fc.constant('sms_submitted' as const), at, number: fc.constantFrom('+77010000001', '+77010000002'), numberBasis: fc.constant(['registered_in_name']) as fc.Arbitrary<('registered_in_name')[]>, messageIds: fc.uniqueArray(msgId, { minLength: 1, maxLength: 2 }) }),
  fc.record({ kind: fc.constant('sms_delivery_report' as const), at, messageId: msgId, status: fc.constantFrom('delivered' as const, 'undeliverable' as const, 'expired' as const) }),
  fc.record({ kind: fc.constant('egov_posted' as const), at, account: fc.constant('egov:1') }),
  fc.record({ kind: fc.constant('read_status' as const), at, channel: fc.constant('egov' as const), status: fc.constantFrom('read' as const, 'unread' as const) }),
  fc.record({ kind: fc.constant('number_changed' as const), at, number: fc.constant('+77010000003') }),
  fc.record({ kind: fc.constant('paper_received' as const), at, place: fc.constant('residence' as const), via: fc.constant('hand' as const), signedBy: fc.constant('courier') }),
  fc.record({ kind: fc.constant('paper_refused' as const), at, place: fc.constant('work' as const), notedBy: fc.constant('courier') }),
  fc.record({ kind: fc.constant('reason_reported' as const), at, reason: fc.constantFrom('illness' as const, 'outside_kazakhstan' as const) }),
  fc.record({ kind: fc.constant('reason_accepted' as const), at, by: fc.constant('officer') }),
  fc.record({ kind: fc.constant('reason_rejected' as const), at, by: fc.constant('officer'), why: fc.constant('no document') }),
  fc.record({ kind: fc.constant('appeared' as const), at, recordedBy: fc.constant('officer') }),
  fc.record({ kind: fc.constant('failed_to_appear' as const), at, recordedBy: fc.constant('officer') }),
);

async function agrees(): Promise<void> {
  const r = await rebuildSummonsState(db, { verify: true });
  assert.deepEqual({ differing: r.differing, missing: r.missing }, { differing: [], missing: [] });
}

test('after every appended action, allowed or refused, each model row equals the reducer over its ledger', async () => {
  let applied = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.nat({ max: 2 }), fc.array(action, { minLength: 1, maxLength: 3 })), { minLength: 5, maxLength: 12 }), async (steps) => {
      for (const [who, actions] of steps) {
        const summonsId = ids[who] as string;
        try {
          // Several actions in one append, as the dispatcher records a batch.
          await db.transaction((tx) => appendLedger(tx, actions.map((a) => ({ summonsId, action: a })), clock));
          applied += actions.length;
        } catch (e) {
          if (!isDomainError(e, 'SUMMONS_TRANSITION_REFUSED')) throw e;
          refused++;
        }
        await agrees();
      }
    }),
    { seed: 14, numRuns: 8 },
  );
  assert.ok(applied > 20 && refused > 3, `both kinds happened (${applied} applied, ${refused} refused)`);
  const f = await summonsFunnel(db, { scope: () => 'true' });
  assert.equal(f.totals.issued, 3);
});

test('rebuild-state --verify names a row changed behind the ledger’s back, and a rebuild puts it right', async () => {
  const id = ids[0] as string;
  const [{ legal } = { legal: '' }] = await db.query<{ legal: string }>('SELECT legal FROM summons_state WHERE summons_id = $1', [Number(id)]);
  await db.query(`UPDATE summons_state SET legal = $2, sent = NOT sent WHERE summons_id = $1`, [Number(id), legal === 'appeared' ? 'excused' : 'appeared']);
  await db.query('DELETE FROM summons_state WHERE summons_id = $1', [Number(ids[1])]);
  const v = await rebuildSummonsState(db, { verify: true });
  assert.deepEqual(v.differing, [{ summonsId: id, columns: ['legal', 'sent'] }]);
  assert.deepEqual(v.missing, [ids[1]]);
  const fixed = await rebuildSummonsState(db, { verify: false });
  assert.equal(fixed.differing.length + fixed.missing.length, 2);
  await agrees();
});

test('live counts leave exercise summonses out unless their plan is asked for', async () => {
  await addPeople(db, clock, [officer(), officer()]);
  const plan = await approvedPlan(db, clock, order('model-exercise', 2, true));
  await issuePlan(db, String(plan), { actor: 'officer-b', clock, appearanceAt: new Date(appearance), rng: seededRng(5) });
  assert.equal((await summonsFunnel(db, { scope: () => 'true' })).totals.issued, 3, 'the live funnel');
  assert.equal((await summonsFunnel(db, { scope: () => 'true', planId: plan })).totals.issued, 2, 'the exercise, asked for by its plan');
});

test('a person who moves takes their summonses to the new area: the old district no longer counts them, verify agrees', async () => {
  const [row] = await db.query<{ iin: string; region: string; district: string | null }>('SELECT iin, region, district FROM summons_state WHERE summons_id = $1', [Number(ids[2])]);
  const moved = { ...officer(), iin: (row as { iin: string }).iin, region: 'KZ-75', district: 'KZ-75-D02' };
  await addPeople(db, clock, [moved]);
  const [after] = await db.query<{ region: string; district: string }>('SELECT region, district FROM summons_state WHERE summons_id = $1', [Number(ids[2])]);
  assert.deepEqual(after, { region: 'KZ-75', district: 'KZ-75-D02' });
  const there = await summonsFunnel(db, { scope: () => 'true', region: 'KZ-75', district: 'KZ-75-D02' });
  assert.equal(there.totals.issued, 1);
  const r = await rebuildSummonsState(db, { verify: true });
  assert.deepEqual([r.differing, r.missing], [[], []]);
});
