import type { Db, Tx } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { asDbId } from '../../kernel/ids.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { compilePredicate, findRuleSet, loadPack, type Pack, type RuleSet } from '../eligibility/index.ts';
import { allocationOptions, buildArcs, handOut, summarise, transportProblem, type Allocation, type Arc, type PersonClass } from './allocate.ts';
import { orderCells, type CallupOrder, type Cell, type PriorityTier } from './order.ts';
import { planRemovals } from './removal.ts';
import { solveTransport } from './solver.ts';
import { applyAction, planState, type PlanAction, type PlanActionEntry, type PlanState } from './workflow.ts';

export interface PlanReport {
  orderId: string;
  version: number;
  exercise: boolean;
  ruleSet: string;
  reservationRuleSet: string;
  referenceDate: string;
  seed: string;
  /** The published hand-out order within a class. */
  lottery: string;
  classes: (PersonClass & { taken: number })[];
  cells: Allocation['cells'];
  totals: Allocation['totals'];
  solver: { classes: number; arcs: number; seconds: number };
  /** Wall time of selecting the pool, and of solving (overlapped with ranking the pool by the lottery). */
  timing: { selectSeconds: number; solveAndRankSeconds: number };
}

export interface PlanContext {
  actor: string;
  clock: Clock;
  /** Overrides the order's seed. */
  seed?: string;
  pack?: Pack;
}

const TIER_SQL: Record<PriorityTier, string> = {
  volunteer: 'p.volunteer',
  unemployed: "p.employment = 'unemployed'",
  rest: 'true',
};

export const LOTTERY = 'within a class (home region × specialty × priority tier × reserved), ascending md5("<seed>:<IIN>")';

interface Selection {
  sql: string;
  params: unknown[];
}

/** The eligible people of the order as rows (iin, region, specialty, tier, reserved), as a SQL subquery. */
export function eligiblePeople(order: CallupOrder, rs: RuleSet, reservation: RuleSet, specialtiesNeeded: string[]): Selection {
  const elig = compilePredicate(rs, { on: order.reference_date, alias: 'p' });
  const res = compilePredicate(reservation, { on: order.reference_date, alias: 'p', bound: elig.params.length });
  const n = elig.params.length + res.params.length;
  const tiers = order.priority.map((t, i) => `WHEN ${TIER_SQL[t]} THEN ${i}`).join(' ');
  // A person reserved by name for essential civil work (an approved, unrevoked reservation whose validity overlaps
  // the order's appearance period) is never a candidate, whatever allow_reserved says: that flag is about the
  // rule-based reservation class.
  return {
    sql: `SELECT p.iin, p.region, p.specialty, CASE ${tiers} ELSE ${order.priority.length} END AS tier, ((${res.sql}) IS TRUE) AS reserved
          FROM persons p WHERE (${elig.sql}) AND p.specialty = ANY($${n + 1}::text[])
           AND NOT EXISTS (SELECT 1 FROM callup_exclusions x WHERE x.iin = p.iin AND x.valid_from <= $${n + 3}::date AND x.valid_to >= $${n + 2}::date)`,
    params: [...elig.params, ...res.params, specialtiesNeeded, order.appearance.from, order.appearance.to],
  };
}

async function nextVersion(tx: Tx, orderId: string): Promise<number> {
  const { rows } = await tx.query<{ v: number }>('SELECT coalesce(max(version), 0) + 1 AS v FROM callup_plans WHERE order_id = $1', [orderId]);
  return Number(rows[0]?.v ?? 1);
}

/**
 * Plans a call-up order: aggregates the eligible people into classes inside the database, solves the transport
 * LP over classes with HiGHS, hands out places within each class by the seeded lottery, and writes the plan as a
 * new draft version with its audit entry — all in one repeatable-read transaction, so the classes the LP saw
 * are the people who get places.
 */
