import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { removeFromOpenPlans, type RemovalOutcome } from '../callup/index.ts';
import { describeIdProblem, idProblem } from '../registry/index.ts';
import { parseQuery, type CivilContext } from './context.ts';

const isoDate = z.iso.date('must be a calendar date YYYY-MM-DD');

/** One named person an organisation (by BIN) or an agency (by code) asks to keep out of military call-up. */
export const NewReservation = z
  .object({
    iin: z.string().regex(/^\d{12}$/, 'must be 12 digits'),
    requester_kind: z.enum(['organisation', 'agency']),
    /** The organisation's BIN or the agency's code. */
    requester: z.string().trim().min(1).max(100),
    list_name: z.string().trim().min(1).max(200),
    reason: z.string().trim().min(3, 'must say why (at least 3 characters)').max(1000),
    valid_from: isoDate,
    valid_to: isoDate,
  })
  .strict();
export type NewReservation = z.infer<typeof NewReservation>;

export interface EntryIssue {
  /** Index of the entry in the batch. */
  index: number;
  field: string;
  reason: string;
}

/**
 * Every problem of a batch, checked against the registry (the person exists and is within the caller's reach),
 * the caller's organisation, live reservations and the batch itself; nothing is written here.
 */
export async function entryIssues(tx: Pick<Tx, 'query'>, entries: readonly NewReservation[], ctx: CivilContext): Promise<EntryIssue[]> {
  const issues: EntryIssue[] = [];
  const params: unknown[] = [entries.map((e) => e.iin)];
  const { rows } = await tx.query<{ iin: string }>(`SELECT p.iin FROM persons p WHERE p.iin = ANY($1::text[]) AND ${ctx.scope('p', params)}`, params);
  const visible = new Set(rows.map((r) => r.iin));
  const { rows: live } = await tx.query<{ iin: string; requester: string }>('SELECT iin, requester FROM civil_reservations WHERE iin = ANY($1::text[]) AND revoked_at IS NULL', [entries.map((e) => e.iin)]);
  const liveKeys = new Set(live.map((r) => `${r.iin}|${r.requester}`));
  const seen = new Map<string, number>();
  entries.forEach((e, index) => {
    const iinProblem = idProblem(e.iin);
    if (iinProblem) issues.push({ index, field: 'iin', reason: `not a valid IIN: ${describeIdProblem(iinProblem)}` });
    else if (!visible.has(e.iin)) issues.push({ index, field: 'iin', reason: `no person with IIN ${e.iin} in the registry that you may reserve` });
    if (e.requester_kind === 'organisation') {
      const binProblem = idProblem(e.requester);
      if (binProblem) issues.push({ index, field: 'requester', reason: `not a valid BIN: ${describeIdProblem(binProblem)}` });
    } else if (!/^[a-z][a-z0-9_-]*$/.test(e.requester)) {
      issues.push({ index, field: 'requester', reason: 'an agency is named by its lowercase code, e.g. "emergencies"' });
    }
    if (ctx.employerBin && (e.requester_kind !== 'organisation' || e.requester !== ctx.employerBin)) {
      issues.push({ index, field: 'requester', reason: `you reserve for your own organisation only (BIN ${ctx.employerBin})` });
    }
    if (e.valid_to < e.valid_from) issues.push({ index, field: 'valid_to', reason: `is before valid_from ${e.valid_from}` });
    const key = `${e.iin}|${e.requester}`;
    if (liveKeys.has(key)) issues.push({ index, field: 'iin', reason: `${e.iin} already has a live reservation from ${e.requester}; revoke it first` });
    const earlier = seen.get(key);
    if (earlier !== undefined) issues.push({ index, field: 'iin', reason: `repeats entry ${earlier + 1} (same person and requester)` });
    else seen.set(key, index);
  });
  return issues;
}

/** Writes a checked batch as pending reservations, each with its audit entry; returns their ids. */
export async function insertReservations(tx: Tx, entries: readonly NewReservation[], ctx: CivilContext, via: string): Promise<number[]> {
  const at = ctx.clock.now();
  const ids: number[] = [];
  for (const e of entries) {
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO civil_reservations (iin, requester_kind, requester, list_name, reason, valid_from, valid_to, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [e.iin, e.requester_kind, e.requester, e.list_name, e.reason, e.valid_from, e.valid_to, at, ctx.actor],
    );
    const id = Number((rows[0] as { id: number }).id);
    ids.push(id);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'civil.reservation.add', subject: `civil_reservation:${id}`, details: { iin: e.iin, requester: e.requester, list: e.list_name, from: e.valid_from, to: e.valid_to, via } });
  }
  return ids;
}

