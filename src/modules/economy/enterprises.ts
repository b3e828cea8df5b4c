import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { assertValidBin, regions } from '../registry/index.ts';
import { BinText, CAPACITY_UNIT, CapacityKind, RegionCode, Subtype, parseInput, type EconomyContext, type EconomyScope } from './vocab.ts';

type Q = Pick<Tx, 'query'>;

export interface Enterprise {
  bin: string;
  name: string;
  region: string | null;
  sector: string | null;
}

export interface CapacityLine {
  kind: CapacityKind;
  subtype: string;
  quantity: number;
  unit: string;
  places: number | null;
  region: string;
  location: string | null;
  /** Committed to tasks not declined, over all lines of this kind and subtype of the enterprise. */
  committed: number;
  updatedAt: string;
  updatedBy: string;
}

export const NewEnterprise = z.object({
  bin: BinText,
  name: z.string().trim().min(1).max(300),
  region: RegionCode,
  sector: z.string().trim().min(1).max(100).optional(),
}).strict();

export const CapacityInput = z.object({
  bin: BinText,
  kind: CapacityKind,
  subtype: Subtype,
  quantity: z.number().int().min(0).max(1e12),
  unit: z.string().optional(),
  places: z.number().int().min(0).max(1e7).optional(),
  region: RegionCode,
  location: z.string().trim().min(1).max(300).optional(),
}).strict().superRefine((c, ctx) => {
  if (c.unit !== undefined && c.unit !== CAPACITY_UNIT[c.kind]) ctx.addIssue({ code: 'custom', path: ['unit'], message: `${c.kind} are counted in ${CAPACITY_UNIT[c.kind]}` });
  if (c.places !== undefined && c.kind !== 'buildings') ctx.addIssue({ code: 'custom', path: ['places'], message: 'places (beds) apply to buildings only' });
});
export type CapacityInput = z.infer<typeof CapacityInput>;

export function assertRegion(iso: string, field = 'region'): void {
  if (!regions().some((r) => r.iso === iso)) throw new DomainError('ECONOMY_UNKNOWN_REGION', `${field} ${iso} is not a region of Kazakhstan`, { region: iso });
}

const unknown = (bin: string): never => {
  throw new DomainError('ECONOMY_UNKNOWN_ENTERPRISE', `no enterprise with BIN ${bin} that you may see`, { bin });
};

/** SQL condition on an `organisations` row aliased `o` for the enterprises a scope covers. */
export function enterpriseScopeSql(scope: EconomyScope, params: unknown[], alias = 'o'): string {
  const parts = [`${alias}.kind = 'enterprise'`];
  if (scope.bin) parts.push(`${alias}.bin = $${params.push(scope.bin)}`);
  if (scope.region) parts.push(`${alias}.region = $${params.push(scope.region)}`);
  return parts.join(' AND ');
}

/**
 * The enterprise if the scope covers it; an enterprise out of scope is refused exactly as one that does not exist,
 * so an officer learns nothing about other enterprises. `lock` holds it for the transaction (capacity checks).
 */
export async function visibleEnterprise(q: Q, bin: string, scope: EconomyScope, opts: { lock?: boolean } = {}): Promise<Enterprise> {
  assertValidBin(bin);
  const params: unknown[] = [bin];
  const { rows } = await q.query<Enterprise>(`SELECT o.bin, o.name, o.region, o.sector FROM organisations o WHERE o.bin = $1 AND ${enterpriseScopeSql(scope, params)}${opts.lock ? ' FOR UPDATE' : ''}`, params);
  return rows[0] ?? unknown(bin);
}