export async function planCallup(db: Db, order: CallupOrder, ctx: PlanContext): Promise<{ id: number; report: PlanReport }> {
  const pack = ctx.pack ?? loadPack();
  const on = order.reference_date;
  const rs = findRuleSet(pack, order.rule_set, on).ruleSet;
  const reservation = findRuleSet(pack, order.reservation_rule_set, on).ruleSet;
  const seed = ctx.seed ?? order.seed ?? `${order.id}:${on}`;
  const cells = orderCells(order);
  const opts = allocationOptions(order);
  const people = eligiblePeople(order, rs, reservation, [...new Set(cells.map((c) => c.specialty))].sort());

  return db.transaction(async (tx) => {
    if (db.engine === 'postgres') await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    // The eligible pool is read once into a temporary table; the classes and the hand-out both come from it.
    const t0 = performance.now();
    await tx.query('DROP TABLE IF EXISTS callup_pool');
    await tx.query(`CREATE TEMP TABLE callup_pool ON COMMIT DROP AS ${people.sql}`, people.params);
    const { rows } = await tx.query<{ region: string; specialty: string; tier: number; reserved: boolean; n: number }>(
      `SELECT region, specialty, tier, reserved, count(*)::int AS n FROM callup_pool
       GROUP BY region, specialty, tier, reserved ORDER BY region, specialty, tier, reserved`,
    );
    const classes: PersonClass[] = rows.map((r) => ({ region: r.region, specialty: r.specialty, tier: Number(r.tier), reserved: r.reserved, count: Number(r.n) }));
    const arcs = buildArcs(classes, cells, opts);
    const t1 = performance.now();
    // The solve runs in a worker thread while the database ranks every class by the lottery.
    const ranking = tx.query('DROP TABLE IF EXISTS callup_ranked').then(() =>
      tx.query(
        `CREATE TEMP TABLE callup_ranked ON COMMIT DROP AS
         SELECT e.*, row_number() OVER (PARTITION BY e.region, e.specialty, e.tier, e.reserved
                                        ORDER BY md5($1 || ':' || e.iin), e.iin) AS rank
         FROM callup_pool e`,
        [seed],
      ),
    );
    const [{ flows }] = await Promise.all([solveTransport(transportProblem(classes, cells, arcs)), ranking]);
    const t2 = performance.now();
    const seconds = (t2 - t1) / 1000;
    const allocation = summarise(classes, cells, arcs, flows, opts);

    const at = ctx.clock.now();
    const version = await nextVersion(tx, order.id);
    const report: PlanReport = {
      orderId: order.id,
      version,
      exercise: order.exercise,
      ruleSet: `${rs.id}@${rs.version}`,
      reservationRuleSet: `${reservation.id}@${reservation.version}`,
      referenceDate: on,
      seed,
      lottery: LOTTERY,
      classes: classes.map((k, i) => ({ ...k, taken: allocation.taken[i] as number })),
      cells: allocation.cells,
      totals: allocation.totals,
      solver: { classes: classes.length, arcs: arcs.length, seconds },
      timing: { selectSeconds: (t1 - t0) / 1000, solveAndRankSeconds: seconds },
    };
    const { rows: ins } = await tx.query<{ id: number }>(
      `INSERT INTO callup_plans (order_id, version, exercise, order_doc, rule_set, reference_date, seed, report, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [order.id, version, order.exercise, JSON.stringify(order), report.ruleSet, on, seed, JSON.stringify(report), at, ctx.actor],
    );
    const id = Number((ins[0] as { id: number }).id);

    const ranges = handOut(arcs, flows).map((h) => {
      const k = classes[h.classIndex] as PersonClass;
      return { region: k.region, specialty: k.specialty, tier: k.tier, reserved: k.reserved, cell: h.cellIndex, lo: h.fromRank, hi: h.toRank, km: (arcs[h.arc] as Arc).travelKm };
    });
    const { rows: written } = await tx.query<{ n: number }>(
      `WITH ins AS (
         INSERT INTO callup_assignments (plan_id, iin, cell, home_region, tier, reserved, lottery_rank, travel_km)
         SELECT $1, r.iin, h.cell, r.region, r.tier, r.reserved, r.rank, h.km
         FROM callup_ranked r
         JOIN jsonb_to_recordset($2::jsonb) AS h(region text, specialty text, tier int, reserved boolean, cell int, lo int, hi int, km int)
           ON h.region = r.region AND h.specialty = r.specialty AND h.tier = r.tier AND h.reserved = r.reserved
          AND r.rank BETWEEN h.lo AND h.hi
         ORDER BY r.iin
         RETURNING 1)
       SELECT count(*)::int AS n FROM ins`, // in key order, the primary key grows at its right edge instead of splitting pages at random
      [id, JSON.stringify(ranges)],
    );
    if (Number(written[0]?.n) !== allocation.totals.filled) {
      throw new Error(`plan ${id}: wrote ${written[0]?.n} assignments for ${allocation.totals.filled} places filled`);
    }
    await tx.query('INSERT INTO callup_plan_actions (plan_id, seq, at, actor, action) VALUES ($1, 1, $2, $3, $4)', [id, at, ctx.actor, 'draft']);
    await appendAudit(tx, {
      at,
      actor: ctx.actor,
      action: 'callup.plan',
      subject: `callup_plan:${id}`,
      details: { order: order.id, version, ruleSet: report.ruleSet, on, seed, filled: allocation.totals.filled, quota: allocation.totals.quota },
    });
    return { id, report };
  });
}

export interface StoredPlan {
  id: number;
  orderId: string;
  version: number;
  exercise: boolean;
  createdAt: Date;
  createdBy: string;
  order: CallupOrder;
  report: PlanReport;
  log: PlanActionEntry[];
  state: PlanState;
  /** People taken out after the plan was written (reserved for civil work), per cell; each adds to the shortfall. */
  removals: { cell: number; removed: number }[];
  /** The report's shortfall plus the removals. */
  shortfallAfterRemovals: number;
}

/** A plan by numeric id or "ORDER@vN" / "ORDER" (latest version). */
export async function resolvePlanId(q: Pick<Tx, 'query'>, ref: string): Promise<number> {
  if (/^\d+$/.test(ref)) {
    const id = asDbId(ref);
    if (id === null) throw new DomainError('CALLUP_PLAN_NOT_FOUND', `No plan ${ref}.`);
    return id;
  }
  const m = /^([a-z][a-z0-9_-]*)(?:@v?([1-9]\d{0,8}))?$/.exec(ref);
  if (!m) throw new DomainError('CALLUP_BAD_PLAN_REF', `"${ref}" is not a plan: give its number, ORDER@vN, or ORDER for the latest version.`);
  const { rows } = await q.query<{ id: number }>(
    m[2] ? 'SELECT id FROM callup_plans WHERE order_id = $1 AND version = $2' : 'SELECT id FROM callup_plans WHERE order_id = $1 ORDER BY version DESC LIMIT 1',
    m[2] ? [m[1], Number(m[2])] : [m[1]],
  );
  if (!rows[0]) throw new DomainError('CALLUP_PLAN_NOT_FOUND', `No plan ${ref}.`);
  return Number(rows[0].id);
}

async function loadPlan(q: Pick<Tx, 'query'>, ref: string, lock = false): Promise<StoredPlan> {
  const id = await resolvePlanId(q, ref);
  const { rows } = await q.query<{ order_id: string; version: number; exercise: boolean; created_at: Date; created_by: string; order_doc: CallupOrder; report: PlanReport }>(
    `SELECT order_id, version, exercise, created_at, created_by, order_doc, report FROM callup_plans WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  const r = rows[0];
  if (!r) throw new DomainError('CALLUP_PLAN_NOT_FOUND', `No plan ${ref}.`);
  const { rows: log } = await q.query<{ seq: number; at: Date; actor: string; action: PlanAction; note: string | null }>(
    'SELECT seq, at, actor, action, note FROM callup_plan_actions WHERE plan_id = $1 ORDER BY seq',
    [id],
  );
  const entries = log.map((e) => ({ seq: Number(e.seq), at: new Date(e.at), actor: e.actor, action: e.action, note: e.note }));
  const removals = await planRemovals(q, id);
  return {
    id, orderId: r.order_id, version: Number(r.version), exercise: r.exercise, createdAt: new Date(r.created_at), createdBy: r.created_by,
    order: r.order_doc, report: r.report, log: entries, state: planState(entries),
    removals, shortfallAfterRemovals: r.report.totals.shortfall + removals.reduce((n, x) => n + x.removed, 0),
  };
}

/** The plan's record, report and action log (no personal data). */
export function getPlan(db: Db, ref: string): Promise<StoredPlan> {
  return db.transaction((tx) => loadPlan(tx, ref));
}

/** Approves, issues or withdraws a plan; approval must come from someone other than the author. */
export async function recordPlanAction(
  db: Db,
  ref: string,
  action: Exclude<PlanAction, 'draft'>,
  ctx: { actor: string; clock: Clock; note?: string },
): Promise<StoredPlan> {
  return db.transaction(async (tx) => {
    const plan = await loadPlan(tx, ref, true);
    applyAction(plan.log, action, ctx.actor);
    const at = ctx.clock.now();
    await tx.query('INSERT INTO callup_plan_actions (plan_id, seq, at, actor, action, note) VALUES ($1, $2, $3, $4, $5, $6)', [
      plan.id, plan.log.length + 1, at, ctx.actor, action, ctx.note ?? null,
    ]);
    await appendAudit(tx, { at, actor: ctx.actor, action: `callup.plan.${action}`, subject: `callup_plan:${plan.id}`, details: { note: ctx.note ?? null } });
    return loadPlan(tx, String(plan.id));
  });
}

export interface Assignment {
  iin: string;
  cell: number;
  homeRegion: string;
  tier: number;
  reserved: boolean;
  lotteryRank: number;
  travelKm: number;
}

/** The people a plan assigns (net of removals), by cell then lottery rank: personal data, so the read is audited. */
export async function planAssignments(db: Db, ref: string, ctx: { actor: string; at: Date; purpose: string }): Promise<Assignment[]> {
  return db.transaction(async (tx) => {
    const id = await resolvePlanId(tx, ref);
    const { rows } = await tx.query<{ iin: string; cell: number; home_region: string; tier: number; reserved: boolean; lottery_rank: number; travel_km: number }>(
      `SELECT iin, cell, home_region, tier, reserved, lottery_rank, travel_km FROM callup_assignments a WHERE plan_id = $1
          AND NOT EXISTS (SELECT 1 FROM callup_plan_removals r WHERE r.plan_id = a.plan_id AND r.iin = a.iin)
        ORDER BY cell, home_region, tier, lottery_rank`,
      [id],
    );
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'callup.plan.assignments.read', subject: `callup_plan:${id}`, details: { purpose: ctx.purpose, rows: rows.length } });
    return rows.map((r) => ({ iin: r.iin, cell: Number(r.cell), homeRegion: r.home_region, tier: Number(r.tier), reserved: r.reserved, lotteryRank: Number(r.lottery_rank), travelKm: Number(r.travel_km) }));
  });
}

export type { Cell };
