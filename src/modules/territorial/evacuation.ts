import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import type { AreaScope } from '../access/index.ts';
import { capacityCheck, type CapacityCheck } from './capacity.ts';
import { asQuery, assertInArea, assertRegion, parseId, type Query, type TdContext } from './context.ts';
import { districtPopulation } from './population.ts';
import { NewEvacuationPlan, parseInput } from './schemas.ts';

export interface EvacuationPlan {
  id: number;
  name: string;
  region: string;
  fromDistricts: string[];
  toDistricts: string[];
  shelterIds: number[];
  windowHours: number;
  createdAt: string;
  createdBy: string;
  status: 'draft' | 'approved';
  approvedBy: string | null;
  /** Why an infeasible plan was approved all the same. */
  acceptedReason: string | null;
  /** The check as the data stand now, and the one recorded at approval. */
  check: CapacityCheck & { population: Record<string, number> };
  approvedCheck: CapacityCheck | null;
}

interface PlanRow { id: number; name: string; region: string; from_districts: string[]; to_districts: string[]; shelter_ids: (string | number)[]; window_hours: number; created_at: Date; created_by: string }

/** The capacity check for a plan against today's population, shelters and transport. */
async function checkPlan(q: Query, p: PlanRow): Promise<EvacuationPlan['check']> {
  const pop = await districtPopulation(q, p.region, p.from_districts);
  const { rows: places } = await q.query<{ places: number }>(
    // Never a shelter in an evacuated district (refused at drafting; kept out here too for plans drafted before that).
    'SELECT coalesce(sum(capacity), 0)::bigint AS places FROM td_shelters WHERE region = $1 AND (district = ANY($2) OR id = ANY($3::bigint[])) AND NOT district = ANY($4)',
    [p.region, p.to_districts, p.shelter_ids, p.from_districts],
  );
  const { rows: fleets } = await q.query<{ vehicles: number; seats: number; trips_per_day: string }>(
    'SELECT vehicles, seats, trips_per_day FROM td_transport WHERE region = $1 AND district = ANY($2) ORDER BY id',
    [p.region, p.from_districts],
  );
  const check = capacityCheck({
    peopleToMove: [...pop.values()].reduce((a, b) => a + b, 0),
    shelterPlaces: Number(places[0]?.places ?? 0),
    fleets: fleets.map((f) => ({ vehicles: Number(f.vehicles), seats: Number(f.seats), tripsPerDay: Number(f.trips_per_day) })),
    windowHours: Number(p.window_hours),
  });
  return { ...check, population: Object.fromEntries(pop) };
}

async function loadPlan(q: Query, ref: string | number, area: AreaScope): Promise<EvacuationPlan> {
  const id = parseId(ref, 'TD_PLAN_NOT_FOUND', 'evacuation plan');
  const { rows } = await q.query<PlanRow>('SELECT * FROM td_evacuation_plans WHERE id = $1', [id]);
  const p = rows[0];
  // Plans span districts: a district officer reads their region's plans, writes none (see approve/create).
  if (!p || (area.region && p.region !== area.region)) throw new DomainError('TD_PLAN_NOT_FOUND', `no evacuation plan ${id} in your area`);
  const { rows: log } = await q.query<{ actor: string; action: string; check: CapacityCheck; reason: string | null }>('SELECT actor, action, "check", reason FROM td_evacuation_actions WHERE plan_id = $1 ORDER BY seq', [id]);
  const approval = log.find((e) => e.action === 'approve');
  return {
    id, name: p.name, region: p.region, fromDistricts: p.from_districts, toDistricts: p.to_districts, shelterIds: p.shelter_ids.map(Number),
    windowHours: Number(p.window_hours), createdAt: new Date(p.created_at).toISOString(), createdBy: p.created_by,
    status: approval ? 'approved' : 'draft', approvedBy: approval?.actor ?? null, acceptedReason: approval?.reason ?? null,
    check: await checkPlan(q, p), approvedCheck: approval?.check ?? null,
  };
}

