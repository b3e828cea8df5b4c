import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { NATIONAL, decideRequisition, draftRequisition, listRequisitions, loadPriceList, parsePriceList, rederive, registerEnterprise, showRequisition, valueItem } from '../src/modules/economy/index.ts';
import { makeBin, makeIin } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';
import { addPeople, officer } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const ctx = (actor: string) => ({ actor, at: clock.now(), scope: NATIONAL });
const code = (c: string) => (e: unknown) => isDomainError(e, c) || assert.fail(`expected ${c}, got ${(e as Error).message}`);
const bin = makeBin('1905', 4, 0, 4242) as string;
let db: Db;
before(async () => {
  db = await freshDb();
  await registerEnterprise(db, { bin, name: 'Tulpar Trans LLP', region: 'KZ-75', sector: 'logistics' }, ctx('test:setup'));
});
after(async () => {
  await db.close();
});

test('the shipped price list says where its figures come from and when', () => {
  const p = loadPriceList();
  assert.match(p.source, /\w{10,}/);
  assert.match(p.date, /^\d{4}-\d{2}-\d{2}$/);
  assert.deepEqual(Object.keys(p.conditions).sort(), ['fair', 'good', 'new', 'poor', 'unusable']);
  assert.throws(() => parsePriceList('id: x\nversion: "1"\nsource: somewhere far\ndate: 2026-01-01\ncurrency: KZT\nconditions: {new: 10000, good: 1, fair: 1, poor: 1, unusable: 1}\nkinds:\n  truck: {unit: unit, unitPrice: -5, depreciationBp: 1, floorBp: 1}\n', 'bad.yaml'),
    (e: unknown) => isDomainError(e, 'ECONOMY_BAD_PRICE_LIST') && /line 8/.test((e as Error).message));
});

test('valuation by hand: declining balance per year, the floor for old items, condition, half-up rounding', () => {
  const p = loadPriceList();
  // truck 32,000,000 ₸ new, 12 %/year, 3 years, good (85 %): 3,200,000,000 tiyn × 0.88³ × 0.85 = 1,853,603,840 tiyn exactly.
  const truck = valueItem({ kind: 'truck', description: 'KAMAZ', condition: 'good', ageYears: 3 }, p);
  assert.deepEqual([truck.unitPriceTiyn, truck.depreciationBp, truck.conditionBp, truck.marketValueTiyn, truck.valueTiyn], [3_200_000_000, 1200, 8500, 1_853_603_840, 1_853_603_840]);
  // car 12,000,000 ₸, 15 %/year for 20 years leaves 3.9 % < the 10 % floor; poor (40 %): 1,200,000,000 × 0.10 × 0.40.
  assert.equal(valueItem({ kind: 'car', description: 'old car', condition: 'poor', ageYears: 20 }, p).marketValueTiyn, 48_000_000);
  // 120 m² of building at 350,000 ₸/m², 1.5 %/year for 10 years, fair (65 %): 4,200,000,000 × 0.985¹⁰ × 0.65 = 2,347,064,107.367… → 2,347,064,107.
  assert.equal(valueItem({ kind: 'building', description: 'school annex', condition: 'fair', ageYears: 10, quantity: 120 }, p).marketValueTiyn, 2_347_064_107);
  // a new item in new condition is worth its price
  assert.equal(valueItem({ kind: 'generator', description: 'genset', condition: 'new', ageYears: 0, quantity: 2 }, p).marketValueTiyn, 2 * 9_000_000 * 100);
  assert.throws(() => valueItem({ kind: 'spaceship', description: 'x', condition: 'new', ageYears: 0 }, p), code('ECONOMY_UNKNOWN_ASSET_KIND'));
});

