import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import type { AreaScope } from '../access/index.ts';
import { areaSql, asQuery, type Query, type TdContext } from './context.ts';
import { EndProtection, NewProtection, parseInput } from './schemas.ts';
import { loadUnit } from './units.ts';

export interface Protection {
  id: number;
  unitId: number;
  unitName: string;
  objectId: number;
  objectCode: string;
  objectName: string;
  criticality: number;
  region: string;
  shiftStrength: number;
  /** Set once the guard is stood down. */
  ended: { at: Date; by: string; reason: string } | null;
}

/**
 * Puts a unit on guard at an infrastructure object in its own region (a unit does not leave its region); an object
 * may be guarded by several units, a unit guards an object once. Inside the caller's transaction, so a guard task
 * and its assignment are written together.
 */
export async function assignProtectionTx(tx: Tx, unitRef: string | number, input: unknown, ctx: TdContext): Promise<Protection> {
  const p = parseInput(NewProtection, input, 'protection assignment');
  const unit = await loadUnit(tx, unitRef, ctx.area);
  const { rows } = await tx.query<{ id: number; region: string; code: string }>('SELECT id, region, code FROM infrastructure_objects WHERE id = $1', [p.objectId]);
  const obj = rows[0];
  if (!obj) throw new DomainError('TD_OBJECT_NOT_FOUND', `no infrastructure object ${p.objectId}`);
  if (obj.region !== unit.region) throw new DomainError('TD_OUT_OF_REGION', `object ${obj.code} is in ${obj.region}; unit ${unit.id} serves ${unit.region} only.`, { objectRegion: obj.region, unitRegion: unit.region });
  const { rows: dup } = await tx.query('SELECT 1 FROM td_protection WHERE unit_id = $1 AND object_id = $2 AND ended_at IS NULL', [unit.id, p.objectId]);
  if (dup.length) throw new DomainError('TD_ALREADY_GUARDING', `unit ${unit.id} already guards ${obj.code}`);
  // One shift at every object the unit guards is manned at once: together they cannot ask for more than the unit's
  // strength (its target, or its members once it has more), however many it has filled so far.
  const strength = Math.max(unit.strengthTarget, unit.members);
  const needed = unit.shiftStrength + p.shiftStrength;
  if (needed > strength) {
    throw new DomainError('TD_UNIT_TOO_SMALL', `unit ${unit.id} is ${strength} strong; guarding ${obj.code} with ${p.shiftStrength} a shift would need ${needed} on shift at once`, { strength, needed, shiftStrength: p.shiftStrength });
  }
  const at = ctx.clock.now();
  const { rows: ins } = await tx.query<{ id: number }>(
    'INSERT INTO td_protection (unit_id, object_id, shift_strength, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [unit.id, p.objectId, p.shiftStrength, at, ctx.actor],
  );
  const id = Number(ins[0]?.id);
  await appendAudit(tx, { at, actor: ctx.actor, action: 'td.protection.assign', subject: `td_protection:${id}`, details: { unitId: unit.id, objectId: p.objectId, shiftStrength: p.shiftStrength } });
  return (await protectionRows(tx, 'g.id = $1', [id]))[0] as Protection;
}

export function assignProtection(db: Db, unitRef: string | number, input: unknown, ctx: TdContext): Promise<Protection> {
  return db.transaction((tx) => assignProtectionTx(tx, unitRef, input, ctx));
}

