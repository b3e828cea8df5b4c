import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { cyberSkillMatch, infrastructureReadiness, seedInfrastructureDemo } from '../src/modules/infrastructure/index.ts';
import { idProblem, regions } from '../src/modules/registry/index.ts';
import { seedRegistry } from '../src/modules/registry/seed.ts';
import { freshDb } from './helpers/db.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');

async function seeded(): Promise<Db> {
  const db = await freshDb();
  await seedRegistry(db, { persons: 4000, seed: 7, clock, actor: 'test' });
  await seedInfrastructureDemo(db, { seed: 7, clock, actor: 'system:demo' });
  return db;
}

const snapshot = async (db: Db) => ({
  objects: await db.query('SELECT code, name, kind, region, district, operator_bin, criticality, lat, lon FROM infrastructure_objects ORDER BY code'),
  members: await db.query('SELECT u.code, m.iin, m.role FROM cyber_unit_members m JOIN cyber_units u ON u.id = m.unit_id ORDER BY u.code, m.iin'),
  incidents: await db.query('SELECT i.title, i.region, i.severity, e.seq, e.kind FROM infra_incidents i JOIN infra_incident_entries e ON e.incident_id = i.id ORDER BY i.id, e.seq'),
});

test('the demo data is the same for the same seed and registry, valid, and fills every region', { timeout: 300_000 }, async () => {
  const [a, b] = [await seeded(), await seeded()];
  try {
    const [sa, sb] = [await snapshot(a), await snapshot(b)];
    assert.deepEqual(sa, sb);
    assert.equal(sa.objects.length, 6 * regions().length);
    for (const o of sa.objects as { operator_bin: string; region: string; district: string | null }[]) {
      assert.equal(idProblem(o.operator_bin), null);
      assert.ok(o.district === null || o.district.startsWith(`${o.region}-`));
    }
    // Units in the three cities, each member skilled by the rule, nobody in two units.
    assert.deepEqual([...new Set(sa.members.map((m) => (m as { code: string }).code))], ['CYB-KZ-71-01', 'CYB-KZ-75-01', 'CYB-KZ-79-01']);
    const people = await a.query<{ sector: string | null; occupation: string | null; specialty: string | null; birth_date: string; serving_sentence: boolean; resides_abroad: boolean }>(
      'SELECT p.sector, p.occupation, p.specialty, p.birth_date::text AS birth_date, p.serving_sentence, p.resides_abroad FROM cyber_unit_members m JOIN persons p ON p.iin = m.iin',
    );
    assert.ok(people.length > 0 && people.every((p) => cyberSkillMatch(p, '2026-11-23').tier !== null));
    const readiness = await infrastructureReadiness(a);
    const open = readiness.reduce((n, r) => n + (r.measures.openIncidents ?? 0), 0);
    assert.equal(open, 2, 'two demo incidents are left unresolved (one open, one contained)');
  } finally {
    await a.close();
    await b.close();
  }
});
