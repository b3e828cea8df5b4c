import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SmscSimulator } from '../src/modules/sms/index.ts';
import { dlrReceiver, Kannel, kannelInstalled, type DlrReceiver } from './helpers/kannel.ts';

/**
 * Protocol check of the SMSC simulator against an SMPP client we did not write: Debian's Kannel (bearerbox +
 * smsbox) binds to it as a transceiver, messages go in through smsbox's HTTP sendsms, and Kannel's delivery reports
 * come back to a dlr-url. .ci/run installs kannel; elsewhere the test is skipped unless CI is set, when its absence
 * is a failure.
 */
const installed = kannelInstalled();
if (!installed && process.env.CI) throw new Error('Debian kannel (/usr/sbin/bearerbox, /usr/sbin/smsbox) is required in CI');
const skip = installed ? false : 'Debian kannel is not installed (bash .ci/run --system-packages installs it)';

const LONG_CYRILLIC =
  'ПОВЕСТКА. Вам необходимо явиться в местный орган военного управления Бостандыкского района г. Алматы 02.02.2026 в 09:00 ' +
  'для медицинского освидетельствования. ШАҚЫРУ ҚАҒАЗЫ. Сізге 02.02.2026 сағат 09:00-де Алматы қаласы Бостандық ауданының ' +
  'жергілікті әскери басқару органына медициналық куәландырудан өту үшін келу қажет. Код: 7KQ-XM4-R2T';

const cleanup: (() => Promise<void>)[] = [];
let sim: SmscSimulator;
let kannel: Kannel;
let dlr: DlrReceiver;

async function pair(failShare: number): Promise<{ sim: SmscSimulator; kannel: Kannel }> {
  const s = await SmscSimulator.start({ seed: 3, failShare, accounts: { kannel: 'kpw-2026' } });
  cleanup.push(() => s.close());
  const k = await Kannel.start({ smscPort: s.port, systemId: 'kannel', password: 'kpw-2026' });
  cleanup.push(() => k.stop());
  return { sim: s, kannel: k };
}

before(async () => {
  if (skip) return;
  dlr = await dlrReceiver();
  cleanup.push(() => dlr.close());
  ({ sim, kannel } = await pair(0));
});

// Kannel first (it unbinds from the simulator), then the simulators and the receiver.
after(async () => {
  for (const c of cleanup.reverse()) await c().catch((e: unknown) => console.error(e));
});

async function until(what: string, cond: () => boolean, k: Kannel, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}\n${k.logTail()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('Kannel binds to the simulator as an SMPP transceiver with its account', { skip }, async () => {
  assert.equal(sim.binds, 1);
  assert.match(await kannel.status(), /sim\[sim\]\s+SMPP:127\.0\.0\.1:\d+\/\d+:kannel: \(online /);
});

test('a short text sent via smsbox HTTP reaches the simulator, and its delivery report comes back to dlr-url', { skip }, async () => {
  const before = sim.messages.length;
  const r = await kannel.sendSms({ to: '77011234567', from: 'MOBILIZE', text: 'Summons test, GSM-7 @ £ ok', dlrMask: 3, dlrUrl: dlr.urlFor('short') });
  assert.deepEqual(r, { status: 202, body: '0: Accepted for delivery' });
  await until('the message at the simulator', () => sim.messages.length > before, kannel);
  const m = sim.messages[before];
  assert.deepEqual({ systemId: m?.systemId, source: m?.source, destination: m?.destination, text: m?.text }, { systemId: 'kannel', source: 'MOBILIZE', destination: '77011234567', text: 'Summons test, GSM-7 @ £ ok' });
  await until('the delivery report', () => dlr.reports.some((x) => x.tag === 'short'), kannel);
  assert.deepEqual(dlr.reports.filter((x) => x.tag === 'short'), [{ tag: 'short', type: 1, smscId: m?.messageIds[0] }], 'one report, "delivered", naming the simulator\'s message id');
});

test('a long Cyrillic text goes as concatenated UCS-2 parts and the simulator reassembles it exactly', { skip }, async () => {
  const before = sim.messages.length;
  const r = await kannel.sendSms({ to: '77011234568', text: LONG_CYRILLIC, coding: 2, dlrMask: 3, dlrUrl: dlr.urlFor('long') });
  assert.equal(r.status, 202, r.body);
  await until('the reassembled message', () => sim.messages.length > before, kannel);
  const m = sim.messages[before];
  assert.equal(m?.text, LONG_CYRILLIC);
  // 140 octets less the 6-octet concatenation header: 67 UCS-2 characters a part.
  assert.equal(m?.messageIds.length, Math.ceil(LONG_CYRILLIC.length / 67));
  const parts = sim.submissions.filter((s) => m?.messageIds.includes(s.messageId));
  assert.deepEqual(parts.map((s) => s.destination), m?.messageIds.map(() => '77011234568'));
  // Kannel asks for a receipt on the first part only and reports the whole message by it.
  await until('the delivery report', () => dlr.reports.some((x) => x.tag === 'long'), kannel);
  await new Promise((res) => setTimeout(res, 300));
  assert.deepEqual(dlr.reports.filter((x) => x.tag === 'long'), [{ tag: 'long', type: 1, smscId: m?.messageIds[0] }]);
});

test('an undeliverable message comes back to dlr-url as a failed report', { skip }, async () => {
  const failing = await pair(1);
  const r = await failing.kannel.sendSms({ to: '77011234569', text: 'will not arrive', dlrMask: 3, dlrUrl: dlr.urlFor('fail') });
  assert.equal(r.status, 202, r.body);
  await until('the failure report', () => dlr.reports.some((x) => x.tag === 'fail'), failing.kannel);
  const m = failing.sim.messages[0];
  assert.deepEqual(m?.outcomes, ['undeliverable']);
  assert.deepEqual(dlr.reports.filter((x) => x.tag === 'fail'), [{ tag: 'fail', type: 2, smscId: m?.messageIds[0] }]);
});

test('a wrong password is refused at bind with the SMPP status Kannel understands', { skip }, async () => {
  const s = await SmscSimulator.start({ accounts: { kannel: 'right' } });
  cleanup.push(() => s.close());
  await assert.rejects(Kannel.start({ smscPort: s.port, systemId: 'kannel', password: 'wrong' }), /SMSC rejected login .*Invalid Password/);
  assert.equal(s.binds, 0);
});
