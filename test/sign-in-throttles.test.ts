import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import type { Clock } from '../src/kernel/clock.ts';
import { BACKOFF_AFTER, login, loginBackoffMs } from '../src/modules/access/index.ts';
import { CODES_PER_ADDRESS } from '../src/modules/summons/self-service.ts';
import { freshDb } from './helpers/db.ts';
import { PASSWORD, staffToken } from './helpers/staff.ts';
import { addPeople, officer } from './helpers/summons.ts';

let now = new Date('2026-11-23T06:00:00Z');
const clock: Clock = { now: () => now };
let db: Db;
let app: FastifyInstance;
const people = Array.from({ length: 24 }, () => officer());
const sentTo: string[] = [];
let release: () => void = () => {};
/** The SMS channel answers only when the test says so: sign-in must not wait for it. */
let gate = Promise.resolve();

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, people);
  await staffToken(db, 'officer.a', 'regional_officer', { region: 'KZ-75' }, clock);
  await staffToken(db, 'officer.b', 'regional_officer', { region: 'KZ-75' }, clock);
  app = await buildApp({ db, clock, codeSender: { sendCode: async (to) => void (sentTo.push(to), await gate) } });
});

after(async () => {
  await app?.close();
  await db?.close();
});

const post = (url: string, payload: object, remoteAddress: string) => app.inject({ method: 'POST', url, payload, remoteAddress });
const code = (res: { json(): unknown }) => (res.json() as { error?: { code: string } }).error?.code;

test('staff: wrong passwords lock only that account from that address; elsewhere they slow it down', async () => {
  for (let i = 0; i < BACKOFF_AFTER; i++) assert.equal(code(await post('/api/session', { username: 'officer.a', password: 'wrong password!' }, '127.0.0.2')), 'ACCESS_LOGIN_FAILED');
  const locked = await post('/api/session', { username: 'officer.a', password: PASSWORD }, '127.0.0.2');
  assert.deepEqual([locked.statusCode, code(locked)], [429, 'ACCESS_THROTTLED'], 'the guessing address is refused even the right password');
  const t0 = Date.now();
  const owner = await post('/api/session', { username: 'officer.a', password: PASSWORD }, '127.0.0.3');
  assert.equal(owner.statusCode, 201, 'the owner at another address signs in');
  assert.ok(Date.now() - t0 >= loginBackoffMs(BACKOFF_AFTER, 0), 'after a wait');

  const waits: number[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  for (let i = 0; i < 3; i++) await assert.rejects(login(db, 'officer.a', 'wrong again!', { clock, address: `127.0.1.${i}`, sleep }));
  assert.deepEqual(waits, [250, 500, 1000], 'each further failure doubles the wait');
  assert.equal(loginBackoffMs(100, 0), 8000, 'up to a bound');
});

test('staff: many failures from one address do not lock out the others behind it', async () => {
  const waits: number[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  for (let i = 0; i < 25; i++) await assert.rejects(login(db, `guess${i}`, 'x', { clock, address: '127.0.0.9', sleep }));
  const s = await login(db, 'officer.b', PASSWORD, { clock, address: '127.0.0.9', sleep });
  assert.equal(s.user.username, 'officer.b');
  assert.ok((waits.at(-1) ?? 0) > 0, 'the address is slowed down');
});

test('citizens: code requests are throttled per address, and the answer does not wait for the SMS', async () => {
  gate = new Promise<void>((r) => (release = r));
  const answers = [];
  for (const p of people.slice(0, CODES_PER_ADDRESS)) answers.push(await post('/api/citizen/code', { iin: p.iin }, '127.0.0.20'));
  assert.deepEqual(answers.map((a) => a.statusCode), Array(CODES_PER_ADDRESS).fill(202), 'answered while every SMS is still held');
  assert.equal(sentTo.length, CODES_PER_ADDRESS, 'each send was started');
  const over = await post('/api/citizen/code', { iin: (people[CODES_PER_ADDRESS] as { iin: string }).iin }, '127.0.0.20');
  assert.deepEqual([over.statusCode, code(over)], [429, 'SELF_SERVICE_THROTTLED']);
  const elsewhere = await post('/api/citizen/code', { iin: (people[CODES_PER_ADDRESS] as { iin: string }).iin }, '127.0.0.21');
  assert.equal(elsewhere.statusCode, 202);
  release();
  // An IIN that is not registered answers the same.
  const stranger = await post('/api/citizen/code', { iin: officer().iin }, '127.0.0.22');
  assert.deepEqual([stranger.statusCode, stranger.json()], [202, answers[0]?.json()]);
});

test('citizens: wrong codes are throttled per IIN across addresses, and per address across IINs', async () => {
  now = new Date(now.getTime() + 60 * 60_000);
  const target = people[20] as { iin: string };
  let refusedAt = -1;
  for (let i = 0; i < 14 && refusedAt < 0; i++) {
    if (i % 4 === 0) await post('/api/citizen/code', { iin: target.iin }, `127.0.2.${i}`);
    const r = await post('/api/citizen/session', { iin: target.iin, code: '000000' }, `127.0.2.${i}`);
    if (code(r) === 'SELF_SERVICE_THROTTLED') refusedAt = i;
  }
  assert.equal(refusedAt, 10, 'ten wrong codes for one IIN, from ten addresses, and the eleventh is refused');

  now = new Date(now.getTime() + 60 * 60_000);
  const codes: string[] = [];
  for (const p of people.slice(0, 22)) {
    const r = await post('/api/citizen/session', { iin: p.iin, code: '000001' }, '127.0.0.30');
    codes.push(code(r) as string);
  }
  assert.equal(codes.filter((c) => c === 'SELF_SERVICE_CODE_WRONG').length, 20);
  assert.deepEqual(codes.slice(20), ['SELF_SERVICE_THROTTLED', 'SELF_SERVICE_THROTTLED'], 'twenty wrong codes from one address, whatever the IINs');
});
