import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { NATIONAL, SIGN, compensationTotals, decideRequisition, draftRequisition, foldLedger, recordLedger, registerEnterprise, returnReduction, showRequisition, type Requisition } from '../src/modules/economy/index.ts';
import { makeBin } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const ctx = (actor: string) => ({ actor, at: clock.now(), scope: NATIONAL });
/** After every use period of these tests has ended: a return is recorded once it has happened. */
const later = (actor: string) => ({ actor, at: new Date('2027-01-15T06:00:00Z'), scope: NATIONAL });
const code = (c: string) => (e: unknown) => isDomainError(e, c) || assert.fail(`expected ${c}, got ${(e as Error).message}`);
const bins = [makeBin('1905', 4, 0, 4242), makeBin('2003', 4, 0, 777)] as string[];
const regionOf = ['KZ-75', 'KZ-71'];
let db: Db;
before(async () => {
  db = await freshDb();
  for (const [i, bin] of bins.entries()) await registerEnterprise(db, { bin, name: `Enterprise ${i}`, region: regionOf[i], sector: 'logistics' }, ctx('test:setup'));
});
after(async () => {
  await db.close();
});

async function approved(bin: string, useFrom = '2026-11-24', useUntil = '2027-02-22'): Promise<Requisition> {
  const r = await draftRequisition(db, { owner: { bin }, purpose: 'transport', useFrom, useUntil, items: [{ kind: 'truck', description: 'KAMAZ', condition: 'good', ageYears: 3 }] }, ctx('officer-a'));
  return decideRequisition(db, r.id, 'approve', {}, ctx('officer-b'));
}

/** The balance as the database itself adds up the signed entries, independent of the module's fold. */
async function sqlBalance(id: string): Promise<number> {
  const [r] = await db.query<{ b: number }>("SELECT coalesce(sum(CASE WHEN kind IN ('owed', 'damage') THEN amount_tiyn ELSE -amount_tiyn END), 0)::bigint AS b FROM economy_ledger WHERE requisition_id = $1", [id]);
  return Number(r?.b);
}
const count = async (table: string) => Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n);

test('the requisition ledger balances: random valid operations keep owed − returned + damage − paid = the sum of entries ≥ 0', async () => {
  const rng = seededRng(20261123);
  const reqs: Requisition[] = [];
  for (let i = 0; i < 4; i++) reqs.push(await approved(bins[i % 2] as string));
  let refused = 0;
  for (let step = 0; step < 60; step++) {
    const r = rng.pick(reqs);
    const before = await showRequisition(db, r.id, ctx('auditor'));
    const t = before.totals;
    const roll = rng.next();
    const op = roll < 0.55 ? { kind: 'paid' as const, amountTiyn: rng.int(1, Math.max(1, Math.round(t.balance * 1.3))) }
      : roll < 0.7 && !t.isReturned ? { kind: 'returned' as const, on: `2026-${rng.pick(['11-24', '12-10', '12-31'])}` }
      : t.isReturned ? { kind: 'damage' as const, amountTiyn: rng.int(1, 50_000_000), note: 'dent in the cargo bed, workshop estimate' }
      : { kind: 'paid' as const, amountTiyn: t.balance + 1 };
    const rows = await count('economy_ledger');
    const audits = await count('audit_log');
    if (op.kind === 'paid' && op.amountTiyn > t.balance) {
      await assert.rejects(recordLedger(db, r.id, op, ctx('cashier')), code('ECONOMY_OVERPAYMENT'));
      assert.deepEqual([await count('economy_ledger'), await count('audit_log')], [rows, audits], 'a refused payment writes nothing, not even audit');
      refused++;
      continue;
    }
    const after = await recordLedger(db, r.id, op, op.kind === 'returned' ? later('cashier') : ctx('cashier'));
    const a = after.totals;
    assert.equal(a.balance, a.owed - a.returned + a.damage - a.paid);
    assert.equal(a.balance, after.ledger.reduce((n, e) => n + SIGN[e.kind] * e.amountTiyn, 0));
    assert.equal(a.balance, await sqlBalance(r.id));
    assert.ok(a.balance >= 0, `balance ${a.balance} after ${JSON.stringify(op)}`);
    assert.ok(after.ledger.every((e) => Number.isSafeInteger(e.amountTiyn) && e.amountTiyn >= 0));
    assert.equal(await count('audit_log'), audits + 1, 'each entry has its audit');
    if (op.kind === 'paid') assert.equal(a.balance, t.balance - op.amountTiyn);
    if (op.kind === 'damage') assert.equal(a.balance, t.balance + op.amountTiyn);
  }
  assert.ok(refused > 0, 'the sequence tried overpayments');
  // Totals per region and per owner add up to the same as the requisitions one by one.
  const all = await Promise.all(reqs.map((r) => showRequisition(db, r.id, ctx('auditor'))));
  const byRegion = await compensationTotals(db, ctx('auditor'), 'region');
  for (const region of regionOf) {
    const mine = all.filter((r) => r.region === region);
    const row = byRegion.find((x) => x.key === region);
    assert.equal(row?.balanceTiyn, mine.reduce((n, r) => n + r.totals.balance, 0));
    assert.equal(row?.paidTiyn, mine.reduce((n, r) => n + r.totals.paid, 0));
  }
  const byOwner = await compensationTotals(db, ctx('auditor'), 'owner');
  assert.equal(byOwner.reduce((n, x) => n + x.balanceTiyn, 0), byRegion.reduce((n, x) => n + x.balanceTiyn, 0));
});

