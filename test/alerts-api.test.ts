import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import type { Role } from '../src/modules/access/index.ts';
import { parseCap, validateCap } from '../src/modules/alerts/index.ts';
import { allClearText, floodContent, newAlert } from './helpers/alerts.ts';
import { freshDb } from './helpers/db.ts';
import { staffToken } from './helpers/staff.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
let db: Db;
let app: FastifyInstance;
const tokens = new Map<string, string>();

const USERS: [string, Role, Record<string, string>][] = [
  ['coordinator', 'national_coordinator', {}],
  ['coordinator2', 'national_coordinator', {}],
  ['almaty.officer', 'regional_officer', { region: 'KZ-75' }],
  ['almaty.officer2', 'regional_officer', { region: 'KZ-75' }],
  ['district.officer', 'district_officer', { region: 'KZ-75', district: 'KZ-75-D01' }],
  ['army.officer', 'agency_officer', { agency: 'army' }],
  ['mia.officer', 'internal_affairs', {}],
  ['enterprise.officer', 'enterprise_officer', { employerBin: '050440000123' }],
  ['auditor', 'auditor', {}],
];

before(async () => {
  db = await freshDb();
  for (const [u, role, scope] of USERS) tokens.set(u, await staffToken(db, u, role, scope));
  app = await buildApp({ db, clock });
});
after(async () => {
  await app.close();
  await db.close();
});

const call = (user: string | null, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: user ? { authorization: `Bearer ${tokens.get(user)}` } : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });

