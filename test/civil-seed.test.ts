import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../src/kernel/clock.ts';
import { civilReadiness, listTasks, seedCivilDemo, showTask } from '../src/modules/civil/index.ts';
import { seedRegistry } from '../src/modules/registry/seed.ts';
import { freshDb } from './helpers/db.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');

/** Seeds a registry and the civil demo in a fresh database; returns what a reader of the tier would see. */
async function demo(): Promise<{ tasks: unknown; reservations: unknown; again: unknown; readiness: unknown }> {
  const db = await freshDb();
  try {
    await seedRegistry(db, { persons: 3000, seed: 5, clock, actor: 'system:demo' });
    const first = await seedCivilDemo(db, { seed: 5, clock, actor: 'system:demo' });
    const again = await seedCivilDemo(db, { seed: 5, clock, actor: 'system:demo' });
    const tasks = await listTasks(db, { region: null });
    const nurses = await showTask(db, 'demo-nurses');
    assert.equal(nurses.state.status, 'approved');
    assert.notEqual(nurses.state.approvedBy, nurses.state.plannedBy, 'approved by a second actor');
    const reserved = await db.query<{ iin: string }>('SELECT iin FROM civil_reservations WHERE approved_at IS NOT NULL ORDER BY iin');
    return { tasks: { first, list: tasks.map(({ id, region, status, filled, shortfall }) => ({ id, region, status, filled, shortfall })) }, reservations: reserved.map((r) => r.iin), again, readiness: await civilReadiness(db, clock) };
  } finally {
    await db.close();
  }
}

test('the civil demo is drawn deterministically from the seeded registry, and only into an empty tier', { timeout: 300_000 }, async () => {
  const a = await demo();
  assert.deepEqual(a.again, { tasks: 0, reservations: 0 });
  assert.deepEqual((a.tasks as { first: unknown }).first, { tasks: 2, reservations: 15 });
  const b = await demo();
  assert.deepEqual(b, a);
});
