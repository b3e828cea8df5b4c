/**
 * Figure (issue 5, summons dispatch): C summonses (default 300,000) queued in the SMS outbox on PostgreSQL, sent by
 * the real dispatcher through the SMSC simulator until every delivery receipt is in the evidence ledger; messages/s.
 * References in the same run, each against a fresh simulator of the same kind in its own process:
 *  - raw: the `smpp` package directly (same window, setNoDelay), the same texts, no database, until all receipts;
 *  - Kannel (when Debian's kannel is installed): bearerbox + smsbox as SMPP client, the same texts through HTTP
 *    sendsms with dlr-mask/dlr-url, until every delivery report has reached a local HTTP receiver.
 * Goal: dispatcher ≥ 0.5 × raw and ≥ 2 × Kannel-with-receipts.
 * Options: --count C, --window W (default 50), --batch B (claimed per dispatcher round, default 500), --persons N
 * (registry size, default 18 × C), --kannel 0 (skip Kannel), --http-concurrency H (sendsms requests in flight, 32).
 */
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { openDb, type Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { planCallup, recordPlanAction, type CallupOrder } from '../src/modules/callup/index.ts';
import { loadReferenceData } from '../src/modules/registry/index.ts';
import { encodeSms, SmppClient } from '../src/modules/sms/index.ts';
import { issuePlan, startDispatcher } from '../src/modules/summons/index.ts';
import { dlrReceiver, Kannel, kannelInstalled } from '../test/helpers/kannel.ts';
import { startSmsc } from './support/smsc.ts';
import { arg, benchOrder, loadSyntheticRegistry, processCpuSeconds, rawSmppSend, scratchDatabase, selfCpuSeconds, timed } from './lib.ts';

/** CPU seconds by process during a run; null where /proc could not tell (a remote PostgreSQL). */
type Cpu = Record<string, number | null>;
const cpuText = (c: Cpu) => Object.entries(c).map(([k, v]) => `${k} ${v === null ? '?' : v.toFixed(1)}`).join(', ');

const COUNT = arg('count', 300_000);
const WINDOW = arg('window', 50);
const BATCH = arg('batch', 500);
const PERSONS = arg('persons', COUNT * 18);
const WITH_KANNEL = arg('kannel', 1) !== 0;
const HTTP_CONCURRENCY = arg('http-concurrency', 32);
const TODAY = '2026-11-23';
const clock = fixedClock(`${TODAY}T06:00:00Z`);
const appearanceAt = new Date('2026-12-01T09:00:00+05:00');

/**
 * Positions over every specialty and 4 agencies, anywhere in the country, in proportion to the pool the plan may
 * take from the synthetic registry (reservists not reserved as essential workers: about 6.7% of persons, the nine
 * main specialties twice as many as medical, four minor ones 0.7 of it), so that 18 × C persons fill the order.
 */
function dispatchOrder(positions: number): CallupOrder {
  const main = ['aviation', 'engineering', 'artillery', 'radio', 'education', 'logistics', 'transport', 'information', 'reconnaissance'];
  const weights: Record<string, number> = { medical: 1, ...Object.fromEntries(main.map((s) => [s, 2])), infantry: 0.7, armour: 0.7, signals: 0.7, 'air-defence': 0.7 };
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  const agencies = { armed_forces: 0.6, border_service: 0.2, national_guard: 0.12, emergencies: 0.08 };
  const quotas = Object.entries(agencies).flatMap(([a, share]) =>
    Object.entries(weights).map(([s, w]) => `  - { agency: ${a}, specialty: ${s}, count: ${Math.ceil((positions * share * w) / total)} }`),
  );
  return benchOrder({ id: 'bench-dispatch', title: 'Bench dispatch of summonses', referenceDate: TODAY, agencies: Object.keys(agencies), quotas });
}

/**
 * The real path: synthetic registry → order → plan → approval by a second officer → issue. Some people have no
 * mobile (paper summons), so the plan is a little larger than C and the outbox is then cut to exactly C messages.
 */
async function queueSummonses(db: Db): Promise<{ to: string; text: string }[]> {
  const registry = await timed(() => loadSyntheticRegistry(db, { count: PERSONS, seed: 42, today: TODAY }));
  await db.query('VACUUM ANALYZE persons');
  const plan = await timed(async () => {
    const { id, report } = await planCallup(db, dispatchOrder(Math.ceil(COUNT * 1.05)), { actor: 'officer-a', clock });
    await recordPlanAction(db, String(id), 'approve', { actor: 'officer-b', clock });
    return { id, report };
  });
  const issued = await timed(() => issuePlan(db, String(plan.value.id), { actor: 'officer-b', clock, appearanceAt }));
  const { summonses, queuedSms } = issued.value;
  if (queuedSms < COUNT) throw new Error(`only ${queuedSms} SMS queued for ${summonses} summonses (plan filled ${plan.value.report.totals.filled}); give a larger --persons`);
  await db.query("DELETE FROM summons_outbox WHERE id IN (SELECT id FROM summons_outbox WHERE channel = 'sms' ORDER BY id DESC LIMIT $1)", [queuedSms - COUNT]);
  await db.query('VACUUM ANALYZE');
  console.log(`setup: ${PERSONS} persons ${registry.seconds.toFixed(1)} s, plan + approval ${plan.seconds.toFixed(1)} s, issue ${summonses} summonses ${issued.seconds.toFixed(1)} s; ${COUNT} of ${queuedSms} SMS kept in the outbox`);
  return db.query<{ to: string; text: string }>("SELECT destination AS to, text FROM summons_outbox WHERE channel = 'sms' ORDER BY id");
}

async function ledgerSeq(db: Db): Promise<number> {
  const [h] = await db.query<{ seq: number }>('SELECT seq::int AS seq FROM summons_ledger_head WHERE id = 1');
  return h?.seq ?? 0;
}

/** The dispatcher until the ledger holds one submit per message and one delivery report per part. */
async function runDispatcher(db: Db, port: number, parts: number): Promise<{ seconds: number; cpu: Cpu }> {
  const seq0 = await ledgerSeq(db);
  const cpu0 = selfCpuSeconds();
  const target = seq0 + COUNT + parts;
  const run = await timed(async () => {
    const client = await SmppClient.open({ host: '127.0.0.1', port, systemId: 'mobilize', password: 'x', sourceAddr: 'MOBILIZE', channel: { name: 'bench-live', exercise: false }, window: WINDOW });
    // SMS only: the plan's e-Gov messages stay queued for a dispatcher that has an e-Gov gateway.
    const worker = startDispatcher(db, { sms: { client, smsc: `127.0.0.1:${port}` } }, { batch: BATCH, clock, pollMs: 20, workerId: 'bench' });
    let last = seq0;
    let lastMove = Date.now();
    for (let seq = seq0; seq < target; seq = await ledgerSeq(db)) {
      if (seq !== last) [last, lastMove] = [seq, Date.now()];
      if (Date.now() - lastMove > 60_000) throw new Error(`no ledger progress for 60 s at ${seq - seq0} of ${target - seq0} entries; totals ${JSON.stringify(worker.totals)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await worker.stop();
  });
  const [check] = await db.query<{ reports: number; open: number }>(
    `SELECT (SELECT count(*)::int FROM summons_ledger WHERE kind = 'sms_delivery_report') AS reports,
            (SELECT count(*)::int FROM summons_outbox WHERE channel = 'sms' AND state <> 'submitted') AS open`,
  );
  if (check?.reports !== parts || check.open !== 0) throw new Error(`dispatcher check failed: ${JSON.stringify(check)} (want ${parts} reports, 0 open)`);
  // The pool's server processes were opened for this run (setup's were the same pool: subtract nothing, they idled).
  const backends = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  const pg = backends.map((b) => processCpuSeconds(b.pid));
  return { seconds: run.seconds, cpu: { bench: selfCpuSeconds() - cpu0, postgres: pg.some((x) => x === null) ? null : pg.reduce<number>((a, b) => a + (b ?? 0), 0) } };
}

/** Kannel: every message through smsbox's sendsms (H requests in flight), until every delivery report is back. */
async function runKannel(port: number, messages: readonly { to: string; text: string }[]): Promise<{ seconds: number; reports: number; cpu: Cpu }> {
  const dlr = await dlrReceiver({ keep: false });
  const kannel = await Kannel.start({ smscPort: port, window: WINDOW, logLevel: 2, accessLog: false });
  const agent = new Agent({ keepAlive: true, maxSockets: HTTP_CONCURRENCY });
  const get = (url: string) => new Promise<number>((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject).end();
  });
  try {
    const dlrUrl = dlr.urlFor('b');
    const cpu0 = { bench: selfCpuSeconds(), kannel: kannel.pids.map((p) => processCpuSeconds(p) ?? 0) };
    const run = await timed(async () => {
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < messages.length; i = next++) {
          const m = messages[i] as { to: string; text: string };
          const status = await get(kannel.sendsmsUrl({ to: m.to.replace(/^\+/, ''), text: m.text, coding: 2, dlrMask: 3, dlrUrl }));
          if (status !== 202) throw new Error(`sendsms answered ${status} for message ${i}\n${kannel.logTail()}`);
        }
      };
      await Promise.all(Array.from({ length: HTTP_CONCURRENCY }, worker));
      await dlr.waitFor(messages.length, 30 * 60_000);
    });
    const kannelCpu = kannel.pids.map((p, i) => (processCpuSeconds(p) ?? 0) - (cpu0.kannel[i] ?? 0));
    return { seconds: run.seconds, reports: dlr.count, cpu: { bench: selfCpuSeconds() - cpu0.bench, bearerbox: kannelCpu[0] ?? null, smsbox: kannelCpu[1] ?? null } };
  } finally {
    agent.destroy();
    await kannel.stop();
    await dlr.close();
  }
}

/** Runs `fn` against a fresh simulator process; adds the simulator's CPU seconds to what `fn` reports. */
async function withSmsc<T extends { cpu: Cpu }>(fn: (port: number) => Promise<T>): Promise<T> {
  const sim = await startSmsc();
  const before = await sim.stats();
  try {
    const r = await fn(sim.port);
    const after = await sim.stats();
    if (after.messages !== COUNT) throw new Error(`the simulator took ${after.messages} messages, not ${COUNT}`);
    return { ...r, cpu: { ...r.cpu, simulator: after.cpuSeconds - before.cpuSeconds } };
  } finally {
    await sim.stop();
  }
}

async function main(): Promise<void> {
  const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`dispatch bench: ${COUNT} summonses, window ${WINDOW}, batch ${BATCH}; load ${load()}`);
  const scratch = await scratchDatabase('mobilize_bench_dispatch');
  const db = await openDb({ databaseUrl: scratch.url });
  let messages: { to: string; text: string }[];
  let dispatched: { seconds: number; cpu: Cpu };
  try {
    await loadReferenceData(db);
    messages = await queueSummonses(db);
    const parts = messages.reduce((n, m) => n + encodeSms(m.text, 0).parts.length, 0);
    console.log(`${COUNT} SMS, ${parts} SMPP parts (${(parts / COUNT).toFixed(2)} a message), one receipt per part; load ${load()}`);
    dispatched = await withSmsc((port) => runDispatcher(db, port, parts));
  } finally {
    await db.close();
    await scratch.drop();
  }
  const rate = COUNT / dispatched.seconds;
  console.log(`dispatcher (PostgreSQL, every receipt in the ledger): ${dispatched.seconds.toFixed(1)} s, ${rate.toFixed(0)} msg/s; load ${load()}`);
  console.log(`  cpu s: ${cpuText(dispatched.cpu)}`);

  const cpu0 = selfCpuSeconds();
  const raw = await withSmsc(async (port) => {
    const r = await rawSmppSend({ port, window: WINDOW, messages, encode: (text, ref) => encodeSms(text, ref).parts });
    return { ...r, cpu: { bench: selfCpuSeconds() - cpu0 } };
  });
  const rawRate = COUNT / raw.seconds;
  console.log(`raw smpp (no database, ${raw.receipts} receipts): ${raw.seconds.toFixed(1)} s, ${rawRate.toFixed(0)} msg/s (${(raw.parts / raw.seconds).toFixed(0)} parts/s); load ${load()}`);
  console.log(`  cpu s: ${cpuText(raw.cpu)}`);
  const vsRaw = rate / rawRate;
  console.log(`ratio dispatcher / raw: ${vsRaw.toFixed(3)} (goal >= 0.5: ${vsRaw >= 0.5 ? 'met' : 'NOT met'})`);

  if (!WITH_KANNEL) return console.log('Kannel: skipped (--kannel 0)');
  if (!kannelInstalled()) return console.log('Kannel: not installed (bash .ci/run --system-packages installs it), no comparison');
  const k = await withSmsc((port) => runKannel(port, messages));
  const kRate = COUNT / k.seconds;
  console.log(`Kannel (HTTP sendsms -> SMPP, ${k.reports} delivery reports to dlr-url): ${k.seconds.toFixed(1)} s, ${kRate.toFixed(0)} msg/s; load ${load()}`);
  console.log(`  cpu s: ${cpuText(k.cpu)}`);
  const vsKannel = rate / kRate;
  console.log(`ratio dispatcher / Kannel: ${vsKannel.toFixed(2)} (goal >= 2: ${vsKannel >= 2 ? 'met' : 'NOT met'})`);
}

await main();
