import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import type { Clock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { makeIin } from '../src/modules/registry/index.ts';
import { SmppClient, SmscSimulator, type SimMessage } from '../src/modules/sms/index.ts';
import {
  acknowledgeSummons,
  appendToSummons,
  citizenOf,
  CODE_ATTEMPTS,
  issuePlan,
  mySummonses,
  mySummonsesBySession,
  recordOfficerAction,
  reportReason,
  requestSignInCode,
  showSummons,
  signIn,
  updateMobile,
  type CodeSender,
} from '../src/modules/summons/index.ts';
import { freshDb } from './helpers/db.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

let now = new Date('2026-11-23T06:00:00Z');
const clock: Clock = { now: () => new Date(now) };
const appearanceAt = new Date('2026-12-01T09:00:00+05:00');
let db: Db;
let sim: SmscSimulator;
let client: SmppClient;
let sender: CodeSender;
const inbox: SimMessage[] = [];

before(async () => {
  db = await freshDb();
  sim = await SmscSimulator.start({ seed: 3, clock });
  sim.onMessage((m) => inbox.push(m));
  client = await SmppClient.open({ host: '127.0.0.1', port: sim.port, systemId: 'mobilize', password: 'x', sourceAddr: 'MOBILIZE', channel: { name: 'live', exercise: false }, window: 10 });
  sender = { sendCode: async (to, text) => void (await client.send({ to, text, exercise: false })) };
});
after(async () => {
  await client.close();
  await sim.close();
  await db.close();
});

interface Issued { id: string; iin: string; mobile: string }

async function issue(planName: string, people: ReturnType<typeof officer>[]): Promise<Issued[]> {
  now = new Date('2026-11-23T06:00:00Z');
  await addPeople(db, clock, people);
  const planId = await approvedPlan(db, clock, order(planName, people.length, false, people[0]?.specialty as string));
  await issuePlan(db, String(planId), { actor: 'officer-b', clock, appearanceAt, rng: seededRng(planName) });
  const rows = await db.query<Issued>('SELECT s.id::text AS id, s.iin, p.mobile FROM summonses s JOIN persons p ON p.iin = s.iin WHERE s.plan_id = $1 ORDER BY s.id', [planId]);
  assert.equal(rows.length, people.length);
  return rows;
}

/** The code the simulator received for this number, waiting for the message to arrive. */
async function codeSentTo(mobile: string, already: number): Promise<string> {
  const end = Date.now() + 5000;
  for (;;) {
    const got = inbox.filter((m) => `+${m.destination}` === mobile || m.destination === mobile);
    if (got.length > already) return (/(\d{6})/.exec((got[got.length - 1] as SimMessage).text) as RegExpExecArray)[1] as string;
    if (Date.now() > end) throw new Error(`no code reached ${mobile}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const sentCount = (mobile: string) => inbox.filter((m) => `+${m.destination}` === mobile || m.destination === mobile).length;

async function signedIn(iin: string, mobile: string): Promise<string> {
  const n = sentCount(mobile);
  await requestSignInCode(db, iin, { clock, sender, address: 'test' });
  const { token } = await signIn(db, iin, await codeSentTo(mobile, n), { clock, address: 'test' });
  return token;
}

const refusedWith = (code: string) => (e: unknown) => isDomainError(e, code) || assert.fail(`expected ${code}, got ${(e as Error).message}`);

test('sign in with a code sent by SMS; a citizen sees only their own summonses and cannot touch anyone else’s', async () => {
  const [mine, theirs] = await issue('self-own', [officer({ specialty: 'medical' }), officer({ specialty: 'medical' })]);
  const m = mine as Issued;
  const t = theirs as Issued;
  const before = sentCount(m.mobile);
  const answer = await requestSignInCode(db, m.iin, { clock, sender, address: 'test' });
  assert.equal(answer.status, 'sent_if_registered');
  const code = await codeSentTo(m.mobile, before);
  assert.match((inbox[inbox.length - 1] as SimMessage).text, /кіру коды \/ код входа \d{6}/);
  const wrong = code === '000000' ? '000001' : '000000';
  await assert.rejects(signIn(db, m.iin, wrong, { clock, address: 'test' }), refusedWith('SELF_SERVICE_CODE_WRONG'));
  await assert.rejects(signIn(db, t.iin, code, { clock, address: 'test' }), refusedWith('SELF_SERVICE_CODE_WRONG'), "my code does not sign in someone else");
  const { token } = await signIn(db, m.iin, code, { clock, address: 'test' });
  await assert.rejects(signIn(db, m.iin, code, { clock, address: 'test' }), refusedWith('SELF_SERVICE_CODE_WRONG'), 'a code works once');

  const iin = await citizenOf(db, token, clock);
  assert.equal(iin, m.iin);
  const list = await mySummonses(db, iin, { clock });
  assert.deepEqual(list.map((s) => s.id), [m.id]);
  assert.equal(list[0]?.legal, 'not_notified');
  assert.deepEqual(await mySummonsesBySession(db, token, { clock }), list, 'the polled lookup by session answers the same');

  await assert.rejects(acknowledgeSummons(db, iin, t.id, { clock }), refusedWith('SUMMONS_NOT_FOUND'));
  await assert.rejects(reportReason(db, iin, t.id, { reason: 'illness' }, { clock }), refusedWith('SUMMONS_NOT_FOUND'));
  await assert.rejects(acknowledgeSummons(db, iin, '987654', { clock }), (e: unknown) => isDomainError(e, 'SUMMONS_NOT_FOUND') && (e as Error).message === `you have no summons 987654`);
  await assert.rejects(reportReason(db, iin, t.id, { reason: 'illness' }, { clock }), (e: unknown) => (e as Error).message === `you have no summons ${t.id}`, 'answered exactly as a missing summons');
  assert.equal((await showSummons(db, t.id, { actor: 'test', at: clock.now() })).entries.length, 1, "the other person's summons is untouched");

  now = new Date(now.getTime() + 31 * 60_000);
  await assert.rejects(citizenOf(db, token, clock), refusedWith('SELF_SERVICE_UNAUTHENTICATED'), 'sessions expire');
  await assert.rejects(citizenOf(db, 'not-a-token', clock), refusedWith('SELF_SERVICE_UNAUTHENTICATED'));
  await assert.rejects(mySummonsesBySession(db, token, { clock }), refusedWith('SELF_SERVICE_UNAUTHENTICATED'), 'an expired session reads nothing');
  await assert.rejects(mySummonsesBySession(db, '', { clock }), refusedWith('SELF_SERVICE_UNAUTHENTICATED'));
});

test('the answer does not tell who is registered; requests are throttled; wrong tries and time spend a code', async () => {
  now = new Date('2026-11-24T06:00:00Z');
  const stranger = makeIin('1990-01-01', 'M', 4321) as string;
  const messages = inbox.length;
  assert.deepEqual(await requestSignInCode(db, stranger, { clock, sender, address: 'test' }), { status: 'sent_if_registered', expiresInSeconds: 300 });
  assert.equal(inbox.length, messages, 'no SMS for an IIN that is not registered');
  await assert.rejects(requestSignInCode(db, '123', { clock, sender, address: 'test' }), refusedWith('SELF_SERVICE_BAD_IIN'));

  const p = officer({ specialty: 'aviation' });
  await addPeople(db, clock, [p]);
  const mobile = p.mobile as string;
  let n = sentCount(mobile);
  await requestSignInCode(db, p.iin, { clock, sender, address: 'test' });
  const code = await codeSentTo(mobile, n);
  for (let i = 0; i < CODE_ATTEMPTS; i++) await assert.rejects(signIn(db, p.iin, code === '999999' ? '999998' : '999999', { clock, address: 'test' }));
  await assert.rejects(signIn(db, p.iin, code, { clock, address: 'test' }), refusedWith('SELF_SERVICE_CODE_WRONG'), 'after the allowed wrong tries the code is spent');

  n = sentCount(mobile);
  await requestSignInCode(db, p.iin, { clock, sender, address: 'test' });
  const late = await codeSentTo(mobile, n);
  now = new Date(now.getTime() + 6 * 60_000);
  await assert.rejects(signIn(db, p.iin, late, { clock, address: 'test' }), refusedWith('SELF_SERVICE_CODE_WRONG'), 'codes expire');

  n = sentCount(mobile);
  await requestSignInCode(db, p.iin, { clock, sender, address: 'test' });
  const { token } = await signIn(db, p.iin, await codeSentTo(mobile, n), { clock, address: 'test' });
  assert.deepEqual(await mySummonsesBySession(db, token, { clock }), [], 'signed in, with no summons: an empty list, not a refusal');
  await assert.rejects(requestSignInCode(db, p.iin, { clock, sender, address: 'test' }), refusedWith('SELF_SERVICE_THROTTLED'));
  await requestSignInCode(db, stranger, { clock, sender, address: 'test' });
  await requestSignInCode(db, stranger, { clock, sender, address: 'test' });
  await assert.rejects(requestSignInCode(db, stranger, { clock, sender, address: 'test' }), refusedWith('SELF_SERVICE_THROTTLED'), 'the same throttle for an unregistered IIN');
});

test('acknowledging marks the messages read; a reported reason goes to the officer; a new mobile voids unread SMS and resends', async () => {
  const [ack, ill, moved] = await issue('self-acts', Array.from({ length: 3 }, () => officer({ specialty: 'engineering' })));
  const smsAt = '2026-11-23T06:01:00.000Z';
  for (const s of [ack, ill, moved] as Issued[]) {
    await db.transaction((tx) =>
      appendToSummons(tx, s.id, [
        { kind: 'sms_submitted', at: smsAt, number: s.mobile, numberBasis: ['given_to_lma'], messageIds: [`m${s.id}`] },
        { kind: 'sms_delivery_report', at: smsAt, messageId: `m${s.id}`, status: 'delivered' },
      ], { actor: 'dispatcher:test', clock, audit: 'summons.sms.dispatch' }),
    );
  }
  const a = ack as Issued;
  now = new Date('2026-11-24T06:00:00Z');
  await db.transaction((tx) => appendToSummons(tx, a.id, [{ kind: 'read_status', at: now.toISOString(), channel: 'sms', number: a.mobile, status: 'unread' }], { actor: 'operator', clock, audit: 'summons.read_status' }));
  const tokenA = await signedIn(a.iin, a.mobile);
  assert.equal((await mySummonses(db, await citizenOf(db, tokenA, clock), { clock }))[0]?.legal, 'not_notified');
  now = new Date('2026-11-24T07:00:00Z');
  assert.deepEqual(await acknowledgeSummons(db, a.iin, a.id, { clock }), { legal: 'duly_notified', markedRead: [`sms:${a.mobile}`] });

  const i = ill as Issued;
  const r = await reportReason(db, i.iin, i.id, { reason: 'illness', details: 'in hospital until 5 December' }, { clock });
  assert.deepEqual(r, { legal: 'duly_notified', pendingReason: 'illness' });
  await assert.rejects(reportReason(db, i.iin, i.id, { reason: 'illness', note: 'x' }, { clock }), refusedWith('SUMMONS_ACTION_INVALID'));
  const mine = await mySummonses(db, i.iin, { clock });
  assert.equal(mine[0]?.pendingReason?.details, 'in hospital until 5 December');
  assert.equal((await recordOfficerAction(db, i.id, { kind: 'reason_accepted' }, { actor: 'lma-officer', clock })).legal, 'excused');

  const mv = moved as Issued;
  await assert.rejects(updateMobile(db, mv.iin, '87011234567', { clock }), refusedWith('REGISTRY_INVALID_MOBILE'));
  assert.equal((await db.query<{ mobile: string }>('SELECT mobile FROM persons WHERE iin = $1', [mv.iin]))[0]?.mobile, mv.mobile, 'a refused number changes nothing');
  const res = await updateMobile(db, mv.iin, '+77770001122', { clock });
  assert.deepEqual(res, { changed: true, summonsesAffected: [mv.id], resent: [mv.id] });
  const shown = await showSummons(db, mv.id, { actor: 'test', at: clock.now() });
  assert.equal(shown.state.legal, 'not_notified', 'the SMS to the old number was not read, so it no longer counts');
  assert.deepEqual(shown.sends.filter((x) => x.channel === 'sms').map((x) => [x.destination, x.state]), [[mv.mobile, 'pending'], ['+77770001122', 'pending']]);
  const history = await db.query<{ actor: string; changes: Record<string, unknown> }>('SELECT actor, changes FROM person_history WHERE iin = $1', [mv.iin]);
  assert.deepEqual(history, [{ actor: `citizen:${mv.iin}`, changes: { mobile: [mv.mobile, '+77770001122'], mobile_on_egov: [true, false] } }], 'the new number is not assumed to be the one on e-Gov');
  assert.deepEqual(await updateMobile(db, mv.iin, '+77770001122', { clock }), { changed: false, summonsesAffected: [], resent: [] });
});
