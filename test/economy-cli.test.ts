import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { runCli } from './helpers/cli.ts';

const EXAMPLES = new URL('../examples/economy/', import.meta.url).pathname;
const ENTERPRISE = '190540042426';
let t: TestDatabase;

const run = (args: string[], actor: string) => runCli(args, { ...t.env, MOBILIZE_ACTOR: actor });

before(async () => {
  t = await createTestDatabase();
  await (await t.open()).close();
});
after(async () => {
  await t.drop();
});

test('mobilize economy: the examples imported and drafted, self-approval refused, a second user approves, an overpayment refused', { timeout: 300_000 }, async () => {
  assert.equal((await run(['economy', 'register', ENTERPRISE, 'Tulpar Trans LLP', '--region', 'KZ-75', '--sector', 'logistics'], 'a')).code, 0);
  const imported = await run(['economy', 'capacity-import', `${EXAMPLES}capacities.csv`], 'a');
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.out, /imported 4 capacity lines for 1 enterprises/);
  const over = await run(['economy', 'task', 'assign', '--bin', ENTERPRISE, '--kind', 'vehicles', '--subtype', 'bus', '--quantity', '13', '--to', 'KZ-75', '--due', '2026-12-01'], 'a');
  assert.equal(over.code, 2);
  assert.match(over.err, /ECONOMY_OVER_COMMIT: .* declared 12 units of bus, 0 already tasked: 12 free, 13 asked/);

  const drafted = await run(['economy', 'requisition', 'draft', `${EXAMPLES}requisition.yaml`], 'a');
  assert.equal(drafted.code, 0, drafted.err);
  const id = /requisition #(\d+) drafted/.exec(drafted.out)?.[1] as string;
  const self = await run(['economy', 'requisition', 'approve', id], 'a');
  assert.equal(self.code, 2);
  assert.match(self.err, /ECONOMY_SELF_APPROVAL/);
  const approved = await run(['economy', 'requisition', 'approve', id], 'b');
  assert.equal(approved.code, 0, approved.err);
  const shown = await run(['economy', 'requisition', 'show', id, '--format', 'json'], 'c');
  const r = JSON.parse(shown.out) as { valueTiyn: number; totals: { balance: number } };
  assert.equal(r.totals.balance, r.valueTiyn);
  const tooMuch = await run(['economy', 'requisition', 'pay', id, '--amount', `${Math.floor((r.valueTiyn + 1) / 100)}.${String((r.valueTiyn + 1) % 100).padStart(2, '0')}`], 'b');
  assert.equal(tooMuch.code, 2);
  assert.match(tooMuch.err, /ECONOMY_OVERPAYMENT/);
});
