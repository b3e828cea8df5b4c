import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import {
  SimulatedCellBroadcast,
  alertSmsText,
  approveAlert,
  composeAlert,
  dispatchAlerts,
  draftMessage,
  publishAlert,
  showAlert,
  startAlertDispatcher,
  applyAlertReceipt,
  type AlertGateways,
  type AlertScope,
} from '../src/modules/alerts/index.ts';
import { EXERCISE_MARK, SmppClient, SmscSimulator } from '../src/modules/sms/index.ts';
import { cancelText, floodContent, newAlert } from './helpers/alerts.ts';
import { freshDb, onPostgres, outageSwitch, raceOnLock } from './helpers/db.ts';
import { waitFor } from './helpers/wait.ts';
import { addPeople, officer } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const national: AlertScope = { region: null };
const ctx = (actor: string) => ({ actor, clock, scope: national });
let db: Db;
const open: { close(): Promise<void> }[] = [];

// Almaty: three people with numbers (two share one), one without; abroad: one; Astana and Almaty Region: one each.
const almaty = [
  officer({ region: 'KZ-75', mobile: '+77010000001' }),
  officer({ region: 'KZ-75', mobile: '+77010000002' }),
  officer({ region: 'KZ-75', mobile: '+77010000002' }),
  officer({ region: 'KZ-75', mobile: null }),
];
const abroad = officer({ region: 'KZ-75', mobile: '+77010000009', resides_abroad: true });
const astana = officer({ region: 'KZ-71', mobile: '+77010000003' });
const almatyRegion = officer({ region: 'KZ-19', mobile: '+77010000004' });

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [...almaty, abroad, astana, almatyRegion]);
});
after(async () => {
  for (const o of open.reverse()) await o.close().catch(() => undefined);
  await db.close();
});

async function sim(): Promise<SmscSimulator> {
  const s = await SmscSimulator.start({ seed: 11, clock });
  open.push(s);
  return s;
}

async function smsGateway(s: SmscSimulator, exercise: boolean) {
  const client = await SmppClient.open({ host: '127.0.0.1', port: s.port, systemId: 'mobilize', password: 'x', sourceAddr: 'ALERT', channel: { name: exercise ? 'drill' : 'live', exercise }, window: 20 });
  open.push(client);
  return { client, smsc: `127.0.0.1:${s.port}` };
}

async function published(status: 'Actual' | 'Exercise' | 'Test', regions: string[]): Promise<string> {
  const a = await composeAlert(db, newAlert(status, regions), ctx('user:author'));
  await approveAlert(db, a.id, ctx('user:second'));
  await publishAlert(db, a.id, ctx('user:second'));
  return a.id;
}

const outbox = (id: string) => db.query<{ channel: string; destination: string; state: string; exercise: boolean; text: string; message_n: number }>(
  'SELECT channel, destination, state, exercise, text, message_n FROM alert_outbox WHERE alert_id = $1 ORDER BY channel, destination', [id]);

async function drain(gateways: AlertGateways, traffic?: 'live' | 'exercise'): Promise<void> {
  for (const ch of ['sms', 'cell_broadcast'] as const) while ((await dispatchAlerts(db, gateways, ch, { batch: 50, clock, ...(traffic ? { traffic } : {}) })).claimed > 0);
}

test('region targeting: the SMS goes to each distinct number of the people registered in the target region, nobody else', async () => {
  const id = await published('Actual', ['KZ-75']);
  const rows = await outbox(id);
  assert.deepEqual(rows.filter((r) => r.channel === 'sms').map((r) => r.destination), ['+77010000001', '+77010000002']);
  assert.deepEqual(rows.filter((r) => r.channel === 'cell_broadcast').map((r) => r.destination), ['KZ-75']);
  assert.ok(rows.every((r) => !r.exercise && !r.text.includes(EXERCISE_MARK)));
  const s = await sim();
  const cb = new SimulatedCellBroadcast('cb-live', false);
  await drain({ sms: await smsGateway(s, false), cellBroadcast: cb });
  // The SMSC sees international numbers without the plus.
  assert.deepEqual(s.messages.map((m) => m.destination).sort(), ['77010000001', '77010000002']);
  assert.equal(s.messages[0]?.text, alertSmsText('Actual', floodContent(['KZ-75'])));
  assert.match(s.messages[0]?.text ?? '', /^Су тасқыны қаупі.*\nУгроза паводка/s);
  assert.deepEqual(cb.sent.map((m) => [m.region, m.exercise, m.polygons.length]), [['KZ-75', false, 1]]);
  assert.ok((await outbox(id)).every((r) => r.state === 'submitted'));
  const audit = await db.query<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'alert.dispatch.%'");
  assert.deepEqual([...new Set(audit.map((a) => a.action))].sort(), ['alert.dispatch.cell_broadcast', 'alert.dispatch.sms']);
});

