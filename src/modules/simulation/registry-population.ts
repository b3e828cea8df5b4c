import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { getPlan, orderCells, type StoredPlan } from '../callup/index.ts';
import { regions } from '../registry/index.ts';
import { channelBits, isUrban, type PlanOutline, type Population } from './population.ts';

/**
 * The people of a plan stored in the live registry, read as counts per cell × home region × district × channel
 * pattern: the simulation needs nothing that names a person, so nothing that does leaves the database. The read
 * is audited all the same, since it is derived from personal data.
 */
export async function registryPopulation(
  db: Db,
  planRef: string,
  ctx: { actor: string; at: Date; purpose: string; targets?: readonly number[] },
): Promise<{ population: Population; plan: PlanOutline; stored: StoredPlan }> {
  const stored = await getPlan(db, planRef);
  const cells = orderCells(stored.order);
  if (ctx.targets && ctx.targets.length !== cells.length) {
    throw new DomainError('SIM_TARGETS_MISMATCH', `plan ${stored.id} has ${cells.length} cells but ${ctx.targets.length} targets were given`);
  }
  const rows = await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ cell: number; home_region: string; district: string | null; mobile: boolean; mobile_on_egov: boolean; egov_account: boolean; n: number }>(
      `SELECT a.cell, a.home_region, p.district, (coalesce(p.mobile, '') <> '') AS mobile, p.mobile_on_egov, p.egov_account, count(*)::int AS n
         FROM callup_assignments a JOIN persons p ON p.iin = a.iin
        WHERE a.plan_id = $1
        GROUP BY 1, 2, 3, 4, 5, 6
        ORDER BY 1, 2, 3, 4, 5, 6`,
      [stored.id],
    );
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'simulation.population.read', subject: `callup_plan:${stored.id}`, details: { purpose: ctx.purpose, groups: rows.length } });
    return rows;
  });
  const regionIndex = new Map(regions().map((r, i) => [r.iso, i]));
  const n = rows.reduce((s, r) => s + Number(r.n), 0);
  const pop: Population = {
    n,
    regions: regions().map((r) => r.iso),
    home: new Uint8Array(n),
    serve: new Uint8Array(n),
    cell: new Uint16Array(n),
    channels: new Uint8Array(n),
    urban: new Uint8Array(n),
    agencies: Object.keys(stored.order.agencies),
    cells: cells.map((c, j) => ({
      agency: c.agency, specialty: c.specialty, serveRegion: c.receivingRegion, quota: ctx.targets?.[j] ?? c.quota,
      planned: stored.report.cells[j]?.filled ?? 0,
    })),
  };
  let i = 0;
  for (const r of rows) {
    const cell = Number(r.cell);
    const home = regionIndex.get(r.home_region);
    const c = cells[cell];
    if (home === undefined || !c) throw new DomainError('SIM_PLAN_INCONSISTENT', `plan ${stored.id} assigns people from region ${r.home_region} to cell ${cell}, which the simulation does not know`);
    const serve = stored.order.territorial ? home : (regionIndex.get(c.receivingRegion) as number);
    const bits = channelBits({ mobile: r.mobile ? 'on file' : null, egov_account: r.egov_account, mobile_on_egov: r.mobile_on_egov });
    const urban = isUrban(r.home_region, r.district) ? 1 : 0;
    for (let k = 0; k < Number(r.n); k++, i++) {
      pop.home[i] = home;
      pop.serve[i] = serve;
      pop.cell[i] = cell;
      pop.channels[i] = bits;
      pop.urban[i] = urban;
    }
  }
  const plan: PlanOutline = {
    source: `registry plan ${stored.orderId}@v${stored.version} (id ${stored.id})`,
    eligible: stored.report.classes.reduce((s, k) => s + k.count, 0),
    planned: n,
    shortfall: stored.report.totals.shortfall,
    cells: stored.report.cells.map((c) => ({ agency: c.agency, specialty: c.specialty, receivingRegion: c.receivingRegion, quota: c.quota, filled: c.filled, shortfall: c.shortfall, reason: c.reason })),
  };
  return { population: pop, plan, stored };
}
