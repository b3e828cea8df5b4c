import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import type { Clock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { approveAlert, composeAlert, draftMessage, publicBaseUrl, publishAlert, startAlertDispatcher, storeAlertReceipts, sweepAlertReceipts, unmatchedAlertReceipts, type AlertContent } from '../src/modules/alerts/index.ts';
import { EXERCISE_MARK, SmppClient, SmscSimulator } from '../src/modules/sms/index.ts';
import { floodContent, newAlert } from './helpers/alerts.ts';
import { freshDb } from './helpers/db.ts';
import { staffToken } from './helpers/staff.ts';
import { addPeople, officer } from './helpers/summons.ts';
import { waitFor } from './helpers/wait.ts';

/** Issue 19, items 3, 4 and 10 (alerts): content checked before approval, feed links from configuration, receipts bounded. */
let t = Date.parse('2026-11-23T06:00:00Z');
const clock: Clock = { now: () => new Date(t) };
const ctx = (actor: string) => ({ actor, clock, scope: { region: null } });
let db: Db;
const open: { close(): Promise<void> }[] = [];

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [officer({ region: 'KZ-75', mobile: '+77015550001' }), officer({ region: 'KZ-75', mobile: '+77015550002' }), officer({ region: 'KZ-31', mobile: '+77015550003' }), officer({ region: 'KZ-19', mobile: '+77015550004' }), officer({ region: 'KZ-19', mobile: '+77015550005' })]);
});
after(async () => {
  for (const o of open.reverse()) await o.close().catch(() => undefined);
  await db.close();
});

async function refusal(p: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (isDomainError(e)) return { code: e.code, details: e.details };
    throw e;
  }
  assert.fail('expected a refusal');
}

const withWords = (lang: 'kk' | 'ru' | 'en', field: 'headline' | 'description' | 'instruction', words: string): Partial<AlertContent> => {
  const c = floodContent();
  return { info: { ...c.info, [lang]: { ...c.info[lang], [field]: words } } as AlertContent['info'] };
};

test('a live alert carrying the exercise mark is refused when composed, revised, followed up or approved; a drill may carry it', async () => {
  for (const [lang, field] of [['kk', 'headline'], ['ru', 'instruction'], ['en', 'description']] as const) {
    const r = await refusal(composeAlert(db, newAlert('Actual', ['KZ-75'], withWords(lang, field, `${EXERCISE_MARK}: flood drill`)), ctx('user:author')));
    assert.deepEqual([r.code, r.details.field, r.details.rule], ['ALERT_BAD_CONTENT', `info.${lang}.${field}`, 'exercise_mark_in_live']);
  }
  const drill = await composeAlert(db, newAlert('Exercise', ['KZ-75'], withWords('ru', 'headline', `${EXERCISE_MARK} паводок`)), ctx('user:author'));
  assert.equal(drill.state.phase, 'draft');

  const live = await composeAlert(db, newAlert('Actual', ['KZ-75']), ctx('user:author'));
  const revised = await refusal(draftMessage(db, live.id, { content: floodContent(['KZ-75'], withWords('kk', 'headline', EXERCISE_MARK)) }, { ...ctx('user:author'), revise: true }));
  assert.equal(revised.details.rule, 'exercise_mark_in_live');
  await approveAlert(db, live.id, ctx('user:second'));
  await publishAlert(db, live.id, ctx('user:second'));
  const update = await refusal(draftMessage(db, live.id, { kind: 'update', content: floodContent(['KZ-75'], withWords('ru', 'description', `… ${EXERCISE_MARK} …`)) }, ctx('user:author')));
  assert.equal(update.details.rule, 'exercise_mark_in_live');

  // Words that reached the log without these checks (written before they existed) are stopped at approval.
  const old = await composeAlert(db, newAlert('Actual', ['KZ-75']), ctx('user:author'));
  const [first] = await db.query<{ action: { content: AlertContent } }>('SELECT action FROM alert_actions WHERE alert_id = $1 AND seq = 1', [old.id]);
  const bad = { ...first?.action, content: floodContent(['KZ-75'], withWords('kk', 'headline', `${EXERCISE_MARK} су`)), kind: 'revise', at: clock.now().toISOString(), actor: 'user:author' };
  delete (bad as { message?: unknown }).message;
  delete (bad as { status?: unknown }).status;
  await db.query("INSERT INTO alert_actions (alert_id, seq, at, actor, kind, action) VALUES ($1, 2, $2, 'user:author', 'revise', $3)", [old.id, clock.now(), JSON.stringify(bad)]);
  const approval = await refusal(approveAlert(db, old.id, ctx('user:second')));
  assert.deepEqual([approval.code, approval.details.rule], ['ALERT_BAD_CONTENT', 'exercise_mark_in_live']);
});