test('two regions reach both; an update that adds a region reaches the old and the new ones', async () => {
  const id = await published('Actual', ['KZ-71']);
  await draftMessage(db, id, { kind: 'update', content: floodContent(['KZ-19']) }, ctx('user:author'));
  await approveAlert(db, id, ctx('user:second'));
  await publishAlert(db, id, ctx('user:second'));
  const second = (await outbox(id)).filter((r) => r.message_n === 2);
  assert.deepEqual(second.filter((r) => r.channel === 'sms').map((r) => r.destination), ['+77010000003', '+77010000004']);
  assert.deepEqual(second.filter((r) => r.channel === 'cell_broadcast').map((r) => r.destination), ['KZ-19', 'KZ-71']);
});

test('an exercise alert is marked, never claimed by a live dispatcher, refused by a live gateway, and delivered on an exercise channel', async () => {
  const id = await published('Exercise', ['KZ-71']);
  const rows = await outbox(id);
  assert.ok(rows.length === 2 && rows.every((r) => r.exercise && r.text.startsWith(EXERCISE_MARK)));
  const live = await sim();
  const liveCb = new SimulatedCellBroadcast('cb-live', false);
  const liveGw = { sms: await smsGateway(live, false), cellBroadcast: liveCb };
  await drain(liveGw, 'live');
  assert.ok((await outbox(id)).every((r) => r.state === 'pending'), 'a live dispatcher does not even claim exercise rows');
  // A misconfigured dispatcher that claims everything: the gateways' exercise gate refuses, nothing reaches the live SMSC.
  await drain(liveGw);
  assert.deepEqual((await outbox(id)).map((r) => r.state), ['refused', 'refused']);
  assert.equal(live.messages.filter((m) => m.text.includes(EXERCISE_MARK)).length, 0);
  assert.equal(liveCb.sent.filter((m) => m.exercise || m.text.includes(EXERCISE_MARK)).length, 0);
  const err = await db.query<{ last_error: string }>("SELECT last_error FROM alert_outbox WHERE alert_id = $1 AND channel = 'sms'", [id]);
  assert.match(err[0]?.last_error ?? '', /SMS_EXERCISE_ON_LIVE_CHANNEL/);

  const drill = await sim();
  const drillCb = new SimulatedCellBroadcast('cb-drill', true);
  const second = await published('Test', ['KZ-71']);
  await drain({ sms: await smsGateway(drill, true), cellBroadcast: drillCb }, 'exercise');
  assert.deepEqual(drill.messages.map((m) => m.destination), ['77010000003']);
  assert.ok(drill.messages[0]?.text.startsWith(`${EXERCISE_MARK} · TEST`));
  assert.deepEqual(drillCb.sent.map((m) => m.region), ['KZ-71']);
  assert.deepEqual((await outbox(second)).map((r) => r.state), ['submitted', 'submitted']);
});

