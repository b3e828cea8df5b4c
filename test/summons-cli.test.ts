import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kzDate, type Clock } from '../src/kernel/clock.ts';
import { parseOrderText, planCallup, recordPlanAction, type CallupOrder } from '../src/modules/callup/index.ts';
import { EgovSimulator } from '../src/modules/egov/index.ts';
import { SmscSimulator } from '../src/modules/sms/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { addPeople, officer } from './helpers/summons.ts';
import { runCli } from './helpers/cli.ts';

const DAY = 86_400_000;
// The CLI runs on the system clock, so the dates are placed relative to it rather than pinned.
const realNow = Date.now();
const appearance = `${kzDate(new Date(realNow + 10 * DAY))}T09:00:00+05:00`;
const clock: Clock = { now: () => new Date(realNow) };
let t: TestDatabase;
let sim: SmscSimulator;
let egov: EgovSimulator;
let planId = 0;
const withMobile = [officer({ specialty: 'radio' }), officer({ specialty: 'radio' })];
const onPaper = officer({ specialty: 'radio', mobile: null, mobile_on_egov: false, egov_account: false });

const run = (args: string[], actor = 'officer-c') => runCli(args, { ...t.env, MOBILIZE_ACTOR: actor });

before(async () => {
  t = await createTestDatabase();
  const db = await t.open();
  await addPeople(db, clock, [...withMobile, onPaper]);
  const { order } = parseOrderText(`
id: cli-summons
title: CLI summons test
legal_basis: { document: test resolution }
rule_set: reserve-officer-callup
reference_date: 2024-10-01
appearance: { from: ${kzDate(new Date(realNow + 5 * DAY))}, to: ${kzDate(new Date(realNow + 30 * DAY))} }
agencies:
  army: { name: Army, region: KZ-71 }
quotas:
  - { agency: army, specialty: radio, count: 3 }
`);
  ({ id: planId } = await planCallup(db, order as CallupOrder, { actor: 'cli:officer-a', clock }));
  await recordPlanAction(db, String(planId), 'approve', { actor: 'officer-b', clock });
  await db.close();
  sim = await SmscSimulator.start({ seed: 2 });
  egov = await EgovSimulator.start({ seed: 2, token: 'egov-secret', readDelayMs: 0 });
});
after(async () => {
  await sim.close();
  await egov.close();
  await t.drop();
});

test('issue, dispatch, show, proof, verify and record through the CLI', async () => {
  const selfIssue = await run(['summons', 'issue', String(planId), '--appearance', appearance], 'officer-a');
  assert.equal(selfIssue.code, 2);
  assert.match(selfIssue.err, /SUMMONS_SELF_ISSUE/);

  const noOffset = await run(['summons', 'issue', String(planId), '--appearance', appearance.slice(0, 19)]);
  assert.match(noOffset.err, /--appearance needs an explicit offset/);

  const issued = await run(['summons', 'issue', String(planId), '--appearance', appearance, '--purpose', 'assessment']);
  assert.equal(issued.code, 0, issued.err);
  assert.match(issued.out, /3 summonses issued/);
  assert.match(issued.out, /sms 2, e-Gov \d, paper 1; 2 SMS queued/);

  const sent = await run(['summons', 'dispatch', '--smsc', `127.0.0.1:${sim.port}`, '--egov', egov.url, '--egov-token', 'egov-secret', '--receipt-wait', '10']);
  assert.equal(sent.code, 0, sent.err);
  assert.match(sent.out, /sent 2, retried 0, failed 0/);
  assert.match(sent.out, /e-Gov: posted 2, retried 0, failed 0/);
  assert.match(sent.out, /0 SMS part\(s\) still without a delivery receipt/);
  assert.equal(sim.messages.length, 2);

  const db = await t.open();
  const ids = await db.query<{ id: string; iin: string; code: string }>('SELECT id::text AS id, iin, verification_code AS code FROM summonses ORDER BY id');
  await db.close();
  const sms = ids.find((s) => s.iin === withMobile[0]?.iin) as { id: string; code: string };
  const paper = ids.find((s) => s.iin === onPaper.iin) as { id: string };

  const shown = await run(['summons', 'show', sms.id]);
  assert.match(shown.out, new RegExp(`summons #${sms.id} — DULY_NOTIFIED`));
  assert.match(shown.out, /notified: SMS delivered to \+7/);
  const json = JSON.parse((await run(['summons', 'show', sms.id, '--format', 'json'])).out) as { state: { legal: string } };
  assert.equal(json.state.legal, 'duly_notified');

  const proof = await run(['summons', 'proof', sms.id]);
  assert.match(proof.out, /sms_delivery_report/);
  assert.match(proof.out, /ledger verified: \d+ entries/);

  const genuine = await run(['summons', 'verify', sms.code]);
  assert.match(genuine.out, /^GENUINE: summons /);
  const fake = await run(['summons', 'verify', 'ABCD-EFGH-JKLM']);
  assert.equal(fake.code, 3);
  assert.match(fake.out, /NOT GENUINE/);

  const wrongKind = await run(['summons', 'record', paper.id, 'teleported']);
  assert.equal(wrongKind.code, 2);
  assert.match(wrongKind.err, /SUMMONS_ACTION_INVALID/);
  const received = await run(['summons', 'record', paper.id, 'paper_received', '--place', 'residence', '--signed-by', 'the person']);
  assert.equal(received.code, 0, received.err);
  assert.match(received.out, /paper_received recorded; legal state duly_notified/);

  const dir = mkdtempSync(join(tmpdir(), 'mobilize-referrals-'));
  const papers = await run(['summons', 'paper', '--plan', String(planId), '--out', join(dir, 'paper')]);
  assert.equal(papers.code, 0, papers.err);
  assert.match(papers.out, new RegExp(`summons-${paper.id}\\.pdf`));
  assert.match(readFileSync(join(dir, 'paper', `summons-${paper.id}.pdf`)).subarray(0, 5).toString(), /^%PDF-/);
  const exported = await run(['summons', 'referrals', '--plan', String(planId), '--out', join(dir, 'r.csv')]);
  assert.match(exported.out, /0 referral\(s\) written/);
  assert.match(readFileSync(join(dir, 'r.csv'), 'utf8'), /^summons_id,iin,last_name/);
  const failures = await run(['summons', 'failures', '--plan', String(planId)]);
  assert.match(failures.out, /no failures to appear/, 'the appearance time has not come');
});