export async function createEvacuationPlan(db: Db, input: unknown, ctx: TdContext): Promise<EvacuationPlan> {
  const p = parseInput(NewEvacuationPlan, input, 'evacuation plan');
  assertInArea({ region: ctx.area.region, district: ctx.area.district }, p.region, null, `a plan for ${p.region}`);
  return db.transaction(async (tx) => {
    await assertRegion(tx, p.region);
    if (p.shelterIds.length) {
      const { rows } = await tx.query<{ id: number; name: string; district: string }>('SELECT id, name, district FROM td_shelters WHERE id = ANY($1::bigint[]) AND region = $2 ORDER BY id', [p.shelterIds, p.region]);
      const found = new Set(rows.map((r) => Number(r.id)));
      const missing = p.shelterIds.filter((s) => !found.has(s));
      if (missing.length) throw new DomainError('TD_BAD_INPUT', `shelterIds: no shelter ${missing.join(', ')} in ${p.region}`);
      // A shelter in a district being emptied receives nobody: its places would make the plan look feasible.
      const inside = rows.filter((r) => p.fromDistricts.includes(r.district));
      if (inside.length) {
        const named = inside.map((r) => `shelter ${r.id} "${r.name}" is in ${r.district}`).join('; ');
        throw new DomainError('TD_BAD_INPUT', `shelterIds: ${named}, which this plan evacuates; name shelters outside the evacuated districts.`);
      }
    }
    const at = ctx.clock.now();
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO td_evacuation_plans (name, region, from_districts, to_districts, shelter_ids, window_hours, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5::bigint[], $6, $7, $8) RETURNING id`,
      [p.name, p.region, p.fromDistricts, p.toDistricts, p.shelterIds, p.windowHours, at, ctx.actor],
    );
    const id = Number(rows[0]?.id);
    const plan = await loadPlan(tx, id, ctx.area);
    await tx.query('INSERT INTO td_evacuation_actions (plan_id, seq, at, actor, action, "check") VALUES ($1, 1, $2, $3, $4, $5)', [id, at, ctx.actor, 'draft', JSON.stringify(plan.check)]);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'td.evacuation.draft', subject: `td_evacuation_plan:${id}`, details: { ...p, feasible: plan.check.feasible } });
    return plan;
  });
}

/**
 * Approval by a second person against the check as it stands at that moment. An infeasible plan is refused with the
 * shortfall per constraint unless the approver accepts it with a reason, which is recorded with the check.
 */
export async function approveEvacuationPlan(db: Db, ref: string, ctx: TdContext & { acceptShortfall?: string | undefined }): Promise<EvacuationPlan> {
  const id = parseId(ref, 'TD_PLAN_NOT_FOUND', 'evacuation plan');
  return db.transaction(async (tx: Tx) => {
    // Lock before reading the status: two approvals at once then run one after the other, and the second sees the
    // first's approval (TD_BAD_TRANSITION) instead of both passing and the second failing on the log's key.
    await tx.query('SELECT id FROM td_evacuation_plans WHERE id = $1 FOR UPDATE', [id]);
    const plan = await loadPlan(tx, id, ctx.area);
    assertInArea(ctx.area, plan.region, null, `plan ${plan.id}`);
    if (plan.status === 'approved') throw new DomainError('TD_BAD_TRANSITION', `evacuation plan ${plan.id} is already approved by ${plan.approvedBy}`);
    if (plan.createdBy === ctx.actor) throw new DomainError('TD_SELF_APPROVAL', `${ctx.actor} drafted plan ${plan.id} and cannot approve it; a second person must.`);
    const reason = ctx.acceptShortfall?.trim() || null;
    if (!plan.check.feasible && !reason) {
      throw new DomainError('TD_PLAN_INFEASIBLE', `plan ${plan.id} falls short: ${plan.check.shortfall.shelter} without shelter, ${plan.check.shortfall.transport} without transport in ${plan.windowHours} h. Add places or vehicles, or approve with a reason accepting the shortfall.`, { check: plan.check });
    }
    const at = ctx.clock.now();
    const { check } = plan;
    await tx.query('INSERT INTO td_evacuation_actions (plan_id, seq, at, actor, action, "check", reason) VALUES ($1, 2, $2, $3, $4, $5, $6)', [plan.id, at, ctx.actor, 'approve', JSON.stringify(check), check.feasible ? null : reason]);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'td.evacuation.approve', subject: `td_evacuation_plan:${plan.id}`, details: { feasible: check.feasible, shortfall: check.shortfall, ...(check.feasible ? {} : { acceptedReason: reason }) } });
    return loadPlan(tx, plan.id, ctx.area);
  });
}

export function getEvacuationPlan(db: Db, ref: string, ctx: Pick<TdContext, 'area'>): Promise<EvacuationPlan> {
  return loadPlan(asQuery(db), ref, ctx.area);
}

export async function listEvacuationPlans(db: Db, area: AreaScope): Promise<EvacuationPlan[]> {
  const params: unknown[] = [];
  const where = area.region ? `WHERE region = $${params.push(area.region)}` : '';
  const ids = await db.query<{ id: number }>(`SELECT id FROM td_evacuation_plans ${where} ORDER BY id`, params);
  const q = asQuery(db);
  return Promise.all(ids.map((r) => loadPlan(q, Number(r.id), area)));
}
