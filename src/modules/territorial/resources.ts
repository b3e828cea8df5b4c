import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import type { AreaScope } from '../access/index.ts';
import { areaSql, assertInArea, assertRegion, type TdContext } from './context.ts';
import { NewShelter, NewTransport, parseInput } from './schemas.ts';

/** Shelters and evacuation transport: the capacities an evacuation plan is checked against. */
export interface Shelter { id: number; name: string; region: string; district: string; capacity: number }
export interface Transport { id: number; label: string; region: string; district: string; vehicles: number; seats: number; tripsPerDay: number }

export async function addShelter(db: Db, input: unknown, ctx: TdContext): Promise<Shelter> {
  const s = parseInput(NewShelter, input, 'shelter');
  assertInArea(ctx.area, s.region, s.district, `shelter "${s.name}"`);
  return db.transaction(async (tx) => {
    await assertRegion(tx, s.region);
    const at = ctx.clock.now();
    const { rows } = await tx.query<{ id: number }>(
      'INSERT INTO td_shelters (name, region, district, capacity, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (district, name) DO NOTHING RETURNING id',
      [s.name, s.region, s.district, s.capacity, at, ctx.actor],
    );
    if (!rows[0]) throw new DomainError('TD_SHELTER_EXISTS', `${s.district} already has a shelter named "${s.name}"`);
    const id = Number(rows[0].id);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'td.shelter.add', subject: `td_shelter:${id}`, details: { ...s } });
    return { id, ...s };
  });
}

export async function addTransport(db: Db, input: unknown, ctx: TdContext): Promise<Transport> {
  const t = parseInput(NewTransport, input, 'transport');
  assertInArea(ctx.area, t.region, t.district, `transport "${t.label}"`);
  return db.transaction(async (tx) => {
    await assertRegion(tx, t.region);
    const at = ctx.clock.now();
    const { rows } = await tx.query<{ id: number }>(
      'INSERT INTO td_transport (label, region, district, vehicles, seats, trips_per_day, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id',
      [t.label, t.region, t.district, t.vehicles, t.seats, t.tripsPerDay, at, ctx.actor],
    );
    const id = Number(rows[0]?.id);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'td.transport.add', subject: `td_transport:${id}`, details: { ...t } });
    return { id, ...t };
  });
}

export async function listShelters(db: Db, area: AreaScope): Promise<Shelter[]> {
  const params: unknown[] = [];
  const rows = await db.query<Shelter>(`SELECT id, name, region, district, capacity FROM td_shelters s WHERE ${areaSql(area, 's', params)} ORDER BY region, district, name`, params);
  return rows.map((r) => ({ ...r, id: Number(r.id), capacity: Number(r.capacity) }));
}

export async function listTransport(db: Db, area: AreaScope): Promise<Transport[]> {
  const params: unknown[] = [];
  const rows = await db.query<{ id: number; label: string; region: string; district: string; vehicles: number; seats: number; trips_per_day: string }>(
    `SELECT id, label, region, district, vehicles, seats, trips_per_day FROM td_transport t WHERE ${areaSql(area, 't', params)} ORDER BY region, district, label`,
    params,
  );
  return rows.map((r) => ({ id: Number(r.id), label: r.label, region: r.region, district: r.district, vehicles: Number(r.vehicles), seats: Number(r.seats), tripsPerDay: Number(r.trips_per_day) }));
}
