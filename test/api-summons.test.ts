import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import type { Clock } from '../src/kernel/clock.ts';
import { SmppClient, SmscSimulator, type SimMessage } from '../src/modules/sms/index.ts';
import { appendToSummons } from '../src/modules/summons/index.ts';
import { freshDb } from './helpers/db.ts';
import { signInAgain, staffToken } from './helpers/staff.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

let TOKEN = '';
let now = new Date('2026-11-23T06:00:00Z');
const clock: Clock = { now: () => new Date(now) };
let db: Db;
let app: FastifyInstance;
let sim: SmscSimulator;
let client: SmppClient;
const inbox: SimMessage[] = [];
const people = [officer({ specialty: 'medical', region: 'KZ-35', district: 'Kostanay' }), officer({ specialty: 'medical', region: 'KZ-35', district: 'Rudny' })];
let planId = 0;

before(async () => {
  db = await freshDb();
  sim = await SmscSimulator.start({ seed: 1, clock });
  sim.onMessage((m) => inbox.push(m));
  client = await SmppClient.open({ host: '127.0.0.1', port: sim.port, systemId: 'mobilize', password: 'x', sourceAddr: 'MOBILIZE', channel: { name: 'live', exercise: false }, window: 10 });
  TOKEN = await staffToken(db, 'coordinator', 'national_coordinator', {}, clock);
  app = await buildApp({ db, clock, codeSender: { sendCode: async (to, text) => void (await client.send({ to, text, exercise: false })) } });
  await addPeople(db, clock, people);
  planId = await approvedPlan(db, clock, order('api-summons', 2, false, 'medical'));
});
after(async () => {
  await app.close();
  await client.close();
  await sim.close();
  await db.close();
});

const officerCall = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
const citizenCall = (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });

async function summonsOf(iin: string): Promise<string> {
  const [r] = await db.query<{ id: string }>('SELECT id::text AS id FROM summonses WHERE iin = $1', [iin]);
  return (r as { id: string }).id;
}

test('officers issue a plan, read a summons, record what happened and export referrals over HTTP', async () => {
  const bad = await officerCall('POST', `/api/callup/plans/${planId}/issue`, { appearanceAt: '2026-12-01T09:00:00' });
  assert.equal(bad.statusCode, 400, 'a time without its offset is refused');
  const tooSoon = await officerCall('POST', `/api/callup/plans/${planId}/issue`, { appearanceAt: '2026-11-25T09:00:00+05:00' });
  assert.equal(tooSoon.json().error.code, 'SUMMONS_NOTICE_TOO_SHORT');
  const issued = await officerCall('POST', `/api/callup/plans/${planId}/issue`, { appearanceAt: '2026-12-01T09:00:00+05:00', purpose: 'medical_examination' });
  assert.equal(issued.statusCode, 201);
  assert.equal(issued.json().summonses, 2);

  const [kostanay, rudny] = [await summonsOf((people[0] as { iin: string }).iin), await summonsOf((people[1] as { iin: string }).iin)];
  const shown = await officerCall('GET', `/api/summonses/${kostanay}`);
  assert.equal(shown.json().state.legal, 'not_notified');
  assert.equal(shown.json().summons.purpose, 'medical_examination');

  for (const [i, id] of [kostanay, rudny].entries()) {
    const mobile = (people[i] as { mobile: string }).mobile;
    await db.transaction((tx) => appendToSummons(tx, id as string, [
      { kind: 'sms_submitted', at: '2026-11-23T06:01:00.000Z', number: mobile, numberBasis: ['given_to_lma'], messageIds: [`m${id}`] },
      { kind: 'sms_delivery_report', at: '2026-11-23T06:01:00.000Z', messageId: `m${id}`, status: 'delivered' },
    ], { actor: 'dispatcher:test', clock, audit: 'summons.sms.dispatch' }));
  }
  now = new Date('2026-12-02T10:00:00+05:00');
  TOKEN = await signInAgain(db, 'coordinator', clock);
  const refused = await officerCall('POST', `/api/summonses/${kostanay}/actions`, { kind: 'reason_accepted' });
  assert.equal(refused.statusCode, 409, 'no reason was reported');
  const invalid = await officerCall('POST', `/api/summonses/${kostanay}/actions`, { kind: 'teleported' });
  assert.equal(invalid.statusCode, 400);
  assert.equal(invalid.json().error.code, 'SUMMONS_ACTION_INVALID');
  const appeared = await officerCall('POST', `/api/summonses/${kostanay}/actions`, { kind: 'appeared', at: '2026-12-01T08:50:00+05:00' });
  assert.deepEqual([appeared.statusCode, appeared.json().legal], [201, 'appeared']);

  const failures = await officerCall('GET', '/api/summonses/failures?region=KZ-35');
  assert.deepEqual(failures.json().map((g: { district: string; due: number }) => [g.district, g.due]), [['Rudny', 1]]);
  const refer = await officerCall('POST', '/api/summonses/failures/refer', { region: 'KZ-35', district: 'Rudny' });
  assert.deepEqual(refer.json().referred, [rudny]);
  const csv = await officerCall('GET', '/api/summonses/referrals.csv?region=KZ-35');
  assert.match(csv.headers['content-type'] as string, /^text\/csv/);
  const lines = csv.body.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.ok(lines[1]?.startsWith(`${rudny},${(people[1] as { iin: string }).iin},`));
  const badScope = await officerCall('GET', '/api/summonses/failures?region=Almaty');
  assert.equal(badScope.statusCode, 400);

  const proof = await officerCall('GET', `/api/summonses/${rudny}/proof`);
  assert.equal(proof.json().ledger.ok, true);
  assert.deepEqual(proof.json().entries.map((e: { action: { kind: string } }) => e.action.kind), ['issued', 'sms_submitted', 'sms_delivery_report', 'failed_to_appear']);

  const anonymous = await app.inject({ method: 'GET', url: `/api/summonses/${rudny}` });
  assert.equal(anonymous.statusCode, 401);
  const code = shown.json().summons.verificationCode as string;
  const verified = await app.inject({ method: 'GET', url: `/api/verify/${code}` });
  assert.equal(verified.json().genuine, true, 'anyone may verify a code, without signing in');
  assert.equal(JSON.stringify(verified.json()).includes((people[0] as { iin: string }).iin), false, 'and learns nothing that identifies the person');
  const page = await app.inject({ method: 'GET', url: `/verify/${code}` });
  assert.match(page.headers['content-type'] as string, /^text\/html/);
  assert.match(page.body, /Повестка подлинная/);
  assert.match(page.body, /2026-12-01 09:00 \(UTC\+5\)/);
  const forged = await app.inject({ method: 'GET', url: `/verify/${encodeURIComponent('<img src=x onerror=alert(1)>')}` });
  assert.match(forged.body, /Такая повестка не выдавалась/);
  assert.doesNotMatch(forged.body, /<img/, 'what the visitor typed is escaped');
});