/** Registers an organisation as an enterprise of the economic tier (a new row, or an existing organisation kept). */
export async function registerEnterprise(db: Db, input: unknown, ctx: EconomyContext): Promise<Enterprise> {
  const e = parseInput(NewEnterprise, input, 'an enterprise: {"bin", "name", "region", "sector"?}');
  assertValidBin(e.bin);
  assertRegion(e.region);
  if (ctx.scope.bin || (ctx.scope.region && ctx.scope.region !== e.region)) throw new DomainError('ACCESS_OUT_OF_SCOPE', `${ctx.actor} may not register an enterprise in ${e.region}`);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ kind: string }>('SELECT kind FROM organisations WHERE bin = $1', [e.bin]);
    if (rows[0] && rows[0].kind !== 'enterprise') throw new DomainError('ECONOMY_NOT_ENTERPRISE', `BIN ${e.bin} belongs to an organisation of kind ${rows[0].kind}`);
    if (rows[0]) throw new DomainError('ECONOMY_ENTERPRISE_EXISTS', `an enterprise with BIN ${e.bin} is already registered`);
    await tx.query("INSERT INTO organisations (bin, name, kind, region, sector, created_at, updated_at) VALUES ($1, $2, 'enterprise', $3, $4, $5, $5)", [e.bin, e.name, e.region, e.sector ?? null, ctx.at]);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'economy.enterprise.register', subject: `enterprise:${e.bin}`, details: { name: e.name, region: e.region, sector: e.sector ?? null } });
    return { bin: e.bin, name: e.name, region: e.region, sector: e.sector ?? null };
  });
}

export interface EnterpriseSummary extends Enterprise {
  /** Declared quantity per capacity kind (vehicles in units, fuel t/day, production units/day, buildings m²). */
  declared: Record<CapacityKind, number>;
  /** Tasks neither declined nor fulfilled. */
  openTasks: number;
}

export async function listEnterprises(db: Db, scope: EconomyScope, filter: { region?: string } = {}): Promise<EnterpriseSummary[]> {
  const params: unknown[] = [];
  const where = [enterpriseScopeSql(scope, params)];
  if (filter.region) where.push(`o.region = $${params.push(filter.region)}`);
  const rows = await db.query<Enterprise & { vehicles: number; fuel: number; production: number; buildings: number; open_tasks: number }>(
    `SELECT o.bin, o.name, o.region, o.sector,
            coalesce(sum(c.quantity) FILTER (WHERE c.kind = 'vehicles'), 0)::bigint AS vehicles,
            coalesce(sum(c.quantity) FILTER (WHERE c.kind = 'fuel'), 0)::bigint AS fuel,
            coalesce(sum(c.quantity) FILTER (WHERE c.kind = 'production'), 0)::bigint AS production,
            coalesce(sum(c.quantity) FILTER (WHERE c.kind = 'buildings'), 0)::bigint AS buildings,
            (SELECT count(*)::int FROM economy_tasks t WHERE t.bin = o.bin
               AND NOT EXISTS (SELECT 1 FROM economy_task_actions a WHERE a.task_id = t.id AND a.action = 'decline')
               AND coalesce((SELECT sum(a.quantity) FROM economy_task_actions a WHERE a.task_id = t.id AND a.action = 'progress'), 0) < t.quantity) AS open_tasks
       FROM organisations o LEFT JOIN economy_capacities c ON c.bin = o.bin
      WHERE ${where.join(' AND ')}
      GROUP BY o.bin, o.name, o.region, o.sector ORDER BY o.region, o.name, o.bin LIMIT 1000`,
    params,
  );
  return rows.map((r) => ({ bin: r.bin, name: r.name, region: r.region, sector: r.sector, declared: { vehicles: Number(r.vehicles), fuel: Number(r.fuel), production: Number(r.production), buildings: Number(r.buildings) }, openTasks: r.open_tasks }));
}

