import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../src/kernel/clock.ts';
import { createDemoUsers } from '../src/modules/access/index.ts';
import { DEMO_ENTERPRISES_PER_REGION, economyReadiness, seedEconomyDemo } from '../src/modules/economy/index.ts';
import { idProblem, regions } from '../src/modules/registry/index.ts';
import { seedRegistry } from '../src/modules/registry/seed.ts';
import { freshDb } from './helpers/db.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');

async function seeded(persons: number) {
  const db = await freshDb();
  if (persons) await seedRegistry(db, { persons, seed: 7, clock });
  const users = persons ? await createDemoUsers(db, { clock, actor: 'test' }) : null;
  const summary = await seedEconomyDemo(db, { seed: 7, clock, actor: 'system:demo' });
  const capacities = await db.query('SELECT bin, kind, subtype, quantity, places, region FROM economy_capacities ORDER BY bin, kind, subtype, region');
  return { db, users, summary, capacities };
}

test('the economy demo: enterprises in every region from the registry’s employers, capacities, a task and a requisition; deterministic; once only', async () => {
  const a = await seeded(4000);
  try {
    const { db } = a;
    assert.equal(a.summary.enterprises, regions().length * DEMO_ENTERPRISES_PER_REGION);
    const orgs = await db.query<{ bin: string; region: string }>("SELECT bin, region FROM organisations WHERE kind = 'enterprise'");
    assert.equal(orgs.length, a.summary.enterprises);
    assert.ok(orgs.every((o) => idProblem(o.bin) === null), 'every BIN has a valid check digit');
    assert.deepEqual([...new Set(orgs.map((o) => o.region))].sort(), regions().map((r) => r.iso).sort());
    const employers = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM persons p JOIN organisations o ON o.bin = p.employer_bin');
    assert.ok((employers[0]?.n ?? 0) > 0, 'the enterprises are employers on the registry');
    const officer = a.users?.find((u) => u.role === 'enterprise_officer');
    assert.ok(officer && orgs.some((o) => o.bin === officer.scope), 'the demo enterprise officer has an enterprise to see');
    assert.ok((await db.query("SELECT 1 FROM economy_ledger WHERE kind = 'paid'")).length === 1);
    const ready = await economyReadiness(db);
    assert.ok(ready.every((r) => r.measures.enterprises === DEMO_ENTERPRISES_PER_REGION));
    assert.ok(ready.reduce((n, r) => n + (r.measures.vehiclesTasked ?? 0), 0) > 0);
    assert.deepEqual(await seedEconomyDemo(db, { seed: 7, clock, actor: 'system:demo' }), { enterprises: 0, capacityLines: 0 }, 'a second run adds nothing');
    const b = await seeded(4000);
    try {
      assert.deepEqual(b.capacities, a.capacities, 'the same seed gives the same capacities');
    } finally {
      await b.db.close();
    }
  } finally {
    await a.db.close();
  }
  const empty = await seeded(0);
  try {
    assert.equal(empty.summary.enterprises, regions().length * DEMO_ENTERPRISES_PER_REGION, 'without a registry the BINs are made from the seed');
  } finally {
    await empty.db.close();
  }
});
