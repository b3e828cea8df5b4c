import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { approveAlert, composeAlert, publishAlert, startAlertDispatcher, unmatchedAlertReceipts } from '../src/modules/alerts/index.ts';
import { SmppClient, SmscSimulator } from '../src/modules/sms/index.ts';
import { newAlert } from './helpers/alerts.ts';
import { freshDb } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { addPeople } from './helpers/summons.ts';

/**
 * Issue 19, item 3: one region-wide alert left the embedded-database platform unresponsive for an hour and gave 122
 * citizens the alert twice. Here an Actual alert goes to 10,000 numbers of one region (three SMS parts each, 30,000
 * submits and receipts) through the SMSC simulator while /healthz is asked every 50 ms: every answer within 200 ms,
 * every number gets the alert exactly once, every receipt is applied. Before the fix, 3,000 numbers alone took 44 s
 * with /healthz answering after up to 5.2 s.
 */
const PEOPLE = 10_000;
const HEALTH_BUDGET_MS = 200;
const clock = fixedClock('2026-11-23T06:00:00Z');
const ctx = (actor: string) => ({ actor, clock, scope: { region: null } });
let db: Db;
let app: FastifyInstance;
let sim: SmscSimulator;

before(async () => {
  db = await freshDb();
  const people = Array.from({ length: PEOPLE }, (_, i) => person(i + 1, { region: 'KZ-75', district: 'KZ-75-D01', mobile: `+7701${String(i).padStart(7, '0')}` }));
  for (let i = 0; i < people.length; i += 2_000) await addPeople(db, clock, people.slice(i, i + 2_000));
  app = await buildApp({ db, clock });
  await app.listen({ port: 0, host: '127.0.0.1' });
  sim = await SmscSimulator.start({ seed: 19, clock });
});
after(async () => {
  await app?.close();
  await sim?.close();
  await db?.close();
});

test(`an Actual alert to ${PEOPLE} numbers: /healthz answers within ${HEALTH_BUDGET_MS} ms throughout, each number gets it once, every receipt applied`, { timeout: 150_000 }, async () => {
  const a = await composeAlert(db, newAlert('Actual', ['KZ-75']), ctx('user:author'));
  await approveAlert(db, a.id, ctx('user:second'));
  const published = await publishAlert(db, a.id, ctx('user:second'));
  assert.equal(published.queued.sms, PEOPLE);

  const client = await SmppClient.open({ host: '127.0.0.1', port: sim.port, systemId: 'mobilize', password: '', sourceAddr: 'ALERT', channel: { name: 'live', exercise: false }, window: 50 });
  const errors: string[] = [];
  const started = performance.now();
  const d = startAlertDispatcher(db, { sms: { client, smsc: 'sim' } }, { batch: 500, clock, traffic: 'live', pollMs: 50, onError: (what, e) => errors.push(`${what}: ${e.message}`) });

  const health = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/healthz`;
  const answers: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const t = performance.now();
      const r = await fetch(health, { signal: AbortSignal.timeout(30_000) });
      await r.arrayBuffer();
      answers.push(r.status === 200 ? performance.now() - t : Number.POSITIVE_INFINITY);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();

  let done = false;
  try {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const [r] = await db.query<{ delivered: number; open: number }>(
        "SELECT coalesce(sum(delivered), 0)::int AS delivered, count(*) FILTER (WHERE state <> 'submitted')::int AS open FROM alert_outbox WHERE alert_id = $1 AND channel = 'sms'",
        [a.id],
      );
      if (Number(r?.delivered) === PEOPLE && Number(r?.open) === 0) {
        done = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    polling = false;
    await poller;
    await d.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...answers].sort((x, y) => x - y);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  console.log(`# ${PEOPLE} SMS (${sim.submissions.length} parts) sent and reported in ${seconds.toFixed(1)} s on ${db.engine}; /healthz ${answers.length} answers: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms; receipts ${JSON.stringify(d.receipts)}`);

  assert.ok(done, 'every SMS submitted and delivered within two minutes');
  assert.deepEqual(errors, []);
  assert.ok(answers.length >= seconds * 5, `/healthz was asked throughout (${answers.length} answers in ${seconds.toFixed(1)} s)`);
  assert.ok(at(1) <= HEALTH_BUDGET_MS, `slowest /healthz answer ${at(1)} ms, budget ${HEALTH_BUDGET_MS} ms (p99 ${at(0.99)} ms)`);

  const perNumber = new Map<string, number>();
  for (const m of sim.messages) perNumber.set(m.destination, (perNumber.get(m.destination) ?? 0) + 1);
  assert.equal(perNumber.size, PEOPLE, 'every number reached');
  assert.deepEqual([...perNumber.values()].filter((n) => n !== 1), [], 'no number got the alert twice');

  const [parts] = await db.query<{ n: number; delivered: number }>(
    "SELECT count(*)::int AS n, count(*) FILTER (WHERE p.status = 'delivered')::int AS delivered FROM alert_sms_parts p JOIN alert_outbox o ON o.id = p.outbox_id WHERE o.alert_id = $1",
    [a.id],
  );
  assert.equal(Number(parts?.n), sim.submissions.length, 'every part the SMSC took is on record');
  assert.equal(Number(parts?.delivered), sim.submissions.length, 'every receipt applied to its part');
  assert.equal(d.receipts.applied, sim.submissions.length);
  assert.equal(d.receipts.expired, 0);
  assert.equal(await unmatchedAlertReceipts(db), 0, 'nothing left in the receipt inbox');
});
