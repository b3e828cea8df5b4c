/**
 * Figure (issue: API and web UI): the citizen summons lookup, GET /api/citizen/summonses with a citizen session,
 * held at a steady 2,000 requests/s on loopback against PostgreSQL. Goal: p99 ≤ 20 ms. Reference in the same run:
 * the rate of a trivial /healthz at full speed (autocannon), and /healthz under the same steady load. The API runs in
 * a child process; the load comes from this one. The steady load is open-loop (support/paced-load.ts); autocannon's
 * own rate limit is also run and printed, but it sends each second's requests in a burst, so its latencies are those
 * of a burst of 100 concurrent requests rather than of a steady 2,000 req/s.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';
import { openDb } from '../src/db/client.ts';
import { kzDate, systemClock } from '../src/kernel/clock.ts';
import { parseOrderText, planCallup, recordPlanAction, type CallupOrder } from '../src/modules/callup/index.ts';
import { loadReferenceData } from '../src/modules/registry/index.ts';
import { issuePlan, requestSignInCode, signIn } from '../src/modules/summons/index.ts';
import { arg, loadSyntheticRegistry, scratchDatabase } from './lib.ts';
import { pacedLoad } from './support/paced-load.ts';

const PERSONS = arg('persons', 100_000);
const CITIZENS = arg('citizens', 500);
const RATE = arg('rate', 2000);
const SECONDS = arg('seconds', 20);
const DAY = 86_400_000;

const scratch = await scratchDatabase('mobilize_bench_api');
try {
  const db = await openDb({ databaseUrl: scratch.url });
  await loadReferenceData(db);
  await loadSyntheticRegistry(db, { count: PERSONS, seed: 11, today: kzDate(new Date()) });
  const now = Date.now();
  const { order, issues } = parseOrderText(`
id: bench-api
title: API bench call-up
legal_basis: { document: bench }
rule_set: reserve-mobilization
reference_date: ${kzDate(new Date(now))}
appearance: { from: ${kzDate(new Date(now + 5 * DAY))}, to: ${kzDate(new Date(now + 30 * DAY))} }
agencies:
  army: { name: Army, region: KZ-71 }
quotas:
  - { agency: army, specialty: medical, count: ${CITIZENS} }
  - { agency: army, specialty: engineering, count: ${CITIZENS} }
`);
  if (!order) throw new Error(JSON.stringify(issues));
  const { id } = await planCallup(db, order as CallupOrder, { actor: 'bench:planner', clock: systemClock });
  await recordPlanAction(db, String(id), 'approve', { actor: 'bench:approver', clock: systemClock });
  const issued = await issuePlan(db, String(id), { actor: 'bench:approver', clock: systemClock, appearanceAt: new Date(`${kzDate(new Date(now + 10 * DAY))}T09:00:00+05:00`) });
  const people = await db.query<{ iin: string }>('SELECT s.iin FROM summonses s JOIN persons p ON p.iin = s.iin WHERE p.mobile IS NOT NULL ORDER BY s.id LIMIT $1', [CITIZENS]);
  const tokens: string[] = [];
  for (const { iin } of people) {
    let code = '';
    await requestSignInCode(db, iin, { clock: systemClock, address: `bench:${iin}`, sender: { sendCode: async (_to, text) => void (code = (/(\d{6})/.exec(text) as RegExpExecArray)[1] as string) } });
    tokens.push((await signIn(db, iin, code, { clock: systemClock, address: `bench:${iin}` })).token);
  }
  await db.close();
  console.log(`${PERSONS} persons, ${issued.summonses} summonses issued, ${tokens.length} citizens signed in`);

  const server = spawn(process.execPath, ['--import', 'tsx', new URL('./support/api-server.ts', import.meta.url).pathname, scratch.url, '16'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  server.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', () => {
      const m = /listening (http:\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    server.once('exit', (c) => reject(new Error(`API server exited ${c}`)));
  });
  try {
    const run = (opts: autocannon.Options) => autocannon(opts) as unknown as Promise<autocannon.Result>;
    await run({ url: `${url}/healthz`, connections: 20, duration: 3 }); // warm-up
    const health = await run({ url: `${url}/healthz`, connections: 50, duration: 10 });
    let n = 0;
    const lookup = () =>
      run({
        url: `${url}/api/citizen/summonses`, connections: 100, duration: SECONDS, overallRate: RATE,
        requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[n++ % tokens.length]}` } }) }],
      });
    await run({ url: `${url}/api/citizen/summonses`, connections: 20, duration: 3, headers: { authorization: `Bearer ${tokens[0]}` } }); // warm-up
    const r = await lookup();
    const bad = r.non2xx + r.errors + r.timeouts;
    const citizens = (i: number) => ({ authorization: `Bearer ${tokens[i % tokens.length]}` });
    const steadyHealth = await pacedLoad({ url: `${url}/healthz`, rate: RATE, seconds: SECONDS, connections: 64, headers: () => ({}) });
    const steady = await pacedLoad({ url: `${url}/api/citizen/summonses`, rate: RATE, seconds: SECONDS, connections: 64, headers: citizens });
    console.log(`reference: GET /healthz at full speed: ${Math.round(health.requests.average)} req/s (p50 ${health.latency.p50} ms, p99 ${health.latency.p99} ms)`);
    console.log(`reference: GET /healthz at a steady ${RATE} req/s: p50 ${steadyHealth.p50} ms, p99 ${steadyHealth.p99} ms`);
    console.log(`autocannon, ${RATE} req/s offered in per-second bursts on 100 connections: ${Math.round(r.requests.average)} req/s served, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms${bad ? `, ${bad} failed` : ''}`);
    console.log(`citizen summons lookup at a steady ${RATE} req/s for ${SECONDS} s: ${steady.rate} req/s served, p50 ${steady.p50} ms, p99 ${steady.p99} ms, max ${steady.max} ms${steady.failed ? `, ${steady.failed} failed` : ''}`);
    console.log(`served rate / healthz rate: ${(steady.rate / health.requests.average).toFixed(2)}; p99 / healthz p99 at the same steady rate: ${(steady.p99 / Math.max(steadyHealth.p99, 0.1)).toFixed(1)}`);
    console.log(`goal p99 <= 20 ms at ${RATE} req/s: ${steady.p99 <= 20 && steady.rate >= RATE * 0.98 && steady.failed === 0 ? 'met' : 'NOT met'}`);
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
} finally {
  await scratch.drop();
}
