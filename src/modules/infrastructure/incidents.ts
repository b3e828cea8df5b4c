import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { getCyberUnit } from './cyber-units.ts';
import { applyEntry, incidentState, type EntryKind, type IncidentState, type IncidentStatus, type TimelineEntry } from './incident-state.ts';
import { getInfrastructureObject } from './objects.ts';
import { assertRegionInScope, kzTime, regionalOnly, type InfraContext, type InfraScope } from './scope.ts';
import { rowsOf } from './rows.ts';

export const INCIDENT_KINDS = ['cyber', 'physical', 'outage'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

// Times come with an explicit offset (2026-11-23T10:00:00+05:00) so nobody's local zone is guessed.
const Instant = z.iso.datetime({ offset: true });

export const NewIncident = z
  .object({
    objectId: z.number().int().positive().optional(),
    /** The unit whose responsibility it is when not against one object; also the first responder unless given. */
    unitId: z.number().int().positive().optional(),
    respondingUnitId: z.number().int().positive().optional(),
    kind: z.enum(INCIDENT_KINDS),
    severity: z.enum(SEVERITIES),
    title: z.string().trim().min(3).max(300),
    reportedAt: Instant,
    note: z.string().trim().max(4000).optional(),
  })
  .strict()
  .refine((i) => i.objectId !== undefined || i.unitId !== undefined, { message: 'give objectId, unitId or both', path: ['objectId'] });
export type NewIncident = z.infer<typeof NewIncident>;

export const IncidentEntryInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('note'), note: z.string().trim().min(1).max(4000) }).strict(),
  z.object({ kind: z.literal('assign'), unitId: z.number().int().positive(), note: z.string().trim().max(4000).optional() }).strict(),
  z.object({ kind: z.literal('contain'), note: z.string().trim().max(4000).optional() }).strict(),
  z.object({ kind: z.literal('resolve'), note: z.string().trim().max(4000).optional() }).strict(),
]);
export type IncidentEntryInput = z.infer<typeof IncidentEntryInput>;

export const IncidentQuery = z
  .object({ region: z.string().optional(), status: z.enum(['open', 'contained', 'resolved']).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) })
  .strict();
export type IncidentQuery = z.input<typeof IncidentQuery>;

/** Times are Kazakhstan wall-clock with +05:00, ready to show. */
export interface Incident {
  id: number;
  region: string;
  objectId: number | null;
  objectCode: string | null;
  objectName: string | null;
  unitId: number | null;
  kind: (typeof INCIDENT_KINDS)[number];
  severity: (typeof SEVERITIES)[number];
  title: string;
  reportedAt: string;
  status: IncidentStatus;
  respondingUnitId: number | null;
  respondingUnitCode: string | null;
  containedAt: string | null;
  resolvedAt: string | null;
  createdBy: string;
}

