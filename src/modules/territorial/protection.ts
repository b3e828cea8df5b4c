import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import type { AreaScope } from '../access/index.ts';
import { areaSql, asQuery, type Query, type TdContext } from './context.ts';
import { NewProtection, parseInput } from './schemas.ts';
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
  const { rows: dup } = await tx.query('SELECT 1 FROM td_protection WHERE unit_id = $1 AND object_id = $2', [unit.id, p.objectId]);
  if (dup.length) throw new DomainError('TD_ALREADY_GUARDING', `unit ${unit.id} already guards ${obj.code}`);
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
  const { rows } = await q.query<{ id: number; unit_id: number; unit_name: string; object_id: number; code: string; object_name: string; criticality: number; region: string; shift_strength: number }>(
    `SELECT g.id, g.unit_id, u.name AS unit_name, g.object_id, o.code, o.name AS object_name, o.criticality, o.region, g.shift_strength
       FROM td_protection g JOIN td_units u ON u.id = g.unit_id JOIN infrastructure_objects o ON o.id = g.object_id
      WHERE ${where} ORDER BY o.region, o.criticality, o.code, u.name`,
    params,
  );
  return rows.map((r) => ({ id: Number(r.id), unitId: Number(r.unit_id), unitName: r.unit_name, objectId: Number(r.object_id), objectCode: r.code, objectName: r.object_name, criticality: Number(r.criticality), region: r.region, shiftStrength: Number(r.shift_strength) }));
}

/** Protection assignments at objects in an area (objects by their own region/district). */
export async function listProtection(db: Db, area: AreaScope): Promise<Protection[]> {
  const params: unknown[] = [];
  return protectionRows(asQuery(db), areaSql(area, 'o', params), params);
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
      WHERE o.criticality = 1 AND ${areaSql(area, 'o', params)} AND NOT EXISTS (SELECT 1 FROM td_protection g WHERE g.object_id = o.id)
      ORDER BY o.region, o.code`,
    params,
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