/** Asks for one reservation; it takes effect once a second person approves it. */
export async function addReservation(db: Db, input: unknown, ctx: CivilContext): Promise<Reservation> {
  const e = parseQuery(NewReservation, input, 'CIVIL_RESERVATION_INVALID');
  return db.transaction(async (tx) => {
    const issues = await entryIssues(tx, [e], ctx);
    if (issues.length) {
      const notFound = issues.every((i) => i.field === 'iin' && i.reason.startsWith('no person'));
      throw new DomainError(notFound ? 'CIVIL_PERSON_NOT_FOUND' : 'CIVIL_RESERVATION_INVALID', issues.map((i) => `${i.field}: ${i.reason}`).join('; '), { issues: issues.map(({ field, reason }) => ({ field, reason })) });
    }
    const [id] = await insertReservations(tx, [e], ctx, 'single');
    return loadReservation(tx, id as number);
  });
}

export type ReservationStatus = 'pending' | 'approved' | 'revoked';

export interface Reservation {
  id: number;
  iin: string;
  name: string;
  region: string;
  requesterKind: 'organisation' | 'agency';
  requester: string;
  listName: string;
  reason: string;
  validFrom: string;
  validTo: string;
  status: ReservationStatus;
  createdBy: string;
  approvedBy: string | null;
  revokedBy: string | null;
}

const SELECT = `SELECT r.id, r.iin, p.last_name || ' ' || p.first_name AS name, p.region, r.requester_kind, r.requester, r.list_name, r.reason,
                       to_char(r.valid_from, 'YYYY-MM-DD') AS valid_from, to_char(r.valid_to, 'YYYY-MM-DD') AS valid_to,
                       r.created_by, r.approved_by, r.revoked_by
                  FROM civil_reservations r JOIN persons p ON p.iin = r.iin`;

interface Row {
  id: number; iin: string; name: string; region: string; requester_kind: 'organisation' | 'agency'; requester: string; list_name: string; reason: string;
  valid_from: string; valid_to: string; created_by: string; approved_by: string | null; revoked_by: string | null;
}

function toReservation(r: Row): Reservation {
  return {
    id: Number(r.id), iin: r.iin, name: r.name, region: r.region, requesterKind: r.requester_kind, requester: r.requester, listName: r.list_name, reason: r.reason,
    validFrom: r.valid_from, validTo: r.valid_to, status: r.revoked_by ? 'revoked' : r.approved_by ? 'approved' : 'pending',
    createdBy: r.created_by, approvedBy: r.approved_by, revokedBy: r.revoked_by,
  };
}

async function loadReservation(tx: Pick<Tx, 'query'>, id: number, ctx?: CivilContext, lock = false): Promise<Reservation> {
  const params: unknown[] = [id];
  const { rows } = await tx.query<Row>(`${SELECT} WHERE r.id = $1${ctx ? ` AND ${ctx.scope('p', params)}` : ''}${lock ? ' FOR UPDATE OF r' : ''}`, params);
  if (!rows[0]) throw new DomainError('CIVIL_RESERVATION_NOT_FOUND', `No reservation ${id} that you may see.`);
  return toReservation(rows[0]);
}

export interface ApprovalResult {
  reservation: Reservation;
  /** Places taken back from call-up plans not yet issued (draft or approved). */
  removed: RemovalOutcome['removed'];
  /** Plans whose summonses are already out: the person stays in them; an officer must resolve each. */
  conflicts: RemovalOutcome['conflicts'];
}

/**
 * Approves pending reservations (a second person, not whoever asked). Each approved person leaves every call-up
 * plan not yet issued whose appearance period overlaps the reservation, recorded as a removal on the plan; an
 * issued plan is left as it is and the person is reported, and recorded, as a conflict. One transaction.
 */
