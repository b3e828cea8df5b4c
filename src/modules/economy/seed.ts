import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { seededRng, type Rng } from '../../kernel/rng.ts';
import { appendAudit } from '../audit/index.ts';
import { makeBin, regions } from '../registry/index.ts';
import { writeCapacity, type CapacityInput } from './enterprises.ts';
import { recordLedger } from './compensation.ts';
import { decideRequisition, draftRequisition } from './requisitions.ts';
import { assignTask, actOnTask } from './tasks.ts';
import { NATIONAL, type EconomyContext } from './vocab.ts';

/** Enterprises per region in the demo: the region's largest employers on the registry. */
export const DEMO_ENTERPRISES_PER_REGION = 2;

const NAMES = ['Dala', 'Altyn', 'Kazyna', 'Saryarka', 'Zhetysu', 'Ertis', 'Tulpar', 'Shanyrak', 'Baiterek', 'Kokzhiek', 'Samruk', 'Atameken', 'Nurly', 'Aksu', 'Karatau', 'Ulytau', 'Alatau', 'Kaspi', 'Tengri', 'Yrys'];
const KIND_NAME: Record<string, string> = { logistics: 'Trans', energy: 'Energy', health: 'Med', communications: 'Telecom', cyber: 'Soft', other: 'Industry' };
const PRODUCTS = ['bread', 'canned_meat', 'bottled_water', 'blankets', 'bricks', 'cement', 'uniforms', 'medical_masks'];

/** Capacity lines an enterprise of this sector plausibly declares (deterministic for the rng). */
function capacitiesFor(bin: string, region: string, sector: string, rng: Rng): CapacityInput[] {
  const line = (kind: CapacityInput['kind'], subtype: string, quantity: number, extra: Partial<CapacityInput> = {}): CapacityInput => ({ bin, kind, subtype, quantity, region, ...extra });
  switch (sector) {
    case 'logistics':
      return [line('vehicles', 'truck', rng.int(20, 120)), line('vehicles', 'bus', rng.int(5, 40)), line('vehicles', 'fuel_tanker', rng.int(3, 20)), line('buildings', 'warehouse', rng.int(2, 20) * 500)];
    case 'energy':
      return [line('fuel', 'diesel', rng.int(5, 40) * 10), line('fuel', 'petrol', rng.int(2, 20) * 10), line('vehicles', 'fuel_tanker', rng.int(5, 30))];
    case 'health':
      return [line('buildings', 'hospital', rng.int(2, 12) * 1000, { places: rng.int(5, 30) * 10 }), line('vehicles', 'ambulance', rng.int(3, 15))];
    default:
      return [line('production', rng.pick(PRODUCTS), rng.int(1, 50) * 100), line('vehicles', 'truck', rng.int(2, 15)), line('buildings', 'dormitory', rng.int(1, 8) * 400, { places: rng.int(4, 30) * 10 })];
  }
}

/**
 * Demo enterprises with capacities in every region, a few tasks and one requisition with its ledger, so the
 * economic screens show something real. The enterprises are the registry's largest employers per region (the same
 * ranking the demo enterprise officer is chosen by), registered as organisations; with no registry, BINs are made
 * from the seed. Deterministic for the seed; does nothing when capacities exist already.
 */
