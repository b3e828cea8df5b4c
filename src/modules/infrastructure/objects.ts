import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { idProblem, regions } from '../registry/index.ts';
import { assertRegionInScope, objectScopeSql, type InfraContext, type InfraScope } from './scope.ts';
import { rowsOf } from './rows.ts';

export const OBJECT_KINDS = ['energy', 'pipeline', 'telecom', 'transport', 'water', 'other'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** 1 national, 2 regional, 3 local importance. */
export const CRITICALITY = [1, 2, 3] as const;

// A generous box around Kazakhstan: a point outside it is a typo (swapped or unsigned coordinates), not a site.
const LAT = [40.5, 55.5] as const;
const LON = [46.4, 87.4] as const;

const BIN_TEXT: Record<string, string> = {
  length: 'must be exactly 12 digits',
  non_digit: 'must contain digits only',
  no_check_digit: 'no valid check digit exists for its first 11 digits',
  check_digit: 'wrong check digit',
};

/** One object as an API body, CLI file or CSV row gives it (camelCase); shared by create, update and import. */
export const ObjectInput = z
  .object({
    code: z.string().trim().regex(/^[A-Z0-9][A-Z0-9-]{2,39}$/, 'upper-case letters, digits and dashes, 3 to 40 characters'),
    name: z.string().trim().min(3).max(200),
    kind: z.enum(OBJECT_KINDS),
    region: z.string().trim().refine((r) => regions().some((x) => x.iso === r), 'not a region code (see GET /api/reference)'),
    district: z.string().trim().min(1).max(40).nullable().default(null),
    operatorBin: z.string().trim().superRefine((bin, ctx) => {
      const p = idProblem(bin);
      if (p) ctx.addIssue({ code: 'custom', message: `BIN ${BIN_TEXT[p]}` });
      // 5th digit: 4 resident legal entity, 5 non-resident, 6 joint individual entrepreneur (DOMAIN.md).
      else if (!'456'.includes(bin[4] as string)) ctx.addIssue({ code: 'custom', message: 'BIN 5th digit must be 4, 5 or 6 (an organisation)' });
    }),
    criticality: z.number().int().min(1).max(3),
    lat: z.number().min(LAT[0]).max(LAT[1]).nullable().default(null),
    lon: z.number().min(LON[0]).max(LON[1]).nullable().default(null),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.district && !o.district.startsWith(`${o.region}-`)) ctx.addIssue({ code: 'custom', path: ['district'], message: `district must belong to region ${o.region} (${o.region}-…)` });
    if ((o.lat === null) !== (o.lon === null)) ctx.addIssue({ code: 'custom', path: [o.lat === null ? 'lat' : 'lon'], message: 'give both lat and lon or neither' });
  });
export type ObjectInput = z.infer<typeof ObjectInput>;

/** The changeable fields of an object; its code is its identity and never changes. */
export const ObjectPatch = z
  .object({
    name: z.string().trim().min(3).max(200),
    kind: z.enum(OBJECT_KINDS),
    district: z.string().trim().min(1).max(40).nullable(),
    operatorBin: z.string(),
    criticality: z.number().int().min(1).max(3),
    lat: z.number().nullable(),
    lon: z.number().nullable(),
  })
  .partial()
  .strict();
export type ObjectPatch = z.infer<typeof ObjectPatch>;

export interface InfrastructureObject {
  id: number;
  code: string;
  name: string;
  kind: ObjectKind;
  region: string;
  district: string | null;
  operatorBin: string;
  criticality: number;
  lat: number | null;
  lon: number | null;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date | null;
  updatedBy: string | null;
}

const COLUMNS = 'o.id, o.code, o.name, o.kind, o.region, o.district, o.operator_bin, o.criticality, o.lat, o.lon, o.created_at, o.created_by, o.updated_at, o.updated_by';
type Row = Record<string, unknown>;

function fromRow(r: Row): InfrastructureObject {
  return {
    id: Number(r.id), code: String(r.code), name: String(r.name), kind: r.kind as ObjectKind, region: String(r.region),
    district: (r.district as string | null) ?? null, operatorBin: String(r.operator_bin), criticality: Number(r.criticality),
    lat: r.lat === null ? null : Number(r.lat), lon: r.lon === null ? null : Number(r.lon),
    createdAt: new Date(r.created_at as string), createdBy: String(r.created_by),
    updatedAt: r.updated_at ? new Date(r.updated_at as string) : null, updatedBy: (r.updated_by as string | null) ?? null,
  };
}

export function parseObjectInput(value: unknown): ObjectInput {
  const r = ObjectInput.safeParse(value);
  if (r.success) return r.data;
  throw new DomainError('INFRA_INVALID_OBJECT', r.error.issues.map((i) => `${i.path.join('.') || '(object)'}: ${i.message}`).join('; '), { issues: r.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })) });
}