export async function approveReservations(db: Db, ids: readonly number[], ctx: CivilContext): Promise<ApprovalResult[]> {
  if (ids.length === 0) throw new DomainError('CIVIL_RESERVATION_INVALID', 'name at least one reservation to approve');
  return db.transaction(async (tx) => {
    const at = ctx.clock.now();
    const out: ApprovalResult[] = [];
    for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
      const r = await loadReservation(tx, id, ctx, true);
      if (r.status !== 'pending') throw new DomainError('CIVIL_RESERVATION_BAD_STATE', `Reservation ${id} is ${r.status}; only a pending one can be approved.`, { id, status: r.status });
      if (r.createdBy === ctx.actor) throw new DomainError('CIVIL_SELF_APPROVAL', `${ctx.actor} asked for reservation ${id} and cannot approve it; a second person must.`, { id });
      await tx.query('UPDATE civil_reservations SET approved_at = $2, approved_by = $3 WHERE id = $1', [id, at, ctx.actor]);
      await appendAudit(tx, { at, actor: ctx.actor, action: 'civil.reservation.approve', subject: `civil_reservation:${id}`, details: { iin: r.iin, from: r.validFrom, to: r.validTo } });
      const outcome = await removeFromOpenPlans(tx, r.iin, { actor: ctx.actor, at, reason: `reserved for essential civil work (reservation ${id}, ${r.listName})`, reservationId: id, from: r.validFrom, to: r.validTo });
      for (const c of outcome.conflicts) {
        await tx.query('INSERT INTO civil_reservation_conflicts (reservation_id, plan_id, iin, at) VALUES ($1, $2, $3, $4)', [id, c.planId, r.iin, at]);
        await appendAudit(tx, { at, actor: ctx.actor, action: 'civil.reservation.conflict', subject: `civil_reservation:${id}`, details: { iin: r.iin, plan: c.planId, why: 'summons already issued' } });
      }
      out.push({ reservation: await loadReservation(tx, id), removed: outcome.removed, conflicts: outcome.conflicts });
    }
    return out;
  });
}

/**
 * Ends a reservation (pending or approved). Future call-up plans may select the person again; places already taken
 * back from plans stay removed (a plan regains them only by being planned anew).
 */
export async function revokeReservation(db: Db, id: number, reason: string, ctx: CivilContext): Promise<Reservation> {
  if (reason.trim().length < 3) throw new DomainError('CIVIL_RESERVATION_INVALID', 'reason: say why the reservation is revoked (at least 3 characters)');
  return db.transaction(async (tx) => {
    const r = await loadReservation(tx, id, ctx, true);
    if (r.status === 'revoked') throw new DomainError('CIVIL_RESERVATION_BAD_STATE', `Reservation ${id} is already revoked.`, { id });
    if (ctx.employerBin && r.requester !== ctx.employerBin) throw new DomainError('ACCESS_OUT_OF_SCOPE', `reservation ${id} was not asked for by your organisation`);
    const at = ctx.clock.now();
    await tx.query('UPDATE civil_reservations SET revoked_at = $2, revoked_by = $3, revoke_reason = $4 WHERE id = $1', [id, at, ctx.actor, reason.trim()]);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'civil.reservation.revoke', subject: `civil_reservation:${id}`, details: { iin: r.iin, reason: reason.trim() } });
    return loadReservation(tx, id);
  });
}

export const ReservationFilter = z
  .object({ status: z.enum(['pending', 'approved', 'revoked']).optional(), list: z.string().min(1).max(200).optional(), requester: z.string().min(1).max(100).optional() })
  .strict();

/** Reservations of people the reader may see (names and IINs: audited). */
export async function listReservations(db: Db, input: unknown, ctx: CivilContext): Promise<Reservation[]> {
  const f = parseQuery(ReservationFilter, input);
  const params: unknown[] = [];
  const w = [ctx.scope('p', params)];
  if (f.status === 'revoked') w.push('r.revoked_at IS NOT NULL');
  if (f.status === 'approved') w.push('r.revoked_at IS NULL AND r.approved_at IS NOT NULL');
  if (f.status === 'pending') w.push('r.revoked_at IS NULL AND r.approved_at IS NULL');
  if (f.list) w.push(`r.list_name = $${params.push(f.list)}`);
  if (f.requester) w.push(`r.requester = $${params.push(f.requester)}`);
  if (ctx.employerBin) w.push(`r.requester = $${params.push(ctx.employerBin)}`);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<Row>(`${SELECT} WHERE ${w.join(' AND ')} ORDER BY r.id LIMIT 5000`, params);
    await appendAudit(tx, { at: ctx.clock.now(), actor: ctx.actor, action: 'civil.reservation.read', details: { filter: f, rows: rows.length } });
    return rows.map(toReservation);
  });
}

/** Conflicts left by approvals: reserved people whose call-up summons was already issued. */
export async function reservationConflicts(db: Db, ctx: CivilContext): Promise<{ reservationId: number; planId: number; iin: string; at: Date }[]> {
  const params: unknown[] = [];
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ reservation_id: number; plan_id: number; iin: string; at: Date }>(
      `SELECT c.reservation_id, c.plan_id, c.iin, c.at FROM civil_reservation_conflicts c JOIN persons p ON p.iin = c.iin WHERE ${ctx.scope('p', params)} ORDER BY c.at, c.reservation_id`,
      params,
    );
    await appendAudit(tx, { at: ctx.clock.now(), actor: ctx.actor, action: 'civil.reservation.conflicts.read', details: { rows: rows.length } });
    return rows.map((r) => ({ reservationId: Number(r.reservation_id), planId: Number(r.plan_id), iin: r.iin, at: new Date(r.at) }));
  });
}
