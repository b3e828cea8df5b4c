import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import {
  DRAFT_ALLOWED_IN,
  SECOND_PERSON_REQUIRED,
  STAGE_TRANSITIONS,
  applyAlertAction,
  approveAlert,
  composeAlert,
  discardAlert,
  draftMessage,
  publishAlert,
  readAlert,
  reduceAlert,
  type AlertAction,
  type AlertScope,
} from '../src/modules/alerts/index.ts';
import { cancelText, floodContent, newAlert } from './helpers/alerts.ts';
import { freshDb } from './helpers/db.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const national: AlertScope = { region: null };
const ctx = (actor: string, scope: AlertScope = national) => ({ actor, clock, scope });
let db: Db;
before(async () => {
  db = await freshDb();
});
after(async () => {
  await db.close();
});

const code = (c: string) => (e: unknown) => isDomainError(e, c) || assert.fail(`expected ${c}, got ${(e as Error).message}`);

test('the transition tables name every kind and stage, and only Actual alerts need a second person', () => {
  assert.deepEqual(Object.keys(DRAFT_ALLOWED_IN).sort(), ['alert', 'all_clear', 'cancel', 'update']);
  assert.deepEqual(Object.keys(STAGE_TRANSITIONS).sort(), ['approved', 'drafted']);
  assert.equal('publish' in STAGE_TRANSITIONS.drafted, false, 'nothing is published unapproved');
  assert.deepEqual(SECOND_PERSON_REQUIRED, { Actual: true, Exercise: false, Test: false });
});

test('pure reducer: the log opens with a draft, follow-ups wait for publication, revising drops the approval', () => {
  const t = '2026-11-23T11:00:00+05:00';
  const draft: AlertAction = { kind: 'draft', at: t, actor: 'a', message: 'alert', status: 'Actual', content: floodContent() };
  assert.throws(() => reduceAlert([{ kind: 'approve', at: t, actor: 'b' }]), code('ALERT_BAD_LOG'));
  let s = applyAlertAction(null, draft);
  assert.deepEqual([s.phase, s.pending?.stage, s.version], ['draft', 'drafted', 1]);
  assert.throws(() => applyAlertAction(s, { kind: 'draft', at: t, actor: 'a', message: 'cancel', content: floodContent() }), code('ALERT_BAD_TRANSITION'));
  assert.throws(() => applyAlertAction(s, { kind: 'publish', at: t, actor: 'b', identifier: 'x', sent: t }), /must be approved first/);
  s = applyAlertAction(s, { kind: 'revise', at: t, actor: 'c', content: floodContent(['KZ-71']) });
  assert.throws(() => applyAlertAction(s, { kind: 'approve', at: t, actor: 'c' }), code('ALERT_SELF_APPROVAL'), 'a reviser also wrote the words');
  s = applyAlertAction(s, { kind: 'approve', at: t, actor: 'b' });
  assert.deepEqual([s.phase, s.pending?.approvedBy], ['approved', 'b']);
  const revised = applyAlertAction(s, { kind: 'revise', at: t, actor: 'a', content: floodContent() });
  assert.deepEqual([revised.phase, revised.pending?.stage, revised.pending?.approvedBy], ['draft', 'drafted', null]);
  s = applyAlertAction(s, { kind: 'publish', at: t, actor: 'a', identifier: 'id-1', sent: t });
  assert.deepEqual([s.phase, s.pending, s.published.length], ['published', null, 1]);
  assert.throws(() => applyAlertAction(s, { kind: 'approve', at: t, actor: 'b' }), /no message in hand/);
  s = applyAlertAction(s, { kind: 'draft', at: t, actor: 'a', message: 'cancel', content: floodContent() });
  assert.throws(() => applyAlertAction(s, { kind: 'draft', at: t, actor: 'a', message: 'update', content: floodContent() }), /already in hand/);
  s = applyAlertAction(applyAlertAction(s, { kind: 'approve', at: t, actor: 'b' }), { kind: 'publish', at: t, actor: 'b', identifier: 'id-2', sent: t });
  assert.equal(s.phase, 'cancelled');
  for (const m of ['update', 'cancel', 'all_clear'] as const) {
    assert.throws(() => applyAlertAction(s, { kind: 'draft', at: t, actor: 'a', message: m, content: floodContent() }), code('ALERT_BAD_TRANSITION'), `no ${m} after a cancellation`);
  }
});

test('an Actual alert: its author cannot approve it, a second person approves, either may then publish', async () => {
  const a = await composeAlert(db, newAlert('Actual'), ctx('user:author'));
  await assert.rejects(approveAlert(db, a.id, ctx('user:author')), code('ALERT_SELF_APPROVAL'));
  await assert.rejects(publishAlert(db, a.id, ctx('user:second')), /must be approved by a second person first/);
  await approveAlert(db, a.id, ctx('user:second'));
  const r = await publishAlert(db, a.id, ctx('user:author'));
  assert.equal(r.alert.state.phase, 'published');
  assert.equal(r.alert.state.published[0]?.approvedBy, 'user:second');
  // A follow-up follows the same rule: the author of the cancellation cannot approve it either.
  await draftMessage(db, a.id, { kind: 'cancel', reason: 'error', text: cancelText }, ctx('user:second'));
  await assert.rejects(approveAlert(db, a.id, ctx('user:second')), code('ALERT_SELF_APPROVAL'));
  await approveAlert(db, a.id, ctx('user:author'));
  await publishAlert(db, a.id, ctx('user:author'));
  const audit = await db.query<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE subject = $1 ORDER BY seq", [`alert:${a.id}`]);
  assert.deepEqual(audit.map((x) => x.action), ['alert.draft', 'alert.approve', 'alert.publish', 'alert.draft', 'alert.approve', 'alert.publish']);
});