/** Inserts objects already validated, inside the caller's transaction; a taken code is reported with the code. */
export async function insertObjects(tx: Tx, objects: readonly ObjectInput[], ctx: InfraContext): Promise<number[]> {
  const ids: number[] = [];
  for (const o of objects) {
    assertRegionInScope(ctx.scope, o.region);
    const taken = await tx.query('SELECT 1 FROM infrastructure_objects WHERE code = $1', [o.code]);
    if (taken.rows.length) throw new DomainError('INFRA_DUPLICATE_CODE', `An object with code ${o.code} is already registered.`, { code: o.code });
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO infrastructure_objects (code, name, kind, region, district, operator_bin, criticality, lat, lon, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [o.code, o.name, o.kind, o.region, o.district, o.operatorBin, o.criticality, o.lat, o.lon, ctx.at, ctx.actor],
    );
    ids.push(Number(rows[0]?.id));
  }
  return ids;
}

export async function createObject(db: Db, input: unknown, ctx: InfraContext): Promise<InfrastructureObject> {
  const o = parseObjectInput(input);
  const id = await db.transaction(async (tx) => {
    const [id] = await insertObjects(tx, [o], ctx);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'infra.object.create', subject: `infra-object:${o.code}`, details: { ...o } });
    return id as number;
  });
  return (await getInfrastructureObject(db, id)) as InfrastructureObject;
}

/** Changes an object's fields (not its code or region: moving an object is registering another one). */
export async function updateObject(db: Db, id: number, patch: unknown, ctx: InfraContext): Promise<InfrastructureObject> {
  const p = ObjectPatch.safeParse(patch);
  if (!p.success) throw new DomainError('INFRA_INVALID_OBJECT', p.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
  await db.transaction(async (tx) => {
    const params: unknown[] = [id];
    const { rows } = await tx.query<Row>(`SELECT ${COLUMNS} FROM infrastructure_objects o WHERE o.id = $1 AND ${objectScopeSql(ctx.scope, 'o', params)} FOR UPDATE`, params);
    const row = rows[0];
    if (!row) throw new DomainError('INFRA_OBJECT_NOT_FOUND', `No infrastructure object ${id} that you may change.`);
    const before = fromRow(row);
    const merged = parseObjectInput({
      code: before.code, name: before.name, kind: before.kind, region: before.region, district: before.district, operatorBin: before.operatorBin,
      criticality: before.criticality, lat: before.lat, lon: before.lon, ...p.data,
    });
    const changes: Record<string, [unknown, unknown]> = {};
    for (const k of Object.keys(p.data) as (keyof ObjectPatch)[]) if (before[k] !== merged[k]) changes[k] = [before[k], merged[k]];
    if (Object.keys(changes).length === 0) return;
    await tx.query(
      `UPDATE infrastructure_objects SET name = $2, kind = $3, district = $4, operator_bin = $5, criticality = $6, lat = $7, lon = $8, updated_at = $9, updated_by = $10 WHERE id = $1`,
      [id, merged.name, merged.kind, merged.district, merged.operatorBin, merged.criticality, merged.lat, merged.lon, ctx.at, ctx.actor],
    );
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'infra.object.update', subject: `infra-object:${before.code}`, details: { changes } });
  });
  return (await getInfrastructureObject(db, id)) as InfrastructureObject;
}

/** One object by id, or null; with a scope, an object outside it is null as if it did not exist. */
export async function getInfrastructureObject(db: Db | Tx, id: number, scope?: InfraScope): Promise<InfrastructureObject | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const params: unknown[] = [id];
  const where = scope ? ` AND ${objectScopeSql(scope, 'o', params)}` : '';
  const sql = `SELECT ${COLUMNS} FROM infrastructure_objects o WHERE o.id = $1${where}`;
  const rows = await rowsOf<Row>(db, sql, params);
  return rows[0] ? fromRow(rows[0]) : null;
}

export const ObjectQuery = z
  .object({
    region: z.string().optional(),
    district: z.string().optional(),
    kind: z.enum(OBJECT_KINDS).optional(),
    criticality: z.coerce.number().int().min(1).max(3).optional(),
    operatorBin: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .strict();
export type ObjectQuery = z.input<typeof ObjectQuery>;

/** Objects in scope by region, kind and code; a filter for another region than the scope's is refused. */
export async function listInfrastructureObjects(db: Db, query: ObjectQuery, scope: InfraScope): Promise<InfrastructureObject[]> {
  const q = ObjectQuery.parse(query);
  if (q.region) assertRegionInScope(scope, q.region);
  if (scope.district && q.district && q.district !== scope.district) throw new DomainError('ACCESS_OUT_OF_SCOPE', `You work in district ${scope.district}.`);
  const params: unknown[] = [];
  const where = [objectScopeSql(scope, 'o', params)];
  if (q.region) where.push(`o.region = $${params.push(q.region)}`);
  if (q.district) where.push(`o.district = $${params.push(q.district)}`);
  if (q.kind) where.push(`o.kind = $${params.push(q.kind)}`);
  if (q.criticality) where.push(`o.criticality = $${params.push(q.criticality)}`);
  if (q.operatorBin) where.push(`o.operator_bin = $${params.push(q.operatorBin)}`);
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM infrastructure_objects o WHERE ${where.join(' AND ')} ORDER BY o.region, o.kind, o.code LIMIT ${q.limit}`, params);
  return rows.map(fromRow);
}
