import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { SmscSimulator } from '../src/modules/sms/index.ts';
import { issuePlan } from '../src/modules/summons/index.ts';
import { createTestDatabase, onPostgres, type TestDatabase } from './helpers/db.ts';
import { staffToken } from './helpers/staff.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';
import { waitFor } from './helpers/wait.ts';

/**
 * Two platform processes — each an API and a summons dispatcher — on one PostgreSQL database: while both live,
 * every SMS goes out exactly once (the claim's SKIP LOCKED and leases), and both APIs answer the same funnel from
 * the read model. PostgreSQL only: the embedded database belongs to one process.
 */
const AT = '2026-11-23T06:00:00Z';
const clock = fixedClock(AT);
const COUNT = 60;
let t: TestDatabase | undefined;
let db: Db | undefined;
let sim: SmscSimulator | undefined;
const children: ChildProcess[] = [];

after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await sim?.close();
  await db?.close();
  await t?.drop();
});

function platform(url: string, port: number, name: string): Promise<{ address: string; stop(): Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./helpers/platform-node.ts', import.meta.url).pathname, url, String(port), AT, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before listening: ${out}`)));
    const poll = setInterval(() => {
      const m = /listening (\S+)/.exec(out);
      if (!m) return;
      clearInterval(poll);
      resolve({
        address: m[1] as string,
        stop: () => new Promise((done) => {
          child.removeAllListeners('exit');
          child.once('exit', () => done(/stopped (.*)/.exec(out)?.[1] ?? ''));
          child.kill('SIGTERM');
        }),
      });
    }, 50);
  });
}

test('two API processes and two dispatchers on one PostgreSQL: every SMS once, the same funnel from both', { skip: onPostgres ? false : 'PostgreSQL only: the embedded database is one process’s' }, async () => {
  t = await createTestDatabase();
  db = await t.open();
  await addPeople(db, clock, Array.from({ length: COUNT }, () => officer()));
  const planId = await approvedPlan(db, clock, order('two-processes', COUNT));
  const issued = await issuePlan(db, String(planId), { actor: 'officer-b', clock, appearanceAt: new Date('2026-12-01T09:00:00+05:00'), rng: seededRng(3) });
  assert.equal(issued.queuedSms, COUNT);
  const token = await staffToken(db, 'coordinator', 'national_coordinator', {}, clock);
  sim = await SmscSimulator.start({ seed: 9, clock });
  const url = (t.env.DATABASE_URL as string);
  const [a, b] = await Promise.all([platform(url, sim.port, 'node-a'), platform(url, sim.port, 'node-b')]);

  const funnel = async (address: string) => {
    const r = await fetch(`${address}/api/dashboard/funnel?plan=${planId}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200);
    return (await r.json()) as { totals: { issued: number; sent: number; delivered: number; dulyNotified: number } };
  };
  await waitFor('every summons duly notified', async () => (await funnel(a.address)).totals.dulyNotified === COUNT, 60_000);
  assert.deepEqual(await funnel(b.address), await funnel(a.address), 'both processes answer the same funnel');
  const perNumber = new Map<string, number>();
  for (const m of sim.messages) perNumber.set(m.destination, (perNumber.get(m.destination) ?? 0) + 1);
  assert.equal(perNumber.size, COUNT);
  assert.deepEqual([...new Set(perNumber.values())], [1], 'every SMS went out exactly once');
  const totals = [await a.stop(), await b.stop()].map((s) => JSON.parse(s) as { submitted: number });
  assert.equal(totals[0]!.submitted + totals[1]!.submitted, COUNT);
  assert.ok(totals.every((x) => x.submitted > 0), `both dispatchers took part (${totals.map((x) => x.submitted).join(' + ')})`);
  const [{ n } = { n: 0 }] = await db.query<{ n: number }>("SELECT count(DISTINCT summons_id)::int AS n FROM summons_ledger WHERE kind = 'sms_submitted'");
  assert.equal(n, COUNT);
});
