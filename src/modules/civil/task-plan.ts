import type { Db } from '../../db/client.ts';
import { appendAudit } from '../audit/index.ts';
import {
  buildArcs,
  heldByCallupSql,
  handOut,
  solveTransport,
  summarise,
  transportProblem,
  type AllocationOptions,
  type Arc,
  type Cell,
  type PersonClass,
} from '../callup/index.ts';
import type { CivilContext } from './context.ts';
import { applyTaskAction, type TaskState } from './task-workflow.ts';
import { assertRegionInArea, loadTask, type CivilTask, type TaskReport } from './tasks.ts';

const CIVIL_PLAN_LOCK = 7_221_011;

export const CIVIL_LOTTERY = 'within a class (home region × skill × volunteer first), ascending md5("<seed>:<IIN>")';

/**
 * The call-up planner's options for a civil task: volunteers before others (a step down costs as much as 500 km
 * of travel), no rule-based reservation class (reserved workers are exactly who civil tasks draw on), and the
 * territorial principle when the task asks for it; otherwise travel distance decides who goes.
 */
function options(territorial: boolean): AllocationOptions {
  return { territorial, allowReserved: true, priority: ['volunteer', 'rest'], priorityPenaltyKm: 500 };
}

/** One planner cell per task line: the skill plays the specialty's part, the task's region receives. */
export function taskCells(t: Pick<CivilTask, 'id' | 'region' | 'territorial' | 'lines'>): Cell[] {
  return t.lines.map((l, index) => ({ index, agency: t.id, specialty: l.skill, region: t.territorial ? t.region : null, receivingRegion: t.region, quota: l.count }));
}

interface PoolRow {
  iin: string;
  region: string;
  skill: string;
  tier: number;
  rank: number;
}

/**
 * Plans (or re-plans) a task with the call-up planner: people of the task's sector and skills who are not abroad
 * or serving a sentence, and not already holding a place in a live call-up plan or another live civil task, are
 * grouped into classes; the transport LP over classes (HiGHS) fills the lines at least travel; places go to
 * people within a class by the seeded lottery. Shortfall per line comes with the planner's reason.
 */
export async function planTask(db: Db, id: string, ctx: CivilContext): Promise<CivilTask> {
  return db.transaction(async (tx) => {
    // Civil tasks are planned one at a time, so two tasks planned at once cannot both take the same person. Read
    // committed, not repeatable read: the pool (one statement) must see what the previous planner committed.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CIVIL_PLAN_LOCK]);
    const t = await loadTask(tx, id, true);
    assertRegionInArea(ctx, t.region);
    applyTaskAction(t.log, 'plan', ctx.actor);
    const at = ctx.clock.now();
    await tx.query('DELETE FROM civil_task_assignments WHERE task_id = $1', [t.id]);
    const params: unknown[] = [t.sector, t.lines.map((l) => l.skill), t.seed, t.id];
    const { rows } = await tx.query<PoolRow>(
      `SELECT iin, region, skill, tier, row_number() OVER (PARTITION BY region, skill, tier ORDER BY md5($3 || ':' || iin), iin)::int AS rank
         FROM (SELECT p.iin, p.region, p.occupation AS skill, CASE WHEN p.volunteer THEN 0 ELSE 1 END AS tier
                 FROM persons p
                WHERE p.sector = $1 AND p.occupation = ANY($2::text[]) AND NOT p.resides_abroad AND NOT p.serving_sentence
                  ${t.territorial ? `AND p.region = $${params.push(t.region)}` : ''}
                  AND NOT ${heldByCallupSql('p.iin')}
                  AND NOT EXISTS (SELECT 1 FROM civil_task_assignments o WHERE o.iin = p.iin AND o.task_id <> $4
                                     AND NOT EXISTS (SELECT 1 FROM civil_task_actions w WHERE w.task_id = o.task_id AND w.action = 'withdraw'))) e`,
      params,
    );
    const byClass = new Map<string, PoolRow[]>();
    for (const r of rows) {
      const k = `${r.region}|${r.skill}|${r.tier}`;
      const list = byClass.get(k);
      if (list) list.push(r);
      else byClass.set(k, [r]);
    }
    const keys = [...byClass.keys()].sort();
    const classes: PersonClass[] = keys.map((k) => {
      const first = (byClass.get(k) as PoolRow[])[0] as PoolRow;
      return { region: first.region, specialty: first.skill, tier: Number(first.tier), reserved: false, count: (byClass.get(k) as PoolRow[]).length };
    });
    const cells = taskCells(t);
    const opts = options(t.territorial);
    const arcs = buildArcs(classes, cells, opts);
    const { flows } = await solveTransport(transportProblem(classes, cells, arcs));
    const allocation = summarise(classes, cells, arcs, flows, opts);

    const chosen: { iin: string; line: number; home_region: string; lottery_rank: number; travel_km: number }[] = [];
    for (const h of handOut(arcs, flows)) {
      const members = byClass.get(keys[h.classIndex] as string) as PoolRow[];
      for (const m of members) {
        if (m.rank >= h.fromRank && m.rank <= h.toRank) chosen.push({ iin: m.iin, line: h.cellIndex, home_region: m.region, lottery_rank: Number(m.rank), travel_km: (arcs[h.arc] as Arc).travelKm });
      }
    }
    if (chosen.length !== allocation.totals.filled) throw new Error(`civil task ${t.id}: ${chosen.length} people chosen for ${allocation.totals.filled} places filled`);
    if (chosen.length) {
      await tx.query(
        `INSERT INTO civil_task_assignments (task_id, iin, line, home_region, lottery_rank, travel_km)
         SELECT $1, c.iin, c.line, c.home_region, c.lottery_rank, c.travel_km
           FROM jsonb_to_recordset($2::jsonb) AS c(iin text, line int, home_region text, lottery_rank int, travel_km int)`,
        [t.id, JSON.stringify(chosen)],
      );
    }
    const { quota, filled, shortfall, travelKm } = allocation.totals;
    const report: TaskReport = { seed: t.seed, lottery: CIVIL_LOTTERY, plannedAt: at.toISOString(), cells: allocation.cells, totals: { quota, filled, shortfall, travelKm }, classes: classes.length };
    await tx.query('UPDATE civil_tasks SET report = $2 WHERE id = $1', [t.id, JSON.stringify(report)]);
    await tx.query('INSERT INTO civil_task_actions (task_id, seq, at, actor, action) VALUES ($1, $2, $3, $4, $5)', [t.id, t.log.length + 1, at, ctx.actor, 'plan']);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'civil.task.plan', subject: `civil_task:${t.id}`, details: { quota, filled, shortfall, seed: t.seed } });
    return loadTask(tx, t.id);
  });
}

export type { TaskState };