export async function seedEconomyDemo(db: Db, opts: { seed: number; clock: Clock; actor: string }): Promise<{ enterprises: number; capacityLines: number }> {
  const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM economy_capacities');
  if (n > 0) return { enterprises: 0, capacityLines: 0 };
  const rng = seededRng(`economy:${opts.seed}`);
  const at = opts.clock.now();
  const ctx: EconomyContext = { actor: opts.actor, at, scope: NATIONAL };
  const employers = await db.query<{ region: string; bin: string; n: number; sector: string | null }>(
    `SELECT region, employer_bin AS bin, count(*)::int AS n, mode() WITHIN GROUP (ORDER BY sector) AS sector
       FROM persons WHERE employer_bin IS NOT NULL GROUP BY region, employer_bin ORDER BY region, count(*) DESC, employer_bin`,
  );
  const chosen: { bin: string; region: string; sector: string }[] = [];
  const taken = new Set<string>();
  for (const r of regions()) {
    const local = employers.filter((e) => e.region === r.iso && !taken.has(e.bin)).slice(0, DEMO_ENTERPRISES_PER_REGION);
    for (const e of local) chosen.push({ bin: e.bin, region: r.iso, sector: e.sector ?? 'other' });
    for (let i = local.length; i < DEMO_ENTERPRISES_PER_REGION; i++) {
      let bin: string | null = null;
      while (bin === null || taken.has(bin)) bin = makeBin(`${String(rng.int(5, 25)).padStart(2, '0')}${String(rng.int(1, 12)).padStart(2, '0')}`, 4, 0, rng.int(0, 99_999));
      chosen.push({ bin, region: r.iso, sector: rng.pick(['logistics', 'energy', 'health', 'other']) });
    }
    for (const c of chosen) taken.add(c.bin);
  }
  let lines = 0;
  await db.transaction(async (tx) => {
    for (const [i, e] of chosen.entries()) {
      const name = `${NAMES[i % NAMES.length]} ${KIND_NAME[e.sector] ?? 'Industry'}${i >= NAMES.length ? ` ${Math.floor(i / NAMES.length) + 1}` : ''} LLP`;
      await tx.query(
        `INSERT INTO organisations (bin, name, kind, region, sector, created_at, updated_at) VALUES ($1, $2, 'enterprise', $3, $4, $5, $5) ON CONFLICT (bin) DO NOTHING`,
        [e.bin, name, e.region, e.sector, at],
      );
      await appendAudit(tx, { at, actor: opts.actor, action: 'economy.enterprise.register', subject: `enterprise:${e.bin}`, details: { name, region: e.region, sector: e.sector, demo: true } });
      for (const c of capacitiesFor(e.bin, e.region, e.sector, rng)) {
        await writeCapacity(tx, c, ctx);
        lines++;
      }
    }
  });

  // A few tasks on the trucks and fuel declared, one of them accepted and half delivered.
  const trucks = await db.query<{ bin: string; quantity: number; region: string }>("SELECT bin, quantity, region FROM economy_capacities WHERE kind = 'vehicles' AND subtype = 'truck' ORDER BY quantity DESC, bin LIMIT 3");
  const due = new Date(at.getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
  for (const [i, t] of trucks.entries()) {
    const task = await assignTask(db, { bin: t.bin, kind: 'vehicles', subtype: 'truck', quantity: Math.max(1, Math.floor(Number(t.quantity) / 3)), destination: 'KZ-75', dueDate: due, note: 'demo: transport for the territorial defence of Almaty' }, ctx);
    if (i === 0) {
      const officer = { ...ctx, actor: `${opts.actor}:enterprise`, scope: { region: null, bin: t.bin } };
      await actOnTask(db, task.id, 'accept', {}, officer);
      await actOnTask(db, task.id, 'progress', { quantity: Math.max(1, Math.floor(task.quantity / 2)) }, officer);
    }
  }

  // One requisition of a building and a truck from the first enterprise, approved by a second person, half paid.
  const owner = chosen[0];
  if (owner) {
    const useFrom = at.toISOString().slice(0, 10);
    const useUntil = new Date(at.getTime() + 90 * 86_400_000).toISOString().slice(0, 10);
    const r = await draftRequisition(db, {
      owner: { bin: owner.bin }, purpose: 'demo: assembly point and transport', useFrom, useUntil,
      items: [{ kind: 'warehouse', description: 'Warehouse, 1200 m²', condition: 'good', ageYears: 12, quantity: 1200 }, { kind: 'truck', description: 'KAMAZ-65115 dump truck', condition: 'fair', ageYears: 6 }],
    }, ctx);
    await decideRequisition(db, r.id, 'approve', {}, { ...ctx, actor: `${opts.actor}:approver` });
    await recordLedger(db, r.id, { kind: 'paid', amountTiyn: Math.floor(r.valueTiyn / 2), note: 'demo: first instalment' }, ctx);
  }
  return { enterprises: chosen.length, capacityLines: lines };
}
