import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { actorName, areaOf, personScopeSql, withinArea, type Permission, type StaffPrincipal } from '../../modules/access/index.ts';
import {
  NewCivilTask,
  NewReservation,
  PersonnelCountQuery,
  PersonnelListQuery,
  ReservationFilter,
  addReservation,
  approveReservations,
  civilReadiness,
  createTask,
  importReservationsCsv,
  listReservations,
  listTasks,
  personnelCounts,
  personnelList,
  planTask,
  recordTaskAction,
  reservationConflicts,
  revokeReservation,
  showTask,
  taskAssignments,
  type CivilContext,
} from '../../modules/civil/index.ts';
import type { Auth } from '../auth.ts';
import { doc } from '../openapi.ts';

const Id = z.object({ id: z.string() });
const Note = z.object({ note: z.string().max(1000).optional() }).strict();
const Approve = z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000) }).strict();
const Revoke = z.object({ reason: z.string().min(3).max(1000) }).strict();
const Import = z.object({ csv: z.string().min(1).max(5_000_000) }).strict();

function body<T>(schema: z.ZodType<T>, value: unknown, hint: string): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new DomainError('API_BAD_REQUEST', `${hint} — ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
}

/**
 * Civil tier: essential-personnel counts and lists, civil mobilization tasks (create, plan with the call-up
 * planner, approve by a second person) and reservation lists that keep named workers out of military call-up.
 */
export function civilRoutes(app: FastifyInstance, opts: { db: Db; clock: Clock; auth: Auth }): void {
  const { db, clock, auth } = opts;
  const ctxOf = (p: StaffPrincipal): CivilContext => ({
    actor: actorName(p), clock, scope: (alias, params) => personScopeSql(p, alias, params), region: areaOf(p).region,
    employerBin: p.role === 'enterprise_officer' ? p.employerBin : null,
  });
  const staff = async (req: FastifyRequest, permission: Permission) => {
    const p = await auth.allow(req, permission);
    return { p, ctx: ctxOf(p) };
  };

  app.get('/api/civil/personnel/counts', { schema: doc({ summary: 'Essential personnel head counts by sector, region, district and/or skill (no personal data)', tags: ['civil'], auth: 'staff', permission: 'civil.personnel.count', query: PersonnelCountQuery }) }, async (req) => {
    await staff(req, 'civil.personnel.count');
    return personnelCounts(db, req.query);
  });

  app.get('/api/civil/personnel', { schema: doc({ summary: 'Essential workers in your area, 100 a page (audited read)', tags: ['civil'], auth: 'staff', permission: 'civil.personnel.read', query: PersonnelListQuery }) }, async (req) => {
    const { p, ctx } = await staff(req, 'civil.personnel.read');
    const q = (req.query ?? {}) as Record<string, unknown>;
    // Asking for another region is refused outright rather than answered with an empty list.
    withinArea(p, { ...(typeof q.region === 'string' ? { region: q.region } : {}), ...(typeof q.district === 'string' ? { district: q.district } : {}) });
    return personnelList(db, q, ctx);
  });

  app.get('/api/civil/readiness', { schema: doc({ summary: 'Civil readiness per region: essential, reserved, task demand, assigned, shortfall', tags: ['civil'], auth: 'staff', permission: 'civil.personnel.count' }) }, async (req) => {
    await staff(req, 'civil.personnel.count');
    return { regions: await civilReadiness(db, clock) };
  });

  app.get('/api/civil/tasks', { schema: doc({ summary: 'Civil mobilization tasks (your region only for a regional or district officer)', tags: ['civil'], auth: 'staff', permission: 'civil.task.read' }) }, async (req) => {
    const { ctx } = await staff(req, 'civil.task.read');
    return { tasks: await listTasks(db, ctx) };
  });

  app.post('/api/civil/tasks', { schema: doc({ summary: 'Create a civil mobilization task (a regional officer: for their own region)', tags: ['civil'], auth: 'staff', permission: 'civil.task.write', body: NewCivilTask }) }, async (req, reply) => {
    const { ctx } = await staff(req, 'civil.task.write');
    return reply.status(201).send(await createTask(db, req.body, ctx));
  });

  app.get<{ Params: { id: string } }>('/api/civil/tasks/:id', { schema: doc({ summary: 'A civil task: lines, plan report with shortfall, action log', tags: ['civil'], auth: 'staff', permission: 'civil.task.read', params: Id }) }, async (req) => {
    const { ctx } = await staff(req, 'civil.task.read');
    const t = await showTask(db, req.params.id);
    if (ctx.region && ctx.region !== t.region) throw new DomainError('ACCESS_OUT_OF_SCOPE', `task ${t.id} is for ${t.region}, outside your region`);
    return t;
  });

  app.get<{ Params: { id: string } }>('/api/civil/tasks/:id/assignments', { schema: doc({ summary: 'The people a civil task assigns, those in your area (audited read)', tags: ['civil'], auth: 'staff', permission: 'civil.task.read', params: Id }) }, async (req) => {
    const { ctx } = await staff(req, 'civil.task.read');
    return { assignments: await taskAssignments(db, req.params.id, ctx) };
  });

  app.post<{ Params: { id: string } }>('/api/civil/tasks/:id/plan', { schema: doc({ summary: 'Plan (or re-plan) a civil task with the call-up planner', tags: ['civil'], auth: 'staff', permission: 'civil.task.write', params: Id }) }, async (req) => {
    const { ctx } = await staff(req, 'civil.task.write');
    return planTask(db, req.params.id, ctx);
  });

  for (const action of ['approve', 'withdraw'] as const) {
    app.post<{ Params: { id: string } }>(`/api/civil/tasks/:id/${action}`, { schema: doc({ summary: `${action === 'approve' ? 'Approve a planned civil task (a second person)' : 'Withdraw a civil task'}`, tags: ['civil'], auth: 'staff', permission: 'civil.task.approve', params: Id, body: Note }) }, async (req) => {
      const { ctx } = await staff(req, 'civil.task.approve');
      const b = body(Note, req.body, 'Send {"note"?: "..."}');
      return recordTaskAction(db, req.params.id, action, { ...ctx, ...(b.note ? { note: b.note } : {}) });
    });
  }

  app.get('/api/civil/reservations', { schema: doc({ summary: 'Reservations of people in your area (audited read)', tags: ['civil'], auth: 'staff', permission: 'civil.reserve.read', query: ReservationFilter }) }, async (req) => {
    const { ctx } = await staff(req, 'civil.reserve.read');
    return { reservations: await listReservations(db, req.query, ctx) };
  });

  app.get('/api/civil/reservations/conflicts', { schema: doc({ summary: 'Reserved people whose call-up summons was already issued (audited read)', tags: ['civil'], auth: 'staff', permission: 'civil.reserve.read' }) }, async (req) => {
    const { ctx } = await staff(req, 'civil.reserve.read');
    return { conflicts: await reservationConflicts(db, ctx) };
  });

  app.post('/api/civil/reservations', { schema: doc({ summary: 'Ask to reserve a named person from military call-up (pending until approved)', tags: ['civil'], auth: 'staff', permission: 'civil.reserve.write', body: NewReservation }) }, async (req, reply) => {
    const { ctx } = await staff(req, 'civil.reserve.write');
    return reply.status(201).send(await addReservation(db, req.body, ctx));
  });

  app.post('/api/civil/reservations/import', { schema: doc({ summary: 'Import a reservation list as CSV: all lines or none, every bad line reported', tags: ['civil'], auth: 'staff', permission: 'civil.reserve.write', body: Import }) }, async (req, reply) => {
    const { ctx } = await staff(req, 'civil.reserve.write');
    const b = body(Import, req.body, 'Send {"csv": "iin,requester_kind,...\\n..."}');
    return reply.status(201).send(await importReservationsCsv(db, b.csv, ctx));
  });

  app.post('/api/civil/reservations/approve', { schema: doc({ summary: 'Approve pending reservations (a second person): the people leave call-up plans not yet issued', tags: ['civil'], auth: 'staff', permission: 'civil.reserve.approve', body: Approve }) }, async (req) => {
    const { ctx } = await staff(req, 'civil.reserve.approve');
    const b = body(Approve, req.body, 'Send {"ids": [1, 2]}');
    return { results: await approveReservations(db, b.ids, ctx) };
  });

  app.post<{ Params: { id: string } }>('/api/civil/reservations/:id/revoke', { schema: doc({ summary: 'Revoke a reservation', tags: ['civil'], auth: 'staff', permission: 'civil.reserve.write', params: Id, body: Revoke }) }, async (req) => {
    const { ctx } = await staff(req, 'civil.reserve.write');
    const b = body(Revoke, req.body, 'Send {"reason": "..."}');
    if (!/^\d{1,15}$/.test(req.params.id)) throw new DomainError('CIVIL_RESERVATION_NOT_FOUND', `"${req.params.id}" is not a reservation number`);
    return revokeReservation(db, Number(req.params.id), b.reason, ctx);
  });
}