test('the return rule: the unused share of the period comes off, never more than the balance; a late return closes at no reduction', async () => {
  assert.deepEqual(returnReduction(90_000, 90_000, { from: '2027-01-01', until: '2027-01-31' }, '2027-01-11'), { amountTiyn: 60_000, unusedDays: 20, periodDays: 30 });
  assert.deepEqual(returnReduction(90_000, 10_000, { from: '2027-01-01', until: '2027-01-31' }, '2027-01-11').amountTiyn, 10_000, 'payments made are not clawed back');
  assert.equal(returnReduction(90_000, 90_000, { from: '2027-01-01', until: '2027-01-31' }, '2027-03-01').amountTiyn, 0);
  assert.equal(returnReduction(100, 100, { from: '2027-01-01', until: '2027-01-04' }, '2027-01-02').amountTiyn, 66, 'rounded down');

  const r = await approved(bins[0] as string, '2026-12-01', '2026-12-31');
  await assert.rejects(recordLedger(db, r.id, { kind: 'damage', amountTiyn: 5, note: 'before any return' }, ctx('cashier')), code('ECONOMY_NOT_RETURNED'));
  const paid = await recordLedger(db, r.id, { kind: 'paid', amountTiyn: r.valueTiyn, idempotencyKey: 'payment-order-0001' }, ctx('cashier'));
  assert.equal(paid.totals.balance, 0);
  const retried = await recordLedger(db, r.id, { kind: 'paid', amountTiyn: r.valueTiyn, idempotencyKey: 'payment-order-0001' }, ctx('cashier'));
  assert.deepEqual([retried.ledger.length, retried.totals.paid], [2, r.valueTiyn], 'a retried payment is the one already written');
  await assert.rejects(recordLedger(db, r.id, { kind: 'paid', amountTiyn: 1 }, ctx('cashier')), code('ECONOMY_OVERPAYMENT'));
  await assert.rejects(recordLedger(db, r.id, { kind: 'returned', on: '2026-12-11' }, ctx('cashier')), code('ECONOMY_RETURN_IN_FUTURE'), 'a return dated after today is refused');
  const back = await recordLedger(db, r.id, { kind: 'returned', on: '2026-12-11' }, later('cashier'));
  assert.deepEqual([back.state, back.totals.balance, back.ledger.at(-1)?.amountTiyn], ['closed', 0, 0], 'fully paid: the return reduces nothing and closes it');
  await assert.rejects(recordLedger(db, r.id, { kind: 'returned' }, ctx('cashier')), code('ECONOMY_ALREADY_RETURNED'));
  const damaged = await recordLedger(db, r.id, { kind: 'damage', amountTiyn: 123_456, note: 'windscreen broken, workshop estimate 1 234.56 ₸' }, ctx('cashier'));
  assert.deepEqual([damaged.state, damaged.totals.balance], ['returned', 123_456]);
  assert.deepEqual(foldLedger(damaged.ledger), damaged.totals);

  const draft = await draftRequisition(db, { owner: { bin: bins[1] }, purpose: 'x-ray', useFrom: '2026-12-01', useUntil: '2026-12-31', items: [{ kind: 'generator', description: 'genset', condition: 'new', ageYears: 0 }] }, ctx('officer-a'));
  await assert.rejects(recordLedger(db, draft.id, { kind: 'paid', amountTiyn: 1 }, ctx('cashier')), code('ECONOMY_NOT_APPROVED'));
  await assert.rejects(db.query('UPDATE economy_ledger SET amount_tiyn = 0'), /append-only/);
  await assert.rejects(db.query('DELETE FROM economy_ledger'), /append-only/);
});