test('an appraiser override needs a justification; both values and every input are stored and re-derive', async () => {
  await assert.rejects(draftRequisition(db, { owner: { bin }, purpose: 'transport', useFrom: '2026-11-24', useUntil: '2027-02-22', items: [{ kind: 'truck', description: 'KAMAZ', condition: 'good', ageYears: 3, overrideTiyn: 1_000_000_00 }] }, ctx('officer-a')), code('ECONOMY_BAD_INPUT'));
  // Nothing is taken for nothing: a zero value would leave a ledger that reads as never approved.
  await assert.rejects(draftRequisition(db, { owner: { bin }, purpose: 'transport', useFrom: '2026-11-24', useUntil: '2027-02-22', items: [{ kind: 'truck', description: 'KAMAZ', condition: 'good', ageYears: 3, overrideTiyn: 0, overrideJustification: 'written off in the books' }] }, ctx('officer-a')), code('ECONOMY_BAD_INPUT'));
  assert.equal((await db.query('SELECT 1 FROM economy_requisitions')).length, 0, 'nothing written on a refused draft');
  const r = await draftRequisition(db, {
    owner: { bin }, purpose: 'transport', useFrom: '2026-11-24', useUntil: '2027-02-22',
    items: [
      { kind: 'truck', description: 'KAMAZ', condition: 'good', ageYears: 3 },
      { kind: 'bus', description: 'PAZ with new engine', condition: 'fair', ageYears: 9, overrideTiyn: 15_000_000_00, overrideJustification: 'engine replaced in 2026, invoice no. 118 attached' },
    ],
  }, ctx('officer-a'));
  assert.equal(r.state, 'draft');
  assert.equal(r.priceList, 'market-prices@2026-11');
  const [truck, bus] = r.items;
  assert.equal(truck?.valueTiyn, 1_853_603_840);
  assert.ok(bus && bus.marketValueTiyn !== bus.valueTiyn && bus.valueTiyn === 15_000_000_00 && bus.overrideJustification?.includes('invoice'));
  assert.equal(r.valueTiyn, 1_853_603_840 + 15_000_000_00);
  const stored = await showRequisition(db, r.id, ctx('auditor'));
  for (const i of stored.items) assert.deepEqual(rederive(i), { marketValueTiyn: i.marketValueTiyn, valueTiyn: i.valueTiyn });
  const audit = await db.query<{ details: { valueTiyn: number; overrides: number } }>("SELECT details FROM audit_log WHERE action = 'economy.requisition.draft'");
  assert.deepEqual([audit[0]?.details.valueTiyn, audit[0]?.details.overrides], [r.valueTiyn, 1]);
});

test('two-person approval: the drafter cannot approve; approval writes what is owed; a decided requisition stays decided', async () => {
  const r = await draftRequisition(db, { owner: { bin }, purpose: 'assembly point', useFrom: '2026-11-24', useUntil: '2026-12-24', items: [{ kind: 'warehouse', description: 'hall', condition: 'good', ageYears: 5, quantity: 300 }] }, ctx('officer-a'));
  await assert.rejects(decideRequisition(db, r.id, 'approve', {}, ctx('officer-a')), code('ECONOMY_SELF_APPROVAL'));
  assert.equal((await showRequisition(db, r.id, ctx('x'))).ledger.length, 0);
  const ok = await decideRequisition(db, r.id, 'approve', { note: 'checked' }, ctx('officer-b'));
  assert.deepEqual([ok.state, ok.approvedBy, ok.ledger.map((e) => [e.kind, e.amountTiyn])], ['in_use', 'officer-b', [['owed', r.valueTiyn]]]);
  await assert.rejects(decideRequisition(db, r.id, 'reject', {}, ctx('officer-c')), code('ECONOMY_BAD_TRANSITION'));
  await assert.rejects(db.query('UPDATE economy_requisition_items SET value_tiyn = 1'), /append-only/);
  await assert.rejects(db.query('DELETE FROM economy_requisition_actions'), /append-only/);
  const audit = await db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'economy.requisition.approve' AND subject = $1", [`requisition:${r.id}`]);
  assert.deepEqual(audit.map((a) => a.actor), ['officer-b']);
});