async function protectionRows(q: Query, where: string, params: unknown[]): Promise<Protection[]> {
  const { rows } = await q.query<{ id: number; unit_id: number; unit_name: string; object_id: number; code: string; object_name: string; criticality: number; region: string; shift_strength: number; ended_at: Date | null; ended_by: string | null; end_reason: string | null }>(
    `SELECT g.id, g.unit_id, u.name AS unit_name, g.object_id, o.code, o.name AS object_name, o.criticality, o.region, g.shift_strength, g.ended_at, g.ended_by, g.end_reason
       FROM td_protection g JOIN td_units u ON u.id = g.unit_id JOIN infrastructure_objects o ON o.id = g.object_id
      WHERE ${where} ORDER BY o.region, o.criticality, o.code, u.name`,
    params,
  );
  return rows.map((r) => ({
    id: Number(r.id), unitId: Number(r.unit_id), unitName: r.unit_name, objectId: Number(r.object_id), objectCode: r.code, objectName: r.object_name, criticality: Number(r.criticality), region: r.region, shiftStrength: Number(r.shift_strength),
    ended: r.ended_at ? { at: new Date(r.ended_at), by: r.ended_by as string, reason: r.end_reason as string } : null,
  }));
}

/** Protection assignments standing at objects in an area (objects by their own region/district). */
export async function listProtection(db: Db, area: AreaScope): Promise<Protection[]> {
  const params: unknown[] = [];
  return protectionRows(asQuery(db), `g.ended_at IS NULL AND ${areaSql(area, 'o', params)}`, params);
}

/**
 * Stands a unit's guard at an object down, with the reason. Refused while a guard task for it is not done (the task
 * is the order to guard; finish it first), and for a guard at an object outside the actor's area or already ended.
 */
export async function endProtection(db: Db, id: number, input: unknown, ctx: TdContext): Promise<Protection> {
  const { reason } = parseInput(EndProtection, input, 'end of protection');
  if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('TD_PROTECTION_NOT_FOUND', `no standing protection assignment ${id}`);
  return db.transaction(async (tx) => {
    // The guard's object decides whose it is to end, as it decides whose list shows it (listProtection).
    const params: unknown[] = [id];
    const { rows } = await tx.query<{ unit_id: number }>(
      `SELECT g.unit_id FROM td_protection g JOIN infrastructure_objects o ON o.id = g.object_id
        WHERE g.id = $1 AND g.ended_at IS NULL AND ${areaSql(ctx.area, 'o', params)} FOR UPDATE OF g`,
      params,
    );
    const row = rows[0];
    if (!row) throw new DomainError('TD_PROTECTION_NOT_FOUND', `no standing protection assignment ${id} in your area`);
    const unit = { id: Number(row.unit_id) };
    const { rows: open } = await tx.query<{ id: number }>("SELECT id FROM td_tasks WHERE protection_id = $1 AND state <> 'done' ORDER BY id", [id]);
    if (open.length) throw new DomainError('TD_GUARD_TASK_OPEN', `guard task #${open.map((t) => t.id).join(', #')} of unit ${unit.id} is not done; finish it before standing the guard down`, { tasks: open.map((t) => Number(t.id)) });
    const at = ctx.clock.now();
    await tx.query('UPDATE td_protection SET ended_at = $2, ended_by = $3, end_reason = $4 WHERE id = $1', [id, at, ctx.actor, reason]);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'td.protection.end', subject: `td_protection:${id}`, details: { unitId: unit.id, reason } });
    return (await protectionRows(tx, 'g.id = $1', [id]))[0] as Protection;
  });
}

export interface UnprotectedObject {
  id: number;
  code: string;
  name: string;
  kind: string;
  region: string;
  district: string | null;
}

/** Objects of national importance (criticality 1) in an area that no unit guards, per region then code. */
export async function unprotectedCritical(db: Db, area: AreaScope): Promise<UnprotectedObject[]> {
  const params: unknown[] = [];
  const rows = await db.query<UnprotectedObject & { id: number }>(
    `SELECT o.id, o.code, o.name, o.kind, o.region, o.district FROM infrastructure_objects o
      WHERE o.criticality = 1 AND ${areaSql(area, 'o', params)} AND NOT EXISTS (SELECT 1 FROM td_protection g WHERE g.object_id = o.id AND g.ended_at IS NULL)
      ORDER BY o.region, o.code`,
    params,
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
