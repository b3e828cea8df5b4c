import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { areaSql, asQuery, assertInArea, assertRegion, parseId, type Query, type TdContext } from './context.ts';
import { NewUnit, parseInput } from './schemas.ts';
import type { AreaScope } from '../access/index.ts';

export interface Unit {
  id: number;
  name: string;
  region: string;
  district: string | null;
  kind: string;
  strengthTarget: number;
  members: number;
  volunteers: number;
  reservists: number;
  /** Objects the unit guards and the people it puts on each shift in all. */
  objectsGuarded: number;
  shiftStrength: number;
}

const UNIT_SELECT = `
  SELECT u.id, u.name, u.region, u.district, u.kind, u.strength_target,
         (SELECT count(*) FROM td_members m WHERE m.unit_id = u.id)::int AS members,
         (SELECT count(*) FROM td_members m WHERE m.unit_id = u.id AND m.basis = 'volunteer')::int AS volunteers,
         (SELECT count(*) FROM td_protection g WHERE g.unit_id = u.id AND g.ended_at IS NULL)::int AS objects_guarded,
         (SELECT coalesce(sum(g.shift_strength), 0) FROM td_protection g WHERE g.unit_id = u.id AND g.ended_at IS NULL)::int AS shift_strength
    FROM td_units u`;

interface UnitRow { id: number; name: string; region: string; district: string | null; kind: string; strength_target: number; members: number; volunteers: number; objects_guarded: number; shift_strength: number }

const toUnit = (r: UnitRow): Unit => ({
  id: Number(r.id), name: r.name, region: r.region, district: r.district, kind: r.kind, strengthTarget: Number(r.strength_target),
  members: Number(r.members), volunteers: Number(r.volunteers), reservists: Number(r.members) - Number(r.volunteers),
  objectsGuarded: Number(r.objects_guarded), shiftStrength: Number(r.shift_strength),
});

export async function createUnit(db: Db, input: unknown, ctx: TdContext): Promise<Unit> {
  const u = parseInput(NewUnit, input, 'territorial-defence unit');
  assertInArea(ctx.area, u.region, u.district ?? null, `unit "${u.name}"`);
  return db.transaction(async (tx) => {
    const { rows: clash } = await tx.query('SELECT 1 FROM td_units WHERE region = $1 AND name = $2', [u.region, u.name]);
    if (clash.length) throw new DomainError('TD_UNIT_EXISTS', `${u.region} already has a unit named "${u.name}".`);
    await assertRegion(tx, u.region);
    const at = ctx.clock.now();
    const { rows } = await tx.query<{ id: number }>(
      'INSERT INTO td_units (name, region, district, kind, strength_target, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
      [u.name, u.region, u.district ?? null, u.kind, u.strengthTarget, at, ctx.actor],
    );
    const id = Number(rows[0]?.id);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'td.unit.create', subject: `td_unit:${id}`, details: { ...u } });
    return loadUnit(tx, id, ctx.area);
  });
}

/** A unit within the actor's area; one outside it answers like one that does not exist. */
export async function loadUnit(q: Query, ref: string | number, area: AreaScope): Promise<Unit> {
  const id = parseId(ref, 'TD_UNIT_NOT_FOUND', 'unit');
  const { rows } = await q.query<UnitRow>(`${UNIT_SELECT} WHERE u.id = $1`, [id]);
  const row = rows[0];
  if (!row) throw new DomainError('TD_UNIT_NOT_FOUND', `no territorial-defence unit ${id}`);
  try {
    assertInArea(area, row.region, row.district, `unit ${id}`);
  } catch {
    throw new DomainError('TD_UNIT_NOT_FOUND', `no territorial-defence unit ${id} in your area`);
  }
  return toUnit(row);
}

export function getUnit(db: Db, ref: string, ctx: Pick<TdContext, 'area'>): Promise<Unit> {
  return loadUnit(asQuery(db), ref, ctx.area);
}

/** Units in an area with their strength against target; aggregates only, no personal data. */
export async function listUnits(db: Db, area: AreaScope): Promise<Unit[]> {
  const params: unknown[] = [];
  const rows = await db.query<UnitRow>(`${UNIT_SELECT} WHERE ${areaSql(area, 'u', params)} ORDER BY u.region, u.district NULLS FIRST, u.name`, params);
  return rows.map(toUnit);
}
