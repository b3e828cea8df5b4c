import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../src/kernel/clock.ts';
import { seedRegistry } from '../src/modules/registry/seed.ts';
import { listUnits, seedTerritorialDemo, territorialReadiness, unprotectedCritical } from '../src/modules/territorial/index.ts';
import { freshDb } from './helpers/db.ts';
import { infrastructureObject } from './helpers/territorial.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');

/** The demo on a seeded registry of 3,000, with two criticality-1 objects in the first region when `objects`. */
async function demo(objects: boolean) {
  const db = await freshDb();
  try {
    await seedRegistry(db, { persons: 3000, seed: 7, clock, actor: 'test' });
    if (objects) for (const code of ['OBJ-A', 'OBJ-B']) await infrastructureObject(db, { region: 'KZ-71', code });
    const summary = await seedTerritorialDemo(db, { seed: 7, clock, actor: 'system:demo' });
    const members = await db.query<{ unit: string; iin: string }>('SELECT u.name AS unit, m.iin FROM td_members m JOIN td_units u ON u.id = m.unit_id ORDER BY u.name, m.iin');
    return { summary, members, units: await listUnits(db, { region: null, district: null }), readiness: await territorialReadiness(db), open: await unprotectedCritical(db, { region: null, district: null }) };
  } finally {
    await db.close();
  }
}

test('the territorial demo is the same for the same seed, tolerates an empty infrastructure register, guards every other object', { timeout: 300_000 }, async () => {
  const [a, b, withObjects] = [await demo(false), await demo(false), await demo(true)];
  assert.deepEqual(a.members, b.members);
  assert.deepEqual(a.summary, b.summary);
  assert.equal(a.summary.guarded, 0);
  assert.ok(a.summary.units > 0 && a.summary.members > 0 && a.summary.planId !== null, JSON.stringify(a.summary));
  assert.equal(a.summary.members, a.units.reduce((n, u) => n + u.members, 0));
  for (const u of a.units) assert.ok(u.members <= u.strengthTarget, u.name);
  assert.deepEqual([withObjects.summary.guarded, withObjects.open.map((o) => o.code)], [1, ['OBJ-B']]);
  assert.equal(withObjects.readiness.find((r) => r.region === 'KZ-71')?.measures.critProtected, 1);
});