test('the web link is http(s) only: javascript:, data:, file: and ftp: are refused with a stable code; https goes into the CAP', async () => {
  for (const web of ['javascript:alert(document.cookie)', 'JavaScript://x.kz/%0aalert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'ftp://files.example.kz/a']) {
    const r = await refusal(composeAlert(db, newAlert('Actual', ['KZ-75'], { web }), ctx('user:author')));
    assert.equal(r.code, 'ALERT_BAD_CONTENT', web);
    assert.equal(r.details.field, 'web', web);
  }
  const ok = await composeAlert(db, newAlert('Actual', ['KZ-75'], { web: 'https://emer.gov.kz/flood' }), ctx('user:author'));
  await approveAlert(db, ok.id, ctx('user:second'));
  await publishAlert(db, ok.id, ctx('user:second'));
  const [m] = await db.query<{ xml: string }>('SELECT xml FROM alert_messages WHERE alert_id = $1', [ok.id]);
  assert.match(m?.xml ?? '', /<web>https:\/\/emer\.gov\.kz\/flood<\/web>/);
});

test('areas must be known regions', async () => {
  const r = await refusal(composeAlert(db, newAlert('Actual', ['KZ-99']), ctx('user:author')));
  assert.deepEqual([r.code, r.details.region], ['ALERT_UNKNOWN_REGION', 'KZ-99']);
});

test('over HTTP the refusals are 400 with their code, before anything is stored', async () => {
  const app = await buildApp({ db, clock });
  open.push(app);
  const token = await staffToken(db, 'officer.alerts', 'national_coordinator', {}, clock);
  const [{ n: before } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM alerts');
  for (const content of [floodContent(['KZ-75'], { web: 'javascript:alert(1)' }), floodContent(['KZ-75'], withWords('kk', 'headline', EXERCISE_MARK))]) {
    const res = await app.inject({ method: 'POST', url: '/api/alerts', headers: { authorization: `Bearer ${token}` }, payload: { status: 'Actual', content } });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.code, 'ALERT_BAD_CONTENT');
  }
  const [{ n: after } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM alerts');
  assert.equal(after, before);
});

test('feed links come from the configured public URL; a forged Host header changes nothing', async () => {
  const a = await composeAlert(db, newAlert('Actual', ['KZ-31']), ctx('user:author'));
  await approveAlert(db, a.id, ctx('user:second'));
  await publishAlert(db, a.id, ctx('user:second'));
  const app = await buildApp({ db, clock, publicUrl: 'https://alerts.example.kz/mobilize/' });
  open.push(app);
  const feed = (host: string) => app.inject({ method: 'GET', url: '/api/alerts/feed.atom?lang=ru', headers: { host, 'x-forwarded-host': host } });
  const honest = await feed('alerts.example.kz');
  const forged = await feed('evil.example.com');
  assert.equal(honest.statusCode, 200);
  assert.equal(forged.body, honest.body);
  assert.doesNotMatch(forged.body, /evil/);
  assert.match(honest.body, new RegExp(`href="https://alerts\\.example\\.kz/mobilize/api/alerts/${a.id}/cap/1"`));
  assert.match(honest.body, /rel="self" href="https:\/\/alerts\.example\.kz\/mobilize\/api\/alerts\/feed\.atom\?lang=ru&amp;status=Actual"/);

  // Without a configured URL: this server's own port on localhost, still never the Host header.
  const dev = await buildApp({ db, clock });
  open.push(dev);
  await dev.listen({ port: 0, host: '127.0.0.1' });
  const port = (dev.server.address() as { port: number }).port;
  const body = await (await fetch(`http://127.0.0.1:${port}/api/alerts/feed.atom`, { headers: { host: 'evil.example.com' } })).text();
  assert.match(body, new RegExp(`href="http://localhost:${port}/api/alerts/`));
  assert.doesNotMatch(body, /evil/);

  for (const bad of ['javascript:alert(1)', 'alerts.example.kz', 'https://alerts.example.kz/?x=1', 'https://user:pw@alerts.example.kz']) {
    assert.throws(() => publicBaseUrl(bad), (e: unknown) => isDomainError(e) && e.code === 'CONFIG_INVALID_PUBLIC_URL', bad);
  }
  await assert.rejects(buildApp({ db, clock, publicUrl: 'ftp://x.kz' }), (e: unknown) => isDomainError(e) && e.code === 'CONFIG_INVALID_PUBLIC_URL');
});

test('receipt lookups use indexes: the part by its primary key, the "all parts delivered" check by outbox_id', async () => {
  const idx = await db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE tablename = 'alert_sms_parts'");
  assert.ok(idx.some((i) => /\(outbox_id\)/.test(i.indexdef)), JSON.stringify(idx));
  assert.ok(idx.some((i) => /\(smsc, message_id\)/.test(i.indexdef)));
});

test('receipts that never match a recorded part expire after a bounded number of sweeps or time, and are counted', async () => {
  const smsc = 'sim-unmatched';
  const heard = await storeAlertReceipts(db, smsc, [1, 2, 3].map((i) => ({ messageId: `nope-${i}`, status: 'delivered' as const, destination: '77019999999' })), { clock, actor: 'test' });
  assert.deepEqual(heard, { heard: 3, applied: 0, adopted: 0, expired: 0 });
  const expiry = { ttlMs: 3_600_000, maxSweeps: 3 };
  const first = await sweepAlertReceipts(db, smsc, { clock, actor: 'test', expiry });
  const second = await sweepAlertReceipts(db, smsc, { clock, actor: 'test', expiry });
  assert.equal(first.expired + second.expired, 0, 'kept while they may still match');
  assert.equal(await unmatchedAlertReceipts(db, smsc), 3);
  const third = await sweepAlertReceipts(db, smsc, { clock, actor: 'test', expiry });
  assert.equal(third.expired, 3);
  assert.equal(await unmatchedAlertReceipts(db, smsc), 0);
  // By time alone too: an hour later on the clock one sweep is enough.
  await storeAlertReceipts(db, smsc, [{ messageId: 'late', status: 'delivered', destination: '77019999999' }], { clock, actor: 'test' });
  t += 3_600_000;
  assert.equal((await sweepAlertReceipts(db, smsc, { clock, actor: 'test', expiry })).expired, 1);
  const audit = await db.query<{ details: { expired: number } }>("SELECT details FROM audit_log WHERE action = 'alert.receipts.sweep' AND subject = $1 ORDER BY seq", [`gateway:${smsc}`]);
  assert.deepEqual(audit.map((a) => a.details.expired), [3, 1]);
});

test('a submit whose answer came too late is not sent again: the receipt from its number confirms it, and the citizen gets the alert once', { timeout: 60_000 }, async () => {
  // The SMSC answers every submit after 400 ms; the client gives up after 150 ms (a busy event loop looks the same).
  const sim = await SmscSimulator.start({ seed: 5, clock, respondDelayMs: 400 });
  open.push(sim);
  const client = await SmppClient.open({ host: '127.0.0.1', port: sim.port, systemId: 'mobilize', password: '', sourceAddr: 'ALERT', channel: { name: 'live', exercise: false }, window: 20, replyTimeoutMs: 150 });
  // Its own region (KZ-19): the earlier tests' alerts are still queued and go out too, to other numbers.
  const a = await composeAlert(db, newAlert('Actual', ['KZ-19']), ctx('user:author'));
  await approveAlert(db, a.id, ctx('user:second'));
  await publishAlert(db, a.id, ctx('user:second'));
  const smsc = `127.0.0.1:${sim.port}`;
  const d = startAlertDispatcher(db, { sms: { client, smsc } }, { batch: 50, clock, traffic: 'live', pollMs: 20, unconfirmedHoldMs: 5_000, sweepMs: 0 });
  const rows = () => db.query<{ destination: string; state: string; delivered: number; attempts: number }>("SELECT destination, state, delivered, attempts FROM alert_outbox WHERE alert_id = $1 AND channel = 'sms' ORDER BY destination", [a.id]);
  try {
    await waitFor('both SMS confirmed by their receipts', async () => (await rows()).every((r) => r.state === 'submitted' && Number(r.delivered) === 1), 20_000);
    // Long past the hold and the retry backoff: nothing is due, nothing goes out again.
    t += 3_600_000;
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await d.stop();
  }
  assert.ok(d.totals.sms.unconfirmed >= 2 && d.receipts.adopted >= 2, JSON.stringify([d.totals.sms, d.receipts]));
  assert.deepEqual((await rows()).map((r) => [r.destination, r.state, Number(r.delivered), Number(r.attempts)]), [['+77015550004', 'submitted', 1, 1], ['+77015550005', 'submitted', 1, 1]]);
  const perNumber = new Map<string, number>();
  for (const m of sim.messages) perNumber.set(m.destination, (perNumber.get(m.destination) ?? 0) + 1);
  assert.deepEqual([perNumber.get('77015550004'), perNumber.get('77015550005')], [1, 1], 'each number of the region once');
});
