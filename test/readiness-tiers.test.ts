import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { civilReadiness, seedCivilDemo } from '../src/modules/civil/index.ts';
import { economyReadiness, seedEconomyDemo } from '../src/modules/economy/index.ts';
import { infrastructureReadiness, seedInfrastructureDemo } from '../src/modules/infrastructure/index.ts';
import type { FourTierReadiness } from '../src/modules/readiness/index.ts';
import { seedRegistry } from '../src/modules/registry/index.ts';
import { issuePlan } from '../src/modules/summons/index.ts';
import { seedTerritorialDemo, territorialReadiness } from '../src/modules/territorial/index.ts';
import { freshDb } from './helpers/db.ts';
import { staffToken } from './helpers/staff.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const demo = { seed: 4, clock, actor: 'test:demo' };
let db: Db;
let app: FastifyInstance;
let token = '';

before(async () => {
  db = await freshDb();
  await seedRegistry(db, { persons: 4000, seed: 4, clock, actor: 'test:demo' });
  await seedInfrastructureDemo(db, demo);
  await seedTerritorialDemo(db, demo);
  await seedEconomyDemo(db, demo);
  await seedCivilDemo(db, demo);
  // Two summonses in Almaty, one of them duly notified by paper, so the military tier's summons measures move.
  await addPeople(db, clock, [officer({ region: 'KZ-75', district: 'KZ-75-D01', mobile: null, mobile_on_egov: false, egov_account: false }), officer({ region: 'KZ-75', district: 'KZ-75-D02' })]);
  const planId = await approvedPlan(db, clock, order('tiers-army', 2, false, 'aviation'));
  await issuePlan(db, String(planId), { actor: 'officer-b', clock, appearanceAt: new Date('2026-12-01T09:00:00+05:00'), rng: seededRng(5) });
  app = await buildApp({ db, clock });
  token = await staffToken(db, 'coordinator', 'national_coordinator');
});
after(async () => {
  await app.close();
  await db.close();
});

async function tiers(bearer = token): Promise<{ status: number; body: FourTierReadiness }> {
  const r = await app.inject({ method: 'GET', url: '/api/dashboard/tiers', headers: { authorization: `Bearer ${bearer}` } });
  return { status: r.statusCode, body: r.json() as FourTierReadiness };
}

test('the four tiers stand side by side for every region, each exactly as its own module reports it', async () => {
  const { status, body } = await tiers();
  assert.equal(status, 200);
  assert.deepEqual(body.tiers.map((x) => x.tier), ['military', 'civil', 'economic', 'cyber', 'territorial']);
  const regions = await db.query<{ iso: string }>('SELECT iso FROM regions ORDER BY iso');
  assert.deepEqual(body.regions.map((r) => r.iso), regions.map((r) => r.iso));
  const own = { civil: await civilReadiness(db, clock), economic: await economyReadiness(db), cyber: await infrastructureReadiness(db), territorial: await territorialReadiness(db) };
  for (const [tier, rows] of Object.entries(own) as [keyof typeof own, typeof own.civil][]) {
    assert.deepEqual(body.tiers.find((x) => x.tier === tier)?.measures, Object.keys(rows[0]?.measures ?? {}), `${tier} measures`);
    for (const r of rows) assert.deepEqual(body.regions.find((x) => x.iso === r.region)?.values[tier], r.measures, `${tier} in ${r.region}`);
    const moved = rows.some((r) => Object.values(r.measures).some((v) => v > 0));
    assert.ok(moved, `the ${tier} demo data shows in its tier`);
  }
});

test('the military tier counts the reserve from the registry and the summonses from their evidence', async () => {
  const { body } = await tiers();
  const reserve = await db.query<{ region: string; n: number }>(
    "SELECT region, count(*)::int AS n FROM persons WHERE mil_category IN ('reserve_soldier', 'reserve_sergeant', 'reserve_officer') GROUP BY region",
  );
  for (const r of reserve) assert.equal(body.regions.find((x) => x.iso === r.region)?.values.military.reserve, r.n, r.region);
  const almaty = body.regions.find((x) => x.iso === 'KZ-75')?.values.military;
  assert.equal(almaty?.summonsed, 2);
  assert.equal(almaty?.appeared, 0);
  const elsewhere = body.regions.filter((x) => x.iso !== 'KZ-75').reduce((n, r) => n + (r.values.military.summonsed ?? 0), 0);
  assert.equal(elsewhere, 0, 'summonses are counted in the region of the person summoned');
});

test('aggregates only: the dashboard is refused to roles outside planning', async () => {
  const auditor = await staffToken(db, 'auditor', 'auditor');
  const internal = await staffToken(db, 'mvd', 'internal_affairs');
  assert.equal((await tiers(auditor)).status, 403);
  assert.equal((await tiers(internal)).status, 403);
  const { body } = await tiers();
  assert.equal(JSON.stringify(body).match(/\d{12}/), null, 'no IIN anywhere in the answer');
});