test('citizens sign in with a code from their phone and reach only their own summonses', async () => {
  const me = people[0] as { iin: string; mobile: string };
  const them = people[1] as { iin: string };
  const unavailable = await buildApp({ db, clock });
  const r503 = await unavailable.inject({ method: 'POST', url: '/api/citizen/code', payload: { iin: me.iin } });
  assert.equal(r503.statusCode, 503);
  await unavailable.close();

  const asked = await app.inject({ method: 'POST', url: '/api/citizen/code', payload: { iin: me.iin } });
  assert.equal(asked.statusCode, 202);
  const end = Date.now() + 5000;
  while (!inbox.some((m) => `+${m.destination}` === me.mobile) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  const sms = inbox.find((m) => `+${m.destination}` === me.mobile) as SimMessage;
  const code = (/(\d{6})/.exec(sms.text) as RegExpExecArray)[1];
  const session = await app.inject({ method: 'POST', url: '/api/citizen/session', payload: { iin: me.iin, code } });
  assert.equal(session.statusCode, 201);
  const token = session.json().token as string;

  const mine = await citizenCall(token, 'GET', '/api/citizen/summonses');
  assert.deepEqual(mine.json().map((s: { id: string }) => s.id), [await summonsOf(me.iin)]);
  const theirs = await citizenCall(token, 'POST', `/api/citizen/summonses/${await summonsOf(them.iin)}/acknowledge`);
  assert.equal(theirs.statusCode, 404);
  const officerRoute = await citizenCall(token, 'GET', `/api/summonses/${await summonsOf(me.iin)}`);
  assert.equal(officerRoute.statusCode, 401, "a citizen's token is not an officer's");
  const officerOnCitizen = await citizenCall(TOKEN, 'GET', '/api/citizen/summonses');
  assert.equal(officerOnCitizen.statusCode, 401, "an officer's token is not a citizen session");
  const badMobile = await citizenCall(token, 'PUT', '/api/citizen/mobile', { mobile: '8 701 123 45 67' });
  assert.deepEqual([badMobile.statusCode, badMobile.json().error.code], [400, 'REGISTRY_INVALID_MOBILE']);
  const wrongCode = await app.inject({ method: 'POST', url: '/api/citizen/session', payload: { iin: them.iin, code } });
  assert.equal(wrongCode.statusCode, 401);
});
