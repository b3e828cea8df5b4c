/**
 * Figure (issue: eligibility rules): count the persons eligible for the reserve-officer call-up by region ×
 * specialty over N seeded persons (default 5,000,000) on PostgreSQL, through the SQL compiler. Goal: ≤ 1 s.
 * Reference: a plain `SELECT count(*) FROM persons` on the same table in the same run. Each query runs once to
 * warm the cache, then the median of five runs is reported.
 */
import { openDb } from '../src/db/client.ts';
import { compileCount, countEligible, findRuleSet, loadPack } from '../src/modules/eligibility/index.ts';
import { loadReferenceData } from '../src/modules/registry/index.ts';
import { arg, loadSyntheticRegistry, scratchDatabase, timed } from './lib.ts';

const N = arg('persons', 5_000_000);
const ON = '2026-11-23';
const CHUNK = 50_000;
const RUNS = 5;


async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push((await timed(fn)).seconds);
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)] as number;
}

const { ruleSet } = findRuleSet(loadPack(), 'reserve-officer-callup', ON);
const by = ['region', 'specialty'];
const scratch = await scratchDatabase('mobilize_bench_eligibility');
try {
  const db = await openDb({ databaseUrl: scratch.url });
  await loadReferenceData(db);
  const loaded = await timed(() => loadSyntheticRegistry(db, { count: N, seed: 42, today: ON }));
  console.log(`loaded ${N} synthetic persons with COPY in ${loaded.seconds.toFixed(1)} s`);
  // Statistics for the planner and a visibility map for index-only scans, as autovacuum would leave them.
  const vacuumed = await timed(() => db.query('VACUUM ANALYZE persons'));
  console.log(`VACUUM ANALYZE in ${vacuumed.seconds.toFixed(1)} s`);

  const q = compileCount(ruleSet, ON, by);
  const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${q.sql}`, q.params);
  console.log(`plan:\n${plan.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`);

  const result = await countEligible(db, ruleSet, ON, by);
  const grouped = await median(() => countEligible(db, ruleSet, ON, by));
  const plain = await median(() => db.query('SELECT count(*) FROM persons'));
  // What the partial index of migration 0002 buys: the same query with index scans switched off.
  const fullScan = await median(() =>
    db.transaction(async (tx) => {
      await tx.exec('SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off; SET LOCAL enable_bitmapscan = off');
      return tx.query(q.sql, q.params);
    }),
  );
  await db.close();

  console.log(`${ruleSet.id} v${ruleSet.version} on ${ON}: ${result.total} eligible in ${result.groups.length} region × specialty groups`);
  console.log(`count by region × specialty: ${(grouped * 1000).toFixed(0)} ms (median of ${RUNS}; goal <= 1000 ms)`);
  console.log(`the same count without indexes (full scan): ${(fullScan * 1000).toFixed(0)} ms (median of ${RUNS})`);
  console.log(`plain count(*) over ${N} persons: ${(plain * 1000).toFixed(0)} ms (median of ${RUNS})`);
  console.log(`ratio grouped / plain: ${(grouped / plain).toFixed(2)}`);
} finally {
  await scratch.drop();
}