export interface IncidentEntryView {
  seq: number;
  at: string;
  actor: string;
  kind: EntryKind;
  note: string | null;
  unitId: number | null;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new DomainError('INFRA_INVALID_INCIDENT', `${what}: ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })) });
}

const BASE = `SELECT i.*, o.code AS object_code, o.name AS object_name FROM infra_incidents i LEFT JOIN infrastructure_objects o ON o.id = i.object_id`;

/**
 * An incident's status in SQL, for filtering and counting. It agrees with the reducer because the transition table
 * only lets resolve follow contain and nothing but notes follow resolve.
 */
export const STATUS_SQL = `(CASE WHEN EXISTS (SELECT 1 FROM infra_incident_entries e WHERE e.incident_id = i.id AND e.kind = 'resolve') THEN 'resolved'
  WHEN EXISTS (SELECT 1 FROM infra_incident_entries e WHERE e.incident_id = i.id AND e.kind = 'contain') THEN 'contained' ELSE 'open' END)`;

async function timelines(q: Db | Tx, ids: number[]): Promise<Map<number, TimelineEntry[]>> {
  const sql = 'SELECT incident_id, seq, at, actor, kind, note, unit_id FROM infra_incident_entries WHERE incident_id = ANY($1) ORDER BY incident_id, seq';
  const rows = await rowsOf(q, sql, [ids]);
  const out = new Map<number, TimelineEntry[]>();
  for (const r of rows) {
    const id = Number(r.incident_id);
    const list = out.get(id) ?? [];
    list.push({ seq: Number(r.seq), at: new Date(r.at as string), actor: String(r.actor), kind: r.kind as EntryKind, note: (r.note as string | null) ?? null, unitId: r.unit_id === null ? null : Number(r.unit_id) });
    out.set(id, list);
  }
  return out;
}

async function unitCodes(q: Db, ids: (number | null)[]): Promise<Map<number, string>> {
  const want = [...new Set(ids.filter((x): x is number => x !== null))];
  if (want.length === 0) return new Map();
  const rows = await q.query<{ id: string; code: string }>('SELECT id, code FROM cyber_units WHERE id = ANY($1)', [want]);
  return new Map(rows.map((r) => [Number(r.id), r.code]));
}

function view(r: Record<string, unknown>, s: IncidentState, codes: Map<number, string>): Incident {
  return {
    id: Number(r.id), region: String(r.region), objectId: r.object_id === null ? null : Number(r.object_id), objectCode: (r.object_code as string | null) ?? null,
    objectName: (r.object_name as string | null) ?? null, unitId: r.unit_id === null ? null : Number(r.unit_id), kind: r.kind as Incident['kind'],
    severity: r.severity as Incident['severity'], title: String(r.title), reportedAt: kzTime(new Date(r.reported_at as string)), status: s.status,
    respondingUnitId: s.respondingUnitId, respondingUnitCode: s.respondingUnitId === null ? null : (codes.get(s.respondingUnitId) ?? null),
    containedAt: s.containedAt ? kzTime(s.containedAt) : null, resolvedAt: s.resolvedAt ? kzTime(s.resolvedAt) : null, createdBy: String(r.created_by),
  };
}

/** Checks a responding unit exists, is visible, and (for a regional officer) is their region's. */
async function assertUnit(q: Db | Tx, id: number, scope: InfraScope): Promise<void> {
  if (!(await getCyberUnit(q, id, scope))) throw new DomainError('INFRA_UNIT_NOT_FOUND', `No cyber unit ${id} that you may assign.`, { unitId: id });
}

export async function openIncident(db: Db, input: unknown, ctx: InfraContext): Promise<Incident> {
  const i = parse(NewIncident, input, 'incident');
  regionalOnly(ctx.scope);
  const reportedAt = new Date(i.reportedAt);
  if (reportedAt.getTime() > ctx.at.getTime()) throw new DomainError('INFRA_INCIDENT_IN_FUTURE', `reportedAt ${i.reportedAt} is later than now (${kzTime(ctx.at)}).`);
  const id = await db.transaction(async (tx) => {
    let region: string | null = null;
    if (i.objectId !== undefined) {
      const o = await getInfrastructureObject(tx, i.objectId, ctx.scope);
      if (!o) throw new DomainError('INFRA_OBJECT_NOT_FOUND', `No infrastructure object ${i.objectId} that you may see.`);
      region = o.region;
    }
    if (i.unitId !== undefined) {
      const u = await getCyberUnit(tx, i.unitId, ctx.scope);
      if (!u) throw new DomainError('INFRA_UNIT_NOT_FOUND', `No cyber unit ${i.unitId} that you may see.`);
      region ??= u.homeRegion;
    }
    assertRegionInScope(ctx.scope, region as string);
    const responding = i.respondingUnitId ?? i.unitId ?? null;
    if (responding !== null) await assertUnit(tx, responding, ctx.scope);
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO infra_incidents (object_id, unit_id, region, kind, severity, title, reported_at, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [i.objectId ?? null, i.unitId ?? null, region, i.kind, i.severity, i.title, reportedAt, ctx.at, ctx.actor],
    );
    const id = Number(rows[0]?.id);
    await tx.query('INSERT INTO infra_incident_entries (incident_id, seq, at, actor, kind, note, unit_id) VALUES ($1, 1, $2, $3, $4, $5, $6)', [id, ctx.at, ctx.actor, 'open', i.note ?? null, responding]);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'infra.incident.open', subject: `infra-incident:${id}`, details: { ...i, region, respondingUnitId: responding } });
    return id;
  });
  return (await showIncident(db, id, ctx.scope)).incident;
}

/** Appends one entry to an incident's timeline after checking it against the state folded from the entries so far. */
export async function recordIncident(db: Db, id: number, input: unknown, ctx: InfraContext): Promise<Incident> {
  const e = parse(IncidentEntryInput, input, 'timeline entry');
  regionalOnly(ctx.scope);
  await db.transaction(async (tx) => {
    const params: unknown[] = [id];
    const scoped = ctx.scope.region ? ` AND region = $${params.push(ctx.scope.region)}` : '';
    const { rows } = await tx.query(`SELECT id FROM infra_incidents WHERE id = $1${scoped} FOR UPDATE`, params);
    if (!Number.isSafeInteger(id) || rows.length === 0) throw new DomainError('INFRA_INCIDENT_NOT_FOUND', `No incident ${id} that you may change.`);
    const log = (await timelines(tx, [id])).get(id) ?? [];
    const unitId = e.kind === 'assign' ? e.unitId : null;
    if (unitId !== null) await assertUnit(tx, unitId, ctx.scope);
    const entry: TimelineEntry = { seq: log.length + 1, at: ctx.at, actor: ctx.actor, kind: e.kind, note: e.note ?? null, unitId };
    const state = applyEntry(incidentState(log), entry);
    await tx.query('INSERT INTO infra_incident_entries (incident_id, seq, at, actor, kind, note, unit_id) VALUES ($1, $2, $3, $4, $5, $6, $7)', [id, entry.seq, entry.at, entry.actor, entry.kind, entry.note, entry.unitId]);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: `infra.incident.${e.kind}`, subject: `infra-incident:${id}`, details: { seq: entry.seq, status: state.status, ...(e.note ? { note: e.note } : {}), ...(unitId ? { unitId } : {}) } });
  });
  return (await showIncident(db, id, ctx.scope)).incident;
}

export async function listIncidents(db: Db, query: IncidentQuery, scope: InfraScope): Promise<Incident[]> {
  const q = parse(IncidentQuery, query, 'query');
  regionalOnly(scope);
  if (q.region) assertRegionInScope(scope, q.region);
  const params: unknown[] = [];
  const where: string[] = ['true'];
  const region = q.region ?? scope.region;
  if (region) where.push(`i.region = $${params.push(region)}`);
  if (q.status) where.push(`${STATUS_SQL} = $${params.push(q.status)}`);
  const rows = await db.query<Record<string, unknown>>(`${BASE} WHERE ${where.join(' AND ')} ORDER BY i.reported_at DESC, i.id DESC LIMIT ${q.limit}`, params);
  const logs = await timelines(db, rows.map((r) => Number(r.id)));
  const states = rows.map((r) => incidentState(logs.get(Number(r.id)) ?? []));
  const codes = await unitCodes(db, states.map((s) => s.respondingUnitId));
  return rows.map((r, k) => view(r, states[k] as IncidentState, codes));
}

export async function showIncident(db: Db, id: number, scope: InfraScope): Promise<{ incident: Incident; timeline: IncidentEntryView[] }> {
  regionalOnly(scope);
  const params: unknown[] = [id];
  const scoped = scope.region ? ` AND i.region = $${params.push(scope.region)}` : '';
  const rows = Number.isSafeInteger(id) && id > 0 ? await db.query<Record<string, unknown>>(`${BASE} WHERE i.id = $1${scoped}`, params) : [];
  const row = rows[0];
  if (!row) throw new DomainError('INFRA_INCIDENT_NOT_FOUND', `No incident ${id} that you may see.`);
  const log = (await timelines(db, [id])).get(id) ?? [];
  const state = incidentState(log);
  const codes = await unitCodes(db, [state.respondingUnitId, ...log.map((e) => e.unitId)]);
  return { incident: view(row, state, codes), timeline: log.map((e) => ({ ...e, at: kzTime(e.at) })) };
}
