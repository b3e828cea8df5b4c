import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { seededRng } from '../src/kernel/rng.ts';
import type { Role } from '../src/modules/access/index.ts';
import { countEligible, findRuleSet, loadPack } from '../src/modules/eligibility/index.ts';
import { appendToSummons, issuePlan, showSummons } from '../src/modules/summons/index.ts';
import { freshDb } from './helpers/db.ts';
import { staffToken } from './helpers/staff.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
// Almaty: three aviation officers in two districts (one named for the name search, one without a mobile); Astana: one.
const almaty = [
  officer({ region: 'KZ-75', district: 'KZ-75-D01', last_name: 'Сейтқали', first_name: 'Арман' }),
  officer({ region: 'KZ-75', district: 'KZ-75-D01', last_name: 'Сейткалиев', first_name: 'Берик', volunteer: true }),
  officer({ region: 'KZ-75', district: 'KZ-75-D02', last_name: 'Омаров', first_name: 'Данияр', mobile: null, mobile_on_egov: false, egov_account: false }),
];
const astana = officer({ region: 'KZ-71', district: 'KZ-71-D01', last_name: 'Сейтов', first_name: 'Ерлан' });
let db: Db;
let app: FastifyInstance;
let planId = 0;
const tokens = new Map<string, string>();
const USERS: [string, Role, Record<string, string>][] = [
  ['coordinator', 'national_coordinator', {}],
  ['almaty.officer', 'regional_officer', { region: 'KZ-75' }],
  ['district.officer', 'district_officer', { region: 'KZ-75', district: 'KZ-75-D01' }],
  ['army.officer', 'agency_officer', { agency: 'army' }],
  ['navy.officer', 'agency_officer', { agency: 'navy' }],
  ['auditor', 'auditor', {}],
];

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [...almaty, astana]);
  planId = await approvedPlan(db, clock, order('dashboard-army', 4, false, 'aviation'));
  await issuePlan(db, String(planId), { actor: 'officer-b', clock, appearanceAt: new Date('2026-12-01T09:00:00+05:00'), rng: seededRng(5) });
  for (const [u, role, scope] of USERS) tokens.set(u, await staffToken(db, u, role, scope));
  app = await buildApp({ db, clock });
});
after(async () => {
  await app.close();
  await db.close();
});

const get = (user: string | null, url: string) => app.inject({ method: 'GET', url, headers: user ? { authorization: `Bearer ${tokens.get(user)}` } : {} });
const summonsOf = async (iin: string) => (await db.query<{ id: string }>('SELECT id::text AS id FROM summonses WHERE iin = $1', [iin]))[0]?.id as string;

