/**
 * Figures (issue 14, the live picture at national size) on PostgreSQL: a synthetic registry of P persons (default
 * 5,000,000), a call-up of N places (default 300,000) planned, approved and issued, then every SMS sent through the
 * SMSC simulator (its own process) by the real dispatcher while the read model is kept. Each read is timed as the
 * median of 5 (and its max), beside its goal and the reference of the same run: a plain count(*) over summonses.
 *  - funnel totals + per district (the whole country): goal <= 200 ms, before, during and after dispatch;
 *  - one page (50 rows) of a district's summons list filtered by state: goal <= 50 ms;
 *  - region readiness and four-tier readiness: goal <= 1 s; a name-prefix search: goal <= 100 ms;
 *  - dispatch msg/s with the model maintained, over the raw smpp client of the same run: goal >= 0.5.
 * Options: --persons P, --positions N, --window W (50), --batch B (500).
 */
import { loadavg } from 'node:os';
import { openDb, type Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { loadPack } from '../src/modules/eligibility/index.ts';
import { planCallup, recordPlanAction } from '../src/modules/callup/index.ts';
import { regionReadiness, fourTierReadiness } from '../src/modules/readiness/index.ts';
import { loadReferenceData } from '../src/modules/registry/index.ts';
import { searchPersons } from '../src/modules/registry/search.ts';
import { encodeSms, SmppClient } from '../src/modules/sms/index.ts';
import { funnelSummonses, issuePlan, startDispatcher, summonsFunnel } from '../src/modules/summons/index.ts';
import { startSmsc } from './support/smsc.ts';
import { arg, benchOrder, loadSyntheticRegistry, rawSmppSend, scratchDatabase, timed } from './lib.ts';

const PERSONS = arg('persons', 5_000_000);
const POSITIONS = arg('positions', 300_000);
const WINDOW = arg('window', 50);
const BATCH = arg('batch', 500);
const TODAY = '2026-11-23';
const clock = fixedClock(`${TODAY}T06:00:00Z`);
const everyone = () => 'true';
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** Median and max of 5 runs, in ms. */
async function measure(fn: () => Promise<unknown>, runs = 5): Promise<{ median: number; max: number }> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await timed(fn)).seconds * 1000);
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(runs / 2)] as number, max: ms[runs - 1] as number };
}

function line(what: string, r: { median: number; max: number }, goalMs: number, refMs: number): void {
  const ok = r.median <= goalMs ? 'met' : 'NOT met';
  console.log(`${what}: median ${r.median.toFixed(1)} ms, max ${r.max.toFixed(1)} ms (goal <= ${goalMs} ms: ${ok}); ${(r.median / refMs).toFixed(2)} x count(*) over summonses`);
}

function order() {
  const specialties = ['medical', 'aviation', 'engineering', 'artillery', 'radio', 'education', 'logistics', 'transport', 'information', 'reconnaissance'];
  const quotas = specialties.map((s) => `  - { agency: armed_forces, specialty: ${s}, count: ${Math.ceil((POSITIONS * 1.05) / specialties.length)} }`);
  return benchOrder({ id: 'bench-national', title: 'Bench national call-up', referenceDate: TODAY, agencies: ['armed_forces'], quotas });
}

async function reads(db: Db, when: string, ref: number, district: { region: string; district: string }): Promise<void> {
  line(`funnel totals + per district (${when})`, await measure(() => summonsFunnel(db, { scope: everyone })), 200, ref);
  line(`a district's list, one page of 50 filtered by state (${when})`, await measure(() => funnelSummonses(db, { scope: everyone, ...district, legal: 'not_notified', pageSize: 50 }, { actor: 'bench', at: clock.now() })), 50, ref);
}

