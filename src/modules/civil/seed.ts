import type { Db } from '../../db/client.ts';
import { kzDate, type Clock } from '../../kernel/clock.ts';
import { unconfined } from './context.ts';
import { approveReservations, entryIssues, insertReservations, type NewReservation } from './reservations.ts';
import { planTask } from './task-plan.ts';
import { createTask, recordTaskAction } from './tasks.ts';

/** The region with the most people of a skill in a sector (ties to the lowest code); null when there are none. */
async function busiestRegion(db: Db, sector: string, skill: string): Promise<string | null> {
  const rows = await db.query<{ region: string }>('SELECT region FROM persons WHERE sector = $1 AND occupation = $2 GROUP BY region ORDER BY count(*) DESC, region LIMIT 1', [sector, skill]);
  return rows[0]?.region ?? null;
}

/**
 * Demo data for an empty civil tier, drawn deterministically from the seeded registry: a national task of 120
 * nurses for the region with most of them (planned and approved by a second person), a territorial task of 40
 * lorry drivers (planned, awaiting approval), and an approved reservation list of energy workers chosen by the
 * seed from those with an employer. Does nothing when a civil task exists already.
 */
export async function seedCivilDemo(db: Db, opts: { seed: number | string; clock: Clock; actor: string }): Promise<{ tasks: number; reservations: number }> {
  const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM civil_tasks');
  if (Number(n) > 0) return { tasks: 0, reservations: 0 };
  const author = unconfined(opts.actor, opts.clock);
  const second = unconfined(`${opts.actor}:approver`, opts.clock);
  const today = kzDate(opts.clock.now());
  const inDays = (d: number) => kzDate(new Date(opts.clock.now().getTime() + d * 86_400_000));
  let tasks = 0;

  const nurses = await busiestRegion(db, 'health', 'медицинская сестра');
  if (nurses) {
    await createTask(db, { id: 'demo-nurses', title: '120 медицинских сестёр в областную больницу', sector: 'health', region: nurses, due_date: inDays(14), lines: [{ skill: 'медицинская сестра', count: 120 }], seed: `demo:${opts.seed}` }, author);
    await planTask(db, 'demo-nurses', author);
    await recordTaskAction(db, 'demo-nurses', 'approve', second);
    tasks++;
  }
  const drivers = await busiestRegion(db, 'logistics', 'водитель грузового автомобиля');
  if (drivers) {
    await createTask(db, { id: 'demo-drivers', title: 'Водители для доставки топлива и продовольствия', sector: 'logistics', region: drivers, due_date: inDays(7), territorial: true, lines: [{ skill: 'водитель грузового автомобиля', count: 40 }, { skill: 'экспедитор', count: 10 }], seed: `demo:${opts.seed}` }, author);
    await planTask(db, 'demo-drivers', author);
    tasks++;
  }

  const picked = await db.query<{ iin: string; employer_bin: string }>(
    `SELECT iin, employer_bin FROM persons WHERE sector = 'energy' AND employer_bin IS NOT NULL ORDER BY md5($1 || ':' || iin), iin LIMIT 15`,
    [String(opts.seed)],
  );
  const entries: NewReservation[] = picked.map((p) => ({
    iin: p.iin, requester_kind: 'organisation', requester: p.employer_bin, list_name: 'energy-grid-operators', reason: 'оперативный персонал энергосистемы', valid_from: today, valid_to: inDays(365),
  }));
  const ids = await db.transaction(async (tx) => {
    const bad = new Set((await entryIssues(tx, entries, author)).map((i) => i.index));
    return insertReservations(tx, entries.filter((_, i) => !bad.has(i)), author, 'demo');
  });
  if (ids.length) await approveReservations(db, ids, second);
  return { tasks, reservations: ids.length };
}
