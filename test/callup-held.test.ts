import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { heldByCallup, recordPlanAction, removeFromOpenPlans } from '../src/modules/callup/index.ts';
import { freshDb } from './helpers/db.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

// Who the call-up holds is the one rule the civil, cyber and territorial-defence tiers all ask before taking someone.
const clock = fixedClock('2026-11-23T06:00:00Z');
let db: Db;

before(async () => {
  db = await freshDb();
});
after(async () => {
  await db.close();
});

const held = (iins: string[]) => db.transaction(async (tx) => Object.fromEntries(await heldByCallup(tx, iins)));

test('a draft or approved plan holds its people; a withdrawn, superseded or exercise plan does not', async () => {
  const [a, b, c] = [officer({ specialty: 'radio' }), officer({ specialty: 'artillery' }), officer({ specialty: 'engineering' })];
  await addPeople(db, clock, [a, b, c]);
  const draft = await approvedPlan(db, clock, order('held-draft', 1, false, 'radio'), false);
  const approved = await approvedPlan(db, clock, order('held-approved', 1, false, 'artillery'));
  await approvedPlan(db, clock, order('held-exercise', 1, true, 'engineering'));
  assert.deepEqual(await held([a.iin, b.iin, c.iin]), { [a.iin]: draft, [b.iin]: approved });

  const e = officer({ specialty: 'medical' });
  await addPeople(db, clock, [e]);
  const dropped = await approvedPlan(db, clock, order('held-withdrawn', 1, false, 'medical'), false);
  assert.deepEqual(await held([e.iin]), { [e.iin]: dropped });
  await recordPlanAction(db, String(dropped), 'withdraw', { actor: 'officer-b', clock });
  assert.deepEqual(await held([e.iin]), {}, 'withdrawn');

  // A new version of the same order supersedes the draft: only the newest version holds.
  const again = await approvedPlan(db, clock, order('held-draft', 1, false, 'radio'), false);
  assert.deepEqual(await held([a.iin]), { [a.iin]: again });
});

test('a person removed from a plan (reserved for civil work) is no longer held by it', async () => {
  const d = officer({ specialty: 'logistics' });
  await addPeople(db, clock, [d]);
  await approvedPlan(db, clock, order('held-removal', 1, false, 'logistics'));
  assert.equal((await held([d.iin]))[d.iin] !== undefined, true);
  const out = await db.transaction((tx) => removeFromOpenPlans(tx, d.iin, { actor: 'test', at: clock.now(), reason: 'reserved', reservationId: null, from: '2026-11-25', to: '2026-12-31' }));
  assert.equal(out.removed.length, 1);
  assert.deepEqual(await held([d.iin]), {});
});