test('a message still queued when its alert is cancelled is superseded: only the cancellation goes out', async () => {
  const id = await published('Actual', ['KZ-19']);
  await draftMessage(db, id, { kind: 'cancel', reason: 'sent in error', text: cancelText }, ctx('user:author'));
  await approveAlert(db, id, ctx('user:second'));
  await publishAlert(db, id, ctx('user:second'));
  const s = await sim();
  await drain({ sms: await smsGateway(s, false), cellBroadcast: new SimulatedCellBroadcast('cb', false) });
  const rows = await outbox(id);
  assert.deepEqual(rows.map((r) => [r.message_n, r.channel, r.state]), [[1, 'cell_broadcast', 'superseded'], [2, 'cell_broadcast', 'submitted'], [1, 'sms', 'superseded'], [2, 'sms', 'submitted']].sort((a, b) => String(a[1]).localeCompare(String(b[1]))));
  assert.deepEqual(s.messages.map((m) => m.text.split('\n')[0]), [cancelText.kk.headline]);
});

test('the running dispatcher sends and counts delivery receipts per alert', async () => {
  const id = await published('Actual', ['KZ-75']);
  const s = await sim();
  const d = startAlertDispatcher(db, { sms: await smsGateway(s, false), cellBroadcast: new SimulatedCellBroadcast('cb', false) }, { batch: 50, clock, traffic: 'live', pollMs: 50 });
  const end = Date.now() + 20_000;
  let delivered = 0;
  while (Date.now() < end) {
    const detail = await showAlert(db, id, national);
    delivered = detail.distribution.filter((x) => x.channel === 'sms').reduce((n, x) => n + x.delivered, 0);
    if (delivered === 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await d.stop();
  assert.equal(delivered, 2);
  assert.equal(d.totals.sms.submitted, 2);
  assert.equal(d.totals.cell_broadcast.submitted, 1);
});

test('the running dispatcher goes on after the database refused its claims for a while, and says so', async () => {
  const outage = await outageSwitch(db, ['alert_outbox'], 'UPDATE');
  await outage.on();
  const id = await published('Actual', ['KZ-71']);
  const s = await sim();
  const errors: string[] = [];
  const d = startAlertDispatcher(db, { sms: await smsGateway(s, false) }, { batch: 50, clock, traffic: 'live', pollMs: 20, maxRetryMs: 100, onError: (what, e) => errors.push(`${what}: ${e.message}`) });
  try {
    await waitFor('the failed claims reported', async () => errors.length >= 2);
    assert.equal(s.messages.length, 0, 'nothing claimed, nothing sent');
    assert.match(errors[0] ?? '', /^alert sms round failed \(1 in a row\): test outage: alert_outbox refuses writes/);
    await outage.off();
    await waitFor('the SMS sent', async () => (await outbox(id)).some((o) => o.channel === 'sms' && o.state === 'submitted'));
  } finally {
    await d.stop();
  }
  assert.deepEqual(s.messages.map((m) => `+${m.destination}`), [astana.mobile]);
});

test('receipts for two parts of one SMS applied at the same moment: the SMS counts as delivered', { skip: !onPostgres && 'PGlite runs one transaction at a time' }, async () => {
  const id = await published('Actual', ['KZ-19']);
  await drain({ sms: await smsGateway(await sim(), false) }, 'live');
  const parts = await db.query<{ smsc: string; message_id: string; outbox_id: number }>(
    'SELECT p.smsc, p.message_id, p.outbox_id FROM alert_sms_parts p JOIN alert_outbox o ON o.id = p.outbox_id WHERE o.alert_id = $1 ORDER BY p.message_id', [id]);
  assert.ok(parts.length >= 2 && new Set(parts.map((p) => p.outbox_id)).size === 1, `one SMS in ${parts.length} parts`);
  const apply = (p: (typeof parts)[number]) => applyAlertReceipt(db, p.smsc, { messageId: p.message_id, status: 'delivered' });
  for (const p of parts.slice(0, -2)) await apply(p);
  // The last two receipts are applied together while the SMS's part rows are held, so both are in flight at once.
  const results = await raceOnLock(db, 'SELECT 1 FROM alert_sms_parts WHERE outbox_id = $1 FOR UPDATE', [parts[0]?.outbox_id], () => parts.slice(-2).map(apply));
  assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason))), [true, true]);
  const [row] = await db.query<{ delivered: number }>('SELECT delivered FROM alert_outbox WHERE id = $1', [parts[0]?.outbox_id]);
  assert.equal(Number(row?.delivered), 1);
});