/** Quantity committed to the enterprise's tasks of this kind and subtype that were not declined. */
export async function committed(q: Q, bin: string, kind: string, subtype: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT coalesce(sum(t.quantity), 0)::bigint AS n FROM economy_tasks t
      WHERE t.bin = $1 AND t.kind = $2 AND t.subtype = $3
        AND NOT EXISTS (SELECT 1 FROM economy_task_actions a WHERE a.task_id = t.id AND a.action = 'decline')`,
    [bin, kind, subtype],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Declared capacity of this kind and subtype over all the enterprise's lines (every region). */
export async function declared(q: Q, bin: string, kind: string, subtype: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>('SELECT coalesce(sum(quantity), 0)::bigint AS n FROM economy_capacities WHERE bin = $1 AND kind = $2 AND subtype = $3', [bin, kind, subtype]);
  return Number(rows[0]?.n ?? 0);
}

export async function capacitiesOf(q: Q, bin: string): Promise<CapacityLine[]> {
  const { rows } = await q.query<{ kind: CapacityKind; subtype: string; quantity: number; unit: string; places: number | null; region: string; location: string | null; updated_at: Date; updated_by: string; committed: number }>(
    `SELECT c.*, (SELECT coalesce(sum(t.quantity), 0)::bigint FROM economy_tasks t WHERE t.bin = c.bin AND t.kind = c.kind AND t.subtype = c.subtype
                    AND NOT EXISTS (SELECT 1 FROM economy_task_actions a WHERE a.task_id = t.id AND a.action = 'decline')) AS committed
       FROM economy_capacities c WHERE c.bin = $1 ORDER BY c.kind, c.subtype, c.region`,
    [bin],
  );
  return rows.map((r) => ({ kind: r.kind, subtype: r.subtype, quantity: Number(r.quantity), unit: r.unit, places: r.places, region: r.region, location: r.location, committed: Number(r.committed), updatedAt: new Date(r.updated_at).toISOString(), updatedBy: r.updated_by }));
}

/**
 * Writes one capacity line in the caller's transaction (the enterprise already checked and locked): a new line, or a
 * new quantity for an existing (kind, subtype, region). A declaration below what tasks already hold is refused.
 */
export async function writeCapacity(tx: Tx, c: CapacityInput, ctx: EconomyContext): Promise<void> {
  const { rows } = await tx.query<{ quantity: number }>('SELECT quantity FROM economy_capacities WHERE bin = $1 AND kind = $2 AND subtype = $3 AND region = $4', [c.bin, c.kind, c.subtype, c.region]);
  const before = rows[0] ? Number(rows[0].quantity) : 0;
  const total = (await declared(tx, c.bin, c.kind, c.subtype)) - before + c.quantity;
  const held = await committed(tx, c.bin, c.kind, c.subtype);
  if (total < held) {
    throw new DomainError('ECONOMY_CAPACITY_BELOW_COMMITTED', `${c.subtype} ${c.kind} of ${c.bin} would total ${total} ${CAPACITY_UNIT[c.kind]} but tasks already hold ${held}; decline or finish tasks first`, { declared: total, committed: held });
  }
  await tx.query(
    `INSERT INTO economy_capacities (bin, kind, subtype, quantity, unit, places, region, location, updated_at, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (bin, kind, subtype, region) DO UPDATE SET quantity = EXCLUDED.quantity, places = EXCLUDED.places, location = EXCLUDED.location, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
    [c.bin, c.kind, c.subtype, c.quantity, CAPACITY_UNIT[c.kind], c.places ?? null, c.region, c.location ?? null, ctx.at, ctx.actor],
  );
  await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'economy.capacity.set', subject: `enterprise:${c.bin}`, details: { kind: c.kind, subtype: c.subtype, region: c.region, from: rows[0] ? before : null, to: c.quantity, places: c.places ?? null } });
}

export async function setCapacity(db: Db, input: unknown, ctx: EconomyContext): Promise<CapacityLine[]> {
  const c = parseInput(CapacityInput, input, 'a capacity line: {"bin", "kind", "subtype", "quantity", "region", ...}');
  assertRegion(c.region);
  return db.transaction(async (tx) => {
    await visibleEnterprise(tx, c.bin, ctx.scope, { lock: true });
    await writeCapacity(tx, c, ctx);
    return capacitiesOf(tx, c.bin);
  });
}