async function ok(user: string, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const r = await call(user, method, url, payload);
  assert.ok(r.statusCode < 300, `${user} ${method} ${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
  return r;
}

test('permission matrix of the alert routes (written out by hand)', async () => {
  const rows: { what: string; method: 'GET' | 'POST'; url: string; body?: unknown; allowed: string[] }[] = [
    { what: 'list', method: 'GET', url: '/api/alerts', allowed: ['coordinator', 'coordinator2', 'almaty.officer', 'almaty.officer2', 'district.officer'] },
    { what: 'read', method: 'GET', url: '/api/alerts/999999', allowed: ['coordinator', 'coordinator2', 'almaty.officer', 'almaty.officer2', 'district.officer'] },
    { what: 'compose', method: 'POST', url: '/api/alerts', body: {}, allowed: ['coordinator', 'coordinator2', 'almaty.officer', 'almaty.officer2'] },
    { what: 'follow up', method: 'POST', url: '/api/alerts/999999/messages', body: {}, allowed: ['coordinator', 'coordinator2', 'almaty.officer', 'almaty.officer2'] },
    { what: 'approve', method: 'POST', url: '/api/alerts/999999/approve', body: {}, allowed: ['coordinator', 'coordinator2', 'almaty.officer', 'almaty.officer2'] },
    { what: 'publish', method: 'POST', url: '/api/alerts/999999/publish', body: {}, allowed: ['coordinator', 'coordinator2', 'almaty.officer', 'almaty.officer2'] },
    { what: 'statement', method: 'POST', url: '/api/alerts/999999/statements', body: {}, allowed: ['coordinator', 'coordinator2'] },
  ];
  for (const row of rows) {
    assert.equal((await call(null, row.method, row.url, row.body)).statusCode, 401, `${row.what} without a session`);
    for (const [user] of USERS) {
      const r = await call(user, row.method, row.url, row.body);
      const denied = r.statusCode === 403 && r.json().error.code === 'ACCESS_DENIED';
      assert.equal(!denied, row.allowed.includes(user), `${row.what} by ${user}: ${r.statusCode} ${r.body.slice(0, 200)}`);
      assert.ok(r.statusCode < 500, `${row.what} by ${user}: ${r.statusCode}`);
    }
  }
});

test('over HTTP: compose, refused self-approval, approve, publish, all-clear; CAP served publicly and valid; feed lists what is current', async () => {
  const created = await ok('coordinator', 'POST', '/api/alerts', newAlert('Actual', ['KZ-75', 'KZ-71']));
  assert.equal(created.statusCode, 201);
  const id = created.json().id as string;
  assert.equal((await call(null, 'GET', `/api/alerts/${id}/cap`)).statusCode, 404, 'nothing public before publication');
  const preview = await ok('coordinator2', 'GET', `/api/alerts/${id}/preview`);
  assert.ok(validateCap(preview.body).valid);
  const self = await call('coordinator', 'POST', `/api/alerts/${id}/approve`, { seen: 1 });
  assert.deepEqual([self.statusCode, self.json().error.code], [403, 'ALERT_SELF_APPROVAL']);
  assert.equal((await call('coordinator2', 'POST', `/api/alerts/${id}/publish`, {})).json().error.code, 'ALERT_BAD_TRANSITION');
  await ok('coordinator2', 'POST', `/api/alerts/${id}/approve`, { seen: 1 });
  const pub = await ok('coordinator2', 'POST', `/api/alerts/${id}/publish`, { seen: 2 });
  assert.match(pub.json().identifier, new RegExp(`\\.${id}\\.1$`));

  const cap = await call(null, 'GET', `/api/alerts/${id}/cap`);
  assert.equal(cap.statusCode, 200);
  assert.match(cap.headers['content-type'] as string, /^application\/cap\+xml/);
  assert.ok(validateCap(cap.body).valid);
  assert.equal(parseCap(cap.body).identifier, pub.json().identifier);

  // An Almaty officer sees it (it touches Almaty) but cannot follow it up: it reaches Astana too.
  assert.equal((await ok('almaty.officer', 'GET', `/api/alerts/${id}`)).json().state.phase, 'published');
  const beyond = await call('almaty.officer', 'POST', `/api/alerts/${id}/messages`, { kind: 'all_clear', text: allClearText });
  assert.deepEqual([beyond.statusCode, beyond.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE']);

  // A second, Exercise alert, published by two Almaty officers, stays out of the Actual feed.
  const drill = (await ok('almaty.officer', 'POST', '/api/alerts', newAlert('Exercise', ['KZ-75']))).json().id as string;
  await ok('almaty.officer2', 'POST', `/api/alerts/${drill}/approve`, {});
  await ok('almaty.officer2', 'POST', `/api/alerts/${drill}/publish`, {});
  const other = await call('almaty.officer', 'POST', '/api/alerts', newAlert('Actual', ['KZ-71']));
  assert.deepEqual([other.statusCode, other.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE']);

  const statement = await ok('coordinator', 'POST', `/api/alerts/${id}/statements`, {
    claim: 'A message says the dam has burst',
    words: { kk: { title: 'Бөгет бұзылған жоқ', text: 'Бөгет бүтін.' }, ru: { title: 'Плотина не прорвана', text: 'Плотина цела.' } },
  });
  assert.equal(statement.statusCode, 201);

  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['entry', 'link', 'category'].includes(n) });
  const feedOf = async (q: string) => {
    const r = await call(null, 'GET', `/api/alerts/feed.atom${q}`);
    assert.equal(r.statusCode, 200);
    assert.match(r.headers['content-type'] as string, /^application\/atom\+xml/);
    return parser.parse(r.body).feed as { 'xmlns': string; updated: string; entry?: { id: string; title: string; updated: string; link: { rel: string; type: string; href: string }[]; category: { term: string }[] }[] };
  };
  const feed = await feedOf('?lang=ru');
  assert.equal(feed.xmlns, 'http://www.w3.org/2005/Atom');
  assert.equal(feed.entry?.length, 2, 'the alert and the statement; the exercise is not in the Actual feed');
  const [entry, stmt] = feed.entry ?? [];
  assert.equal(entry?.title, floodContent().info.ru.headline);
  assert.match(entry?.updated ?? '', /\+05:00$/);
  const link = entry?.link.find((l) => l.rel === 'alternate');
  assert.equal(link?.type, 'application/cap+xml');
  const linked = await call(null, 'GET', new URL(link?.href ?? '').pathname);
  assert.equal(parseCap(linked.body).identifier, pub.json().identifier, 'the feed links the CAP message that went out');
  assert.deepEqual(entry?.category.map((c) => c.term).filter((t) => t.startsWith('area:')), ['area:KZ-75', 'area:KZ-71']);
  assert.match(stmt?.title ?? '', /^Официальное заявление: Плотина не прорвана/);
  const drillFeed = await feedOf('?status=Exercise&lang=en');
  assert.deepEqual(drillFeed.entry?.map((e) => e.title), [`[EXERCISE] ${floodContent().info.en?.headline}`]);

  // The all-clear by two coordinators: the alert leaves the feed after a day, its CAP references the alert.
  await ok('coordinator', 'POST', `/api/alerts/${id}/messages`, { kind: 'all_clear', text: allClearText });
  await ok('coordinator2', 'POST', `/api/alerts/${id}/approve`, {});
  await ok('coordinator2', 'POST', `/api/alerts/${id}/publish`, {});
  const clear = parseCap((await call(null, 'GET', `/api/alerts/${id}/cap/2`)).body);
  assert.deepEqual([clear.msgType, clear.info[0]?.responseType, clear.references?.split(',')[1]], ['Update', ['AllClear'], pub.json().identifier]);
  const detail = (await ok('coordinator', 'GET', `/api/alerts/${id}`)).json();
  assert.deepEqual(detail.messages.map((m: { kind: string }) => m.kind), ['alert', 'all_clear']);
  assert.equal(detail.statements.length, 1);
  assert.ok(detail.distribution.some((d: { channel: string }) => d.channel === 'cell_broadcast'));

  const list = (await ok('district.officer', 'GET', '/api/alerts')).json().alerts as { id: string }[];
  assert.deepEqual(list.map((a) => a.id).sort(), [id, drill].sort(), 'a district officer reads the alerts touching the region');
  const audit = await db.query<{ action: string }>('SELECT DISTINCT action FROM audit_log WHERE subject = $1', [`alert:${id}`]);
  assert.deepEqual(audit.map((a) => a.action).sort(), ['alert.approve', 'alert.draft', 'alert.publish', 'alert.statement']);
});

test('bad bodies get stable error codes, never a 500', async () => {
  const bad = await call('coordinator', 'POST', '/api/alerts', { status: 'Actual', content: { ...floodContent(), urgency: 'Soon' } });
  assert.deepEqual([bad.statusCode, bad.json().error.code], [400, 'ALERT_BAD_CONTENT']);
  assert.match(bad.json().error.message, /content\.urgency/);
  const region = await call('coordinator', 'POST', '/api/alerts', newAlert('Actual', ['KZ-00']));
  assert.deepEqual([region.statusCode, region.json().error.code], [400, 'ALERT_UNKNOWN_REGION']);
  assert.equal((await call('coordinator', 'GET', '/api/alerts/abc')).statusCode, 404);
  assert.equal((await call(null, 'GET', '/api/alerts/1/cap/0')).statusCode, 404);
  assert.equal((await call(null, 'GET', '/api/alerts/feed.atom?status=Draft')).statusCode, 400);
});

test('a first draft discarded is still listed, by the words it was drafted with (GET /api/alerts answered 500)', async () => {
  const id = (await ok('almaty.officer', 'POST', '/api/alerts', newAlert('Actual', ['KZ-75']))).json().id as string;
  await ok('almaty.officer', 'POST', `/api/alerts/${id}/discard`, { reason: 'typo' });
  const list = (await ok('coordinator', 'GET', '/api/alerts')).json().alerts as { id: string; phase: string; severity: string }[];
  const it = list.find((a) => a.id === id);
  assert.equal(it?.phase, 'discarded');
  assert.equal(it?.severity, floodContent().severity);
});
