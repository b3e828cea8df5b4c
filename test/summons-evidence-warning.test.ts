import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { issuePlan } from '../src/modules/summons/index.ts';
import { freshDb } from './helpers/db.ts';
import { staffToken } from './helpers/staff.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
let db: Db;
let app: FastifyInstance;
let token = '';
let ids: string[] = [];

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [officer(), officer(), officer()]);
  const plan = await approvedPlan(db, clock, order('warn', 3));
  await issuePlan(db, String(plan), { actor: 'officer-b', clock, appearanceAt: new Date('2026-12-01T09:00:00+05:00'), rng: seededRng(1) });
  ids = (await db.query<{ id: string }>('SELECT id::text AS id FROM summonses ORDER BY id')).map((r) => r.id);
  token = await staffToken(db, 'coordinator', 'national_coordinator');
  app = await buildApp({ db, clock });
});

after(async () => {
  await app?.close();
  await db?.close();
});

const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

test('reading a proof is audited; a summons whose evidence was edited is shown with the warning, others are not', async () => {
  const [edited, other] = ids as [string, string];
  assert.equal((await get(`/api/summonses/${edited}`)).json().evidence.ok, true);
  const proof = await get(`/api/summonses/${edited}/proof`);
  assert.equal(proof.statusCode, 200);
  const audited = await db.query("SELECT 1 FROM audit_log WHERE action = 'summons.proof.read' AND subject = $1", [`summons:${edited}`]);
  assert.equal(audited.length, 1, 'the proof read (IIN, mobile) is in the audit log');

  await db.transaction(async (tx) => {
    await tx.exec('ALTER TABLE summons_ledger DISABLE TRIGGER summons_ledger_append_only');
    await tx.query(`UPDATE summons_ledger SET action = jsonb_set(action, '{at}', '"2026-11-01T00:00:00.000Z"') WHERE seq = (SELECT min(seq) FROM summons_ledger WHERE summons_id = $1)`, [Number(edited)]);
    await tx.exec('ALTER TABLE summons_ledger ENABLE TRIGGER summons_ledger_append_only');
  });
  const shown = (await get(`/api/summonses/${edited}`)).json();
  assert.equal(shown.evidence.ok, false);
  assert.match(shown.evidence.problems[0].reason, /does not match its hash/);
  assert.equal((await get(`/api/summonses/${other}`)).json().evidence.ok, true, 'another summons of the same ledger still verifies on its own');
  const ledger = (await get(`/api/summonses/${other}/proof`)).json().ledger;
  assert.equal(ledger.ok, false, 'the whole-ledger proof names the edit');
  assert.equal(ledger.problems.length, 1);
});