async function main(): Promise<void> {
  console.log(`national bench: ${PERSONS} persons, ${POSITIONS} places; load ${load()}`);
  const scratch = await scratchDatabase('mobilize_bench_national');
  const db = await openDb({ databaseUrl: scratch.url, poolSize: 8 });
  try {
    await loadReferenceData(db);
    const reg = await timed(() => loadSyntheticRegistry(db, { count: PERSONS, seed: 42, today: TODAY }));
    await db.query('VACUUM ANALYZE persons');
    const planned = await timed(async () => {
      const { id } = await planCallup(db, order(), { actor: 'officer-a', clock });
      await recordPlanAction(db, String(id), 'approve', { actor: 'officer-b', clock });
      return id;
    });
    const issued = await timed(() => issuePlan(db, String(planned.value), { actor: 'officer-b', clock, appearanceAt: new Date('2026-12-01T09:00:00+05:00') }));
    await db.query('VACUUM ANALYZE');
    console.log(`setup: registry ${reg.seconds.toFixed(0)} s, plan ${planned.seconds.toFixed(0)} s, issue ${issued.value.summonses} summonses (${issued.value.queuedSms} SMS) ${issued.seconds.toFixed(0)} s; load ${load()}`);

    const ref = (await measure(() => db.query('SELECT count(*) FROM summonses'))).median;
    console.log(`reference: count(*) over ${issued.value.summonses} summonses, median ${ref.toFixed(1)} ms`);
    const [d] = await db.query<{ region: string; district: string }>('SELECT region, district FROM summons_state WHERE district IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1');
    const district = d as { region: string; district: string };
    await reads(db, 'before dispatch', ref, district);
    const pack = loadPack();
    line('region readiness', await measure(() => regionReadiness(db, { on: TODAY, pack }), 3), 1000, ref);
    line('four-tier readiness', await measure(() => fourTierReadiness(db, { on: TODAY, pack, clock }), 3), 1000, ref);
    const [name] = await db.query<{ last_name: string }>('SELECT last_name FROM persons ORDER BY iin LIMIT 1 OFFSET 12345');
    line(`name-prefix search "${name?.last_name.slice(0, 3)}"`, await measure(() => searchPersons(db, { q: (name?.last_name ?? 'А').slice(0, 3), page: 1, pageSize: 20 }, { scope: everyone, actor: 'bench', at: clock.now() })), 100, ref);

    const messages = await db.query<{ to: string; text: string }>("SELECT destination AS to, text FROM summons_outbox WHERE channel = 'sms' ORDER BY id");
    const parts = messages.reduce((n, m) => n + encodeSms(m.text, 0).parts.length, 0);
    const sim = await startSmsc();
    let dispatchSeconds = 0;
    try {
      const client = await SmppClient.open({ host: '127.0.0.1', port: sim.port, systemId: 'mobilize', password: 'x', sourceAddr: 'MOBILIZE', channel: { name: 'bench-live', exercise: false }, window: WINDOW });
      const t0 = process.hrtime.bigint();
      const worker = startDispatcher(db, { sms: { client, smsc: `127.0.0.1:${sim.port}` } }, { batch: BATCH, clock, pollMs: 20, workerId: 'bench' });
      let during: { median: number; max: number } | null = null;
      const target = messages.length;
      for (;;) {
        const [s] = await db.query<{ delivered: number }>("SELECT count(*)::int AS delivered FROM summons_state WHERE plan_id = $1 AND delivered AND 'sms' = ANY(channels)", [planned.value]);
        if ((s?.delivered ?? 0) >= target * 0.999) break;
        if (!during && (s?.delivered ?? 0) > target * 0.3) during = await measure(() => summonsFunnel(db, { scope: everyone }));
        await new Promise((r) => setTimeout(r, 500));
      }
      dispatchSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      await worker.stop();
      await client.close();
      if (during) line('funnel totals + per district (during dispatch)', during, 200, ref);
    } finally {
      await sim.stop();
    }
    const rate = messages.length / dispatchSeconds;
    console.log(`dispatch with the read model kept: ${messages.length} SMS (${parts} parts) in ${dispatchSeconds.toFixed(1)} s, ${rate.toFixed(0)} msg/s; load ${load()}`);
    await reads(db, 'after dispatch', ref, district);
    const raw = await (async () => {
      const s = await startSmsc();
      try {
        return await rawSmppSend({ port: s.port, window: WINDOW, messages, encode: (text, r) => encodeSms(text, r).parts });
      } finally {
        await s.stop();
      }
    })();
    const rawRate = messages.length / raw.seconds;
    console.log(`raw smpp (no database): ${rawRate.toFixed(0)} msg/s; ratio dispatcher / raw: ${(rate / rawRate).toFixed(3)} (goal >= 0.5: ${rate / rawRate >= 0.5 ? 'met' : 'NOT met'})`);
  } finally {
    await db.close();
    await scratch.drop();
  }
}

await main();