test('registry search: name prefixes in any case, IIN prefix, pages, confined to the officer’s region, audited with the IINs shown', async () => {
  const byName = await get('coordinator', `/api/persons?q=${encodeURIComponent('сейт')}`);
  assert.equal(byName.statusCode, 200);
  // Sorted here: the order of к, қ and о depends on the database's collation.
  assert.deepEqual(byName.json().persons.map((p: { lastName: string }) => p.lastName).sort(), ['Сейткалиев', 'Сейтов', 'Сейтқали']);
  const twoWords = await get('coordinator', `/api/persons?q=${encodeURIComponent('СЕЙТ ар')}`);
  assert.deepEqual(twoWords.json().persons.map((p: { iin: string }) => p.iin), [almaty[0]?.iin]);

  const mine = await get('almaty.officer', `/api/persons?q=${encodeURIComponent('Сейт')}`);
  assert.deepEqual(mine.json().persons.map((p: { region: string }) => p.region), ['KZ-75', 'KZ-75'], 'the Astana namesake is not shown');
  assert.equal(mine.json().total, 2);
  const district = await get('district.officer', '/api/persons');
  assert.deepEqual(new Set(district.json().persons.map((p: { district: string }) => p.district)), new Set(['KZ-75-D01']));
  const other = await get('almaty.officer', '/api/persons?region=KZ-71');
  assert.deepEqual([other.statusCode, other.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE']);

  const iin = almaty[2]?.iin as string;
  const byIin = await get('almaty.officer', `/api/persons?q=${iin.slice(0, 9)}`);
  assert.ok(byIin.json().persons.some((p: { iin: string; hasMobile: boolean }) => p.iin === iin && p.hasMobile === false));
  const page1 = await get('coordinator', '/api/persons?pageSize=2&page=1');
  const page2 = await get('coordinator', '/api/persons?pageSize=2&page=2');
  assert.equal(page1.json().total, 4);
  assert.equal(page1.json().persons.length + page2.json().persons.length, 4);
  assert.equal(new Set([...page1.json().persons, ...page2.json().persons].map((p: { iin: string }) => p.iin)).size, 4);

  for (const bad of ['pageSize=1000', 'page=0', 'region=Almaty', 'sort=name']) {
    const r = await get('coordinator', `/api/persons?${bad}`);
    assert.deepEqual([r.statusCode, r.json().error.code], [400, 'API_BAD_REQUEST'], bad);
  }
  assert.equal((await get(null, '/api/persons')).statusCode, 401);
  assert.equal((await get('auditor', '/api/persons')).statusCode, 403);
  const [audit] = await db.query<{ details: { q: string; iins: string[]; total: number } }>(
    "SELECT details FROM audit_log WHERE action = 'registry.person.search' AND actor = 'user:almaty.officer' ORDER BY seq LIMIT 1",
  );
  assert.deepEqual(audit?.details.iins.sort(), [almaty[0]?.iin, almaty[1]?.iin].sort());
  assert.equal(audit?.details.q, 'Сейт');
});

test('person card: record, history and an explanation under every rule set in effect; another region’s person is missing', async () => {
  const iin = almaty[0]?.iin as string;
  const r = await get('almaty.officer', `/api/persons/${iin}/card?on=2026-11-23`);
  assert.equal(r.statusCode, 200);
  const card = r.json();
  assert.equal(card.person.last_name, 'Сейтқали');
  assert.equal(card.history[0].kind, 'create');
  const ids = card.eligibility.evaluations.map((e: { ruleSet: { id: string } }) => e.ruleSet.id);
  for (const id of ['military-registration', 'reserve-mobilization', 'reserve-officer-callup', 'compulsory-military-training']) assert.ok(ids.includes(id), id);
  const callup = card.eligibility.evaluations.find((e: { ruleSet: { id: string } }) => e.ruleSet.id === 'reserve-officer-callup');
  assert.equal(callup.eligible, true, 'a 28-year-old aviation reserve officer, fit, not served');
  assert.ok(callup.explanation.children.some((c: { text: string; passed: boolean }) => c.passed && /reserve officer/.test(c.text)));
  // On a date when the person is past the age limit the same card says why not.
  const older = (await get('almaty.officer', `/api/persons/${iin}/card?on=2034-01-01`)).json();
  const late = older.eligibility.evaluations.find((e: { ruleSet: { id: string } }) => e.ruleSet.id === 'reserve-officer-callup');
  assert.equal(late.eligible, false);
  // Before a rule set came into force the card leaves it out and says so.
  const early = (await get('almaty.officer', `/api/persons/${iin}/card?on=2020-01-01`)).json();
  assert.ok(early.eligibility.notInEffect.includes('reserve-officer-callup'));
  assert.ok(!early.eligibility.evaluations.some((e: { ruleSet: { id: string } }) => e.ruleSet.id === 'reserve-officer-callup'));

  assert.equal((await get('almaty.officer', `/api/persons/${astana.iin}/card`)).statusCode, 404);
  assert.equal((await get('almaty.officer', `/api/persons/${iin}/card?on=tomorrow`)).statusCode, 400);
  const reads = await db.query<{ action: string }>("SELECT action FROM audit_log WHERE actor = 'user:almaty.officer' AND subject = $1 ORDER BY seq", [`person:${iin}`]);
  assert.ok(reads.some((a) => a.action === 'registry.person.read') && reads.some((a) => a.action === 'registry.person.history.read'));
});

test('readiness per region agrees with counts taken directly and carries no personal data', async () => {
  const r = await get('almaty.officer', '/api/dashboard/readiness?on=2026-11-23');
  assert.equal(r.statusCode, 200);
  const body = r.json();
  assert.equal(body.regions.length, 20, 'every region, also those with nobody on the registry');
  const kz75 = body.regions.find((x: { iso: string }) => x.iso === 'KZ-75');
  assert.deepEqual({ persons: kz75.persons, registered: kz75.registered, reserve: kz75.reserve, reserveOfficers: kz75.reserveOfficers, volunteers: kz75.volunteers, withoutMobile: kz75.withoutMobile },
    { persons: 3, registered: 3, reserve: 3, reserveOfficers: 3, volunteers: 1, withoutMobile: 1 });
  assert.equal(kz75.name.kk, 'Алматы');
  const pack = loadPack();
  const liable = await countEligible(db, findRuleSet(pack, 'reserve-mobilization', '2026-11-23').ruleSet, '2026-11-23', ['region']);
  assert.equal(kz75.liable, liable.groups.find((g) => g.key.region === 'KZ-75')?.count);
  assert.equal(body.totals.persons, 4);
  assert.doesNotMatch(r.body, new RegExp(`${almaty[0]?.iin}|Сейт`));
  assert.equal((await get('auditor', '/api/dashboard/readiness')).statusCode, 403);
  assert.equal((await get('coordinator', '/api/dashboard/readiness?on=2026-13-01')).statusCode, 400);
});

test('plans list: status from the action log; an agency officer sees only plans and places of its own', async () => {
  const all = (await get('coordinator', '/api/dashboard/plans')).json().plans;
  const mine = all.find((p: { id: number }) => p.id === planId);
  assert.deepEqual([mine.status, mine.approvedBy, mine.orderId], ['issued', 'officer-b', 'dashboard-army']);
  assert.deepEqual(mine.cells, [{ agency: 'army', quota: 4, filled: 4, shortfall: 0 }]);
  assert.equal((await get('army.officer', '/api/dashboard/plans')).json().plans.length, 1);
  assert.deepEqual((await get('navy.officer', '/api/dashboard/plans')).json().plans, []);
  assert.equal((await get('auditor', '/api/dashboard/plans')).statusCode, 403);
});

test('summons funnel per district follows the evidence ledger and agrees with each summons’ derived state', async () => {
  const url = `/api/dashboard/funnel?plan=${planId}`;
  const first = (await get('coordinator', url)).json();
  assert.deepEqual(first.totals, { issued: 4, sent: 0, delivered: 0, dulyNotified: 0, appeared: 0, excused: 0, referred: 0, reasonPending: 0 });

  // Arman: SMS sent and delivered. Berik: sent, no receipt yet. Astana's Ерлан: delivered and appeared. Omarov: paper, nothing yet.
  const at = '2026-11-23T06:01:00.000Z';
  const send = async (p: { iin: string; mobile: string | null }, delivered: boolean) => {
    const id = await summonsOf(p.iin);
    await db.transaction((tx) => appendToSummons(tx, id, [
      { kind: 'sms_submitted', at, number: p.mobile as string, numberBasis: ['given_to_lma'], messageIds: [`m${id}a`, `m${id}b`] },
      { kind: 'sms_delivery_report', at, messageId: `m${id}a`, status: 'delivered' },
      ...(delivered ? [{ kind: 'sms_delivery_report' as const, at, messageId: `m${id}b`, status: 'delivered' as const }] : []),
    ], { actor: 'dispatcher:test', clock, audit: 'summons.sms.dispatch' }));
    return id;
  };
  await send(almaty[0] as never, true);
  await send(almaty[1] as never, false);
  const astanaId = await send(astana as never, true);
  await db.transaction((tx) => appendToSummons(tx, astanaId, [{ kind: 'appeared', at, recordedBy: 'officer-b' }], { actor: 'officer-b', clock, audit: 'summons.appeared' }));

  const funnel = (await get('coordinator', url)).json();
  assert.deepEqual(funnel.totals, { issued: 4, sent: 3, delivered: 2, dulyNotified: 2, appeared: 1, excused: 0, referred: 0, reasonPending: 0 });
  const d01 = funnel.areas.find((a: { district: string }) => a.district === 'KZ-75-D01');
  assert.deepEqual([d01.issued, d01.sent, d01.delivered, d01.dulyNotified], [2, 2, 1, 1], 'one SMS part still without its receipt is sent, not delivered');
  assert.deepEqual(funnel.areas.map((a: { district: string }) => a.district), ['KZ-71-D01', 'KZ-75-D01', 'KZ-75-D02']);

  const regional = (await get('almaty.officer', url)).json();
  assert.deepEqual(regional.areas.map((a: { region: string }) => a.region), ['KZ-75', 'KZ-75']);
  assert.equal(regional.totals.issued, 3);
  const district = (await get('district.officer', url)).json();
  assert.deepEqual(district.areas.map((a: { district: string }) => a.district), ['KZ-75-D01']);
  const out = await get('almaty.officer', `${url}&region=KZ-71`);
  assert.deepEqual([out.statusCode, out.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE']);
  assert.equal((await get('army.officer', url)).statusCode, 403);
  assert.equal((await get('coordinator', '/api/dashboard/funnel?plan=no-such-order')).statusCode, 404);

  const list = await get('almaty.officer', `/api/dashboard/funnel/summonses?plan=${planId}&district=KZ-75-D01`);
  assert.equal(list.statusCode, 200);
  const rows = list.json().summonses as { id: string; iin: string; name: string; legal: string; dulyNotified: boolean }[];
  assert.deepEqual(rows.map((s) => s.iin).sort(), [almaty[0]?.iin, almaty[1]?.iin].sort());
  for (const s of rows) {
    const shown = await showSummons(db, s.id, { actor: 'test', at: clock.now() });
    assert.equal(s.legal, shown.state.legal);
    assert.equal(s.dulyNotified, shown.state.notification !== 'not_notified');
  }
  assert.ok(rows.some((s) => s.name === 'Сейтқали Арман'));
  const [audit] = await db.query<{ details: { summonses: number } }>("SELECT details FROM audit_log WHERE action = 'summons.list.read' AND actor = 'user:almaty.officer'");
  assert.equal(audit?.details.summonses, 2);
});

test('reference lists and districts; the UI is served beside the API and unknown API paths stay JSON errors', async () => {
  const ref = (await get('auditor', '/api/reference')).json();
  assert.equal(ref.regions.length, 20);
  assert.ok(ref.specialties.some((s: { code: string; name: { ru: string } }) => s.code === 'aviation' && s.name.ru));
  assert.ok(ref.ruleSets.some((r: { id: string }) => r.id === 'reserve-mobilization'));
  assert.equal((await get(null, '/api/reference')).statusCode, 401);
  assert.deepEqual((await get('almaty.officer', '/api/regions/KZ-75/districts')).json().districts, ['KZ-75-D01', 'KZ-75-D02']);
  assert.deepEqual((await get('district.officer', '/api/regions/KZ-75/districts')).json().districts, ['KZ-75-D01']);
  assert.equal((await get('almaty.officer', '/api/regions/KZ-71/districts')).statusCode, 403);

  for (const path of ['/api/no-such-thing', '/assets/index-stale.js']) {
    const missing = await get('coordinator', path);
    assert.deepEqual([missing.statusCode, missing.json().error.code], [404, 'API_NOT_FOUND'], path);
  }
  for (const path of ['/', '/registry/123', '/citizen']) {
    const page = await app.inject({ method: 'GET', url: path });
    assert.equal(page.statusCode, 200, path);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.headers['content-security-policy'] as string, /default-src 'self'/);
  }
});