test('listing by state finds each requisition under the state it shows, whatever its age', async () => {
  const item = { kind: 'warehouse', description: 'hall', condition: 'good', ageYears: 5, quantity: 10 };
  const draft = await draftRequisition(db, { owner: { bin }, purpose: 'state: draft', useFrom: '2026-11-24', useUntil: '2026-12-24', items: [item] }, ctx('officer-a'));
  const used = await draftRequisition(db, { owner: { bin }, purpose: 'state: in use', useFrom: '2026-11-24', useUntil: '2026-12-24', items: [item] }, ctx('officer-a'));
  await decideRequisition(db, used.id, 'approve', {}, ctx('officer-b'));
  const refused = await draftRequisition(db, { owner: { bin }, purpose: 'state: rejected', useFrom: '2026-11-24', useUntil: '2026-12-24', items: [item] }, ctx('officer-a'));
  await decideRequisition(db, refused.id, 'reject', { note: 'not needed' }, ctx('officer-b'));
  const all = await listRequisitions(db, ctx('reader'));
  for (const state of ['draft', 'in_use', 'rejected', 'returned', 'closed'] as const) {
    const listed = await listRequisitions(db, ctx('reader'), { state });
    assert.deepEqual(listed.map((r) => r.id), all.filter((r) => r.state === state).map((r) => r.id), state);
  }
  const ids = async (state: 'draft' | 'in_use' | 'rejected') => (await listRequisitions(db, ctx('reader'), { state })).map((r) => r.id);
  assert.ok((await ids('draft')).includes(draft.id) && (await ids('in_use')).includes(used.id) && (await ids('rejected')).includes(refused.id));
});

test("a citizen's property by IIN: the IIN checked, the person on the registry, every read of it audited, hidden from other regions", async () => {
  const owner = officer({ region: 'KZ-71' });
  await addPeople(db, clock, [owner]);
  const body = (iin: string) => ({ owner: { iin }, purpose: 'field kitchen', useFrom: '2026-12-01', useUntil: '2026-12-31', items: [{ kind: 'generator', description: 'diesel genset 30 kVA', condition: 'good', ageYears: 4 }] });
  const wrong = `${owner.iin.slice(0, 11)}${(Number(owner.iin[11]) + 1) % 10}`;
  await assert.rejects(draftRequisition(db, body(wrong), ctx('officer-a')), code('REGISTRY_INVALID_IIN'));
  const stranger = [9990, 9991, 9992, 9993].map((n) => makeIin('1990-01-01', 'M', n)).find((x) => x !== null) as string;
  await assert.rejects(draftRequisition(db, body(stranger), ctx('officer-a')), code('ECONOMY_UNKNOWN_OWNER'));
  await assert.rejects(draftRequisition(db, body(owner.iin), { ...ctx('officer-almaty'), scope: { region: 'KZ-75', bin: null } }), code('ACCESS_OUT_OF_SCOPE'));
  const r = await draftRequisition(db, body(owner.iin), ctx('officer-a'));
  assert.deepEqual([r.owner, r.region], [{ kind: 'citizen', iin: owner.iin }, 'KZ-71'], "the owner's region by default");
  await showRequisition(db, r.id, ctx('reader'));
  await assert.rejects(showRequisition(db, r.id, { ...ctx('officer-almaty'), scope: { region: 'KZ-75', bin: null } }), code('ECONOMY_REQUISITION_NOT_FOUND'));
  await assert.rejects(showRequisition(db, r.id, { ...ctx('enterprise'), scope: { region: null, bin } }), code('ECONOMY_REQUISITION_NOT_FOUND'));
  const reads = await db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'economy.requisition.read' AND subject = $1", [`person:${owner.iin}`]);
  assert.ok(reads.some((a) => a.actor === 'reader'), 'the read is audited against the person');
});