test('exercise and test alerts may be approved by their author; the approval is still on record', async () => {
  for (const status of ['Exercise', 'Test'] as const) {
    const a = await composeAlert(db, newAlert(status), ctx('user:drill'));
    const s = await approveAlert(db, a.id, ctx('user:drill'));
    assert.equal(s.state.pending?.approvedBy, 'user:drill');
    assert.equal((await publishAlert(db, a.id, ctx('user:drill'))).alert.state.phase, 'published');
  }
});

test('approval names the version read: a change in between is refused as stale', async () => {
  const a = await composeAlert(db, newAlert('Actual'), ctx('user:author'));
  await draftMessage(db, a.id, { content: floodContent(['KZ-75', 'KZ-71']) }, { ...ctx('user:author'), revise: true });
  await assert.rejects(approveAlert(db, a.id, { ...ctx('user:second'), seen: 1 }), code('ALERT_STALE'));
  const ok = await approveAlert(db, a.id, { ...ctx('user:second'), seen: 2 });
  assert.equal(ok.state.pending?.stage, 'approved');
  await assert.rejects(publishAlert(db, a.id, { ...ctx('user:second'), seen: 2 }), code('ALERT_STALE'));
  await discardAlert(db, a.id, { ...ctx('user:author'), reason: 'not needed' });
  assert.equal((await readAlert(db, a.id)).state.phase, 'discarded');
  await assert.rejects(publishAlert(db, a.id, ctx('user:second')), code('ALERT_BAD_TRANSITION'));
});

test("a regional officer alerts their own region only, and cannot act on an alert reaching beyond it", async () => {
  const almaty: AlertScope = { region: 'KZ-75' };
  await assert.rejects(composeAlert(db, newAlert('Actual', ['KZ-75', 'KZ-71']), ctx('user:almaty.a', almaty)), code('ACCESS_OUT_OF_SCOPE'));
  const own = await composeAlert(db, newAlert('Actual', ['KZ-75']), ctx('user:almaty.a', almaty));
  await approveAlert(db, own.id, ctx('user:almaty.b', almaty));
  await publishAlert(db, own.id, ctx('user:almaty.b', almaty));
  const national2 = await composeAlert(db, newAlert('Actual', ['KZ-75', 'KZ-71']), ctx('user:coordinator'));
  await assert.rejects(approveAlert(db, national2.id, ctx('user:almaty.b', almaty)), code('ACCESS_OUT_OF_SCOPE'));
  const astanaOnly = await composeAlert(db, newAlert('Actual', ['KZ-71']), ctx('user:coordinator'));
  await assert.rejects(readAlert(db, astanaOnly.id, { scope: almaty }), code('ALERT_NOT_FOUND'), 'another region answers as missing');
  await assert.rejects(approveAlert(db, astanaOnly.id, ctx('user:almaty.b', almaty)), code('ALERT_NOT_FOUND'));
});

test('bad content is refused with a clear error before anything is stored', async () => {
  const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM alerts');
  await assert.rejects(composeAlert(db, newAlert('Actual', ['KZ-99']), ctx('user:a')), code('ALERT_UNKNOWN_REGION'));
  await assert.rejects(composeAlert(db, newAlert('Actual', ['KZ-75', 'KZ-75']), ctx('user:a')), /listed twice/);
  await assert.rejects(composeAlert(db, { status: 'Draft', content: floodContent() }, ctx('user:a')), code('ALERT_BAD_CONTENT'));
  await assert.rejects(composeAlert(db, newAlert('Actual', ['KZ-75'], { expires: '2026-11-23T10:00:00+05:00', onset: undefined }), ctx('user:a')), code('ALERT_EXPIRED'));
  await assert.rejects(composeAlert(db, newAlert('Actual', ['KZ-75'], { expires: '2026-11-25T12:00:00Z' as string, onset: '2026-11-26T12:00:00+05:00' }), ctx('user:a')), /expires must be after onset/);
  const noKazakh = floodContent();
  await assert.rejects(composeAlert(db, { status: 'Actual', content: { ...noKazakh, info: { ru: noKazakh.info.ru } } }, ctx('user:a')), /info\.kk/);
  assert.deepEqual(await db.query('SELECT count(*)::int AS n FROM alerts'), before);
});

test('the same idempotency key twice gives the same alert', async () => {
  const body = { ...newAlert('Actual'), idempotencyKey: 'client-retry-0001' };
  const a = await composeAlert(db, body, ctx('user:a'));
  const b = await composeAlert(db, body, ctx('user:a'));
  assert.equal(a.id, b.id);
});

test('the log is append-only in the database itself', async () => {
  const a = await composeAlert(db, newAlert('Actual'), ctx('user:a'));
  await assert.rejects(db.query('UPDATE alert_actions SET actor = $1 WHERE alert_id = $2', ['user:b', a.id]), /append-only/);
  await assert.rejects(db.query('DELETE FROM alerts WHERE id = $1', [a.id]), /append-only/);
});
