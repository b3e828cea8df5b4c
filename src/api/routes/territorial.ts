import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { actorName, areaOf, type Permission } from '../../modules/access/index.ts';
import {
  NewEvacuationPlan,
  NewProtection,
  EndProtection,
  endProtection,
  NewShelter,
  NewTask,
  NewTransport,
  NewUnit,
  TASK_STATES,
  addMembers,
  addShelter,
  addTransport,
  advanceTask,
  approveEvacuationPlan,
  assignProtection,
  assignTask,
  createEvacuationPlan,
  createUnit,
  fillUnit,
  getEvacuationPlan,
  getUnit,
  listEvacuationPlans,
  listMembers,
  listProtection,
  listShelters,
  listTasks,
  listTransport,
  listUnits,
  narrowArea,
  removeMember,
  territorialReadiness,
  unprotectedCritical,
  type TdContext,
} from '../../modules/territorial/index.ts';
import type { Auth } from '../auth.ts';
import { doc } from '../openapi.ts';

const Id = z.object({ id: z.string() });
const AreaQuery = z.object({ region: z.string().regex(/^KZ-[0-9A-Z]{1,3}$/).optional(), district: z.string().min(1).max(50).optional() }).strict();
const TaskQuery = AreaQuery.extend({ unit: z.string().regex(/^\d{1,15}$/).optional() }).strict();
const Members = z.object({ iins: z.array(z.string().regex(/^\d{12}$/)).min(1).max(1000) }).strict();
const Remove = z.object({ reason: z.string().trim().min(1).max(1000) }).strict();
const Fill = z.object({ apply: z.boolean().default(false) }).strict();
const Advance = z.object({ to: z.enum(TASK_STATES) }).strict();
const Approve = z.object({ acceptShortfall: z.string().max(2000).optional() }).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, hint: string): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new DomainError('API_BAD_REQUEST', `${hint} — ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
}

/**
 * Territorial defence: units and their members (personal data: audited reads), protection of critical objects,
 * tasks, shelters, transport and evacuation plans. Every officer sees and changes their own area only; the module
 * checks it on each row.
 */
export function territorialRoutes(app: FastifyInstance, opts: { db: Db; clock: Clock; auth: Auth }): void {
  const { db, clock, auth } = opts;
  const staff = async (req: FastifyRequest, permission: Permission): Promise<TdContext> => {
    const p = await auth.allow(req, permission);
    return { actor: actorName(p), clock, area: areaOf(p) };
  };
  const tags = ['territorial'];

  app.get('/api/td/units', { schema: doc({ summary: 'Territorial-defence units in your area with strength against target', tags, auth: 'staff', permission: 'td.read', query: AreaQuery }) }, async (req) => {
    const ctx = await staff(req, 'td.read');
    return { units: await listUnits(db, narrowArea(ctx.area, parse(AreaQuery, req.query, 'query region, district'))) };
  });

  app.post('/api/td/units', { schema: doc({ summary: 'Raise a unit in a region or district', tags, auth: 'staff', permission: 'td.write', body: NewUnit }) }, async (req, reply) => {
    const ctx = await staff(req, 'td.write');
    return reply.status(201).send(await createUnit(db, req.body, ctx));
  });

  app.get<{ Params: { id: string } }>('/api/td/units/:id', { schema: doc({ summary: 'A unit with its strength and tasks', tags, auth: 'staff', permission: 'td.read', params: Id }) }, async (req) => {
    const ctx = await staff(req, 'td.read');
    const unit = await getUnit(db, req.params.id, ctx);
    return { ...unit, tasks: await listTasks(db, ctx.area, unit.id) };
  });

  app.get<{ Params: { id: string } }>('/api/td/units/:id/members', { schema: doc({ summary: "A unit's members (personal data, audited read)", tags, auth: 'staff', permission: 'td.members.read', params: Id }) }, async (req) => {
    const ctx = await staff(req, 'td.members.read');
    return { members: await listMembers(db, req.params.id, { ...ctx, purpose: 'api unit members' }) };
  });

  app.post<{ Params: { id: string } }>('/api/td/units/:id/members', { schema: doc({ summary: 'Add people to a unit (all or none)', tags, auth: 'staff', permission: 'td.write', params: Id, body: Members }) }, async (req) => {
    const ctx = await staff(req, 'td.write');
    return addMembers(db, req.params.id, parse(Members, req.body, 'Send {"iins": ["IIN", ...]}').iins, ctx);
  });

  app.post<{ Params: { id: string; iin: string } }>('/api/td/units/:id/members/:iin/remove', { schema: doc({ summary: 'Take a person out of a unit, with the reason', tags, auth: 'staff', permission: 'td.write', params: z.object({ id: z.string(), iin: z.string() }), body: Remove }) }, async (req) => {
    const ctx = await staff(req, 'td.write');
    return removeMember(db, req.params.id, req.params.iin, { ...ctx, reason: parse(Remove, req.body, 'Send {"reason": "..."}').reason });
  });

  app.post<{ Params: { id: string } }>('/api/td/units/:id/fill', { schema: doc({ summary: "Propose people for a unit's open places (district, then region; volunteers first); apply to add them", tags, auth: 'staff', permission: 'td.write', params: Id, body: Fill }) }, async (req) => {
    const ctx = await staff(req, 'td.write');
    return fillUnit(db, req.params.id, { ...ctx, apply: parse(Fill, req.body, 'Send {"apply"?: true}').apply });
  });

  app.post<{ Params: { id: string } }>('/api/td/units/:id/protection', { schema: doc({ summary: 'Put a unit on guard at an infrastructure object of its region', tags, auth: 'staff', permission: 'td.write', params: Id, body: NewProtection }) }, async (req, reply) => {
    const ctx = await staff(req, 'td.write');
    return reply.status(201).send(await assignProtection(db, req.params.id, req.body, ctx));
  });

  app.post<{ Params: { id: string } }>('/api/td/units/:id/tasks', { schema: doc({ summary: 'Give a unit a task: guard a facility, build fortifications, or evacuate', tags, auth: 'staff', permission: 'td.write', params: Id, body: NewTask }) }, async (req, reply) => {
    const ctx = await staff(req, 'td.write');
    return reply.status(201).send(await assignTask(db, req.params.id, req.body, ctx));
  });

  app.get('/api/td/protection', { schema: doc({ summary: 'Protection of critical objects: assignments and the criticality-1 objects nobody guards', tags, auth: 'staff', permission: 'td.read', query: AreaQuery }) }, async (req) => {
    const ctx = await staff(req, 'td.read');
    const area = narrowArea(ctx.area, parse(AreaQuery, req.query, 'query region, district'));
    return { assignments: await listProtection(db, area), unprotected: await unprotectedCritical(db, area) };
  });

  app.post<{ Params: { id: string } }>('/api/td/protection/:id/end', { schema: doc({ summary: 'Stand a guard down, with the reason (its guard task must be done first)', tags, auth: 'staff', permission: 'td.write', params: Id, body: EndProtection }) }, async (req) => {
    const ctx = await staff(req, 'td.write');
    return endProtection(db, Number(req.params.id), req.body, ctx);
  });

  app.get('/api/td/tasks', { schema: doc({ summary: 'Tasks of the units in your area', tags, auth: 'staff', permission: 'td.read', query: TaskQuery }) }, async (req) => {
    const ctx = await staff(req, 'td.read');
    const q = parse(TaskQuery, req.query, 'query region, district, unit');
    return { tasks: await listTasks(db, narrowArea(ctx.area, q), q.unit ? Number(q.unit) : undefined) };
  });

  app.post<{ Params: { id: string } }>('/api/td/tasks/:id/advance', { schema: doc({ summary: 'Move a task on: assigned → in_progress → done', tags, auth: 'staff', permission: 'td.write', params: Id, body: Advance }) }, async (req) => {
    const ctx = await staff(req, 'td.write');
    return advanceTask(db, req.params.id, parse(Advance, req.body, 'Send {"to": "in_progress" | "done"}').to, ctx);
  });

  app.get('/api/td/shelters', { schema: doc({ summary: 'Shelters in your area', tags, auth: 'staff', permission: 'td.read', query: AreaQuery }) }, async (req) => {
    const ctx = await staff(req, 'td.read');
    return { shelters: await listShelters(db, narrowArea(ctx.area, parse(AreaQuery, req.query, 'query region, district'))) };
  });

  app.post('/api/td/shelters', { schema: doc({ summary: 'Register a shelter with its places', tags, auth: 'staff', permission: 'td.write', body: NewShelter }) }, async (req, reply) => {
    const ctx = await staff(req, 'td.write');
    return reply.status(201).send(await addShelter(db, req.body, ctx));
  });

  app.get('/api/td/transport', { schema: doc({ summary: 'Evacuation transport in your area', tags, auth: 'staff', permission: 'td.read', query: AreaQuery }) }, async (req) => {
    const ctx = await staff(req, 'td.read');
    return { transport: await listTransport(db, narrowArea(ctx.area, parse(AreaQuery, req.query, 'query region, district'))) };
  });

  app.post('/api/td/transport', { schema: doc({ summary: "Register a district's evacuation fleet (vehicles, seats, trips per day)", tags, auth: 'staff', permission: 'td.write', body: NewTransport }) }, async (req, reply) => {
    const ctx = await staff(req, 'td.write');
    return reply.status(201).send(await addTransport(db, req.body, ctx));
  });

  app.get('/api/td/evacuation-plans', { schema: doc({ summary: 'Evacuation plans of your region, each with its capacity check', tags, auth: 'staff', permission: 'td.read' }) }, async (req) => {
    const ctx = await staff(req, 'td.read');
    return { plans: await listEvacuationPlans(db, ctx.area) };
  });

  app.post('/api/td/evacuation-plans', { schema: doc({ summary: 'Draft an evacuation plan; answers with its capacity check', tags, auth: 'staff', permission: 'td.write', body: NewEvacuationPlan }) }, async (req, reply) => {
    const ctx = await staff(req, 'td.write');
    return reply.status(201).send(await createEvacuationPlan(db, req.body, ctx));
  });

  app.get<{ Params: { id: string } }>('/api/td/evacuation-plans/:id', { schema: doc({ summary: 'An evacuation plan with its capacity check now and at approval', tags, auth: 'staff', permission: 'td.read', params: Id }) }, async (req) => {
    const ctx = await staff(req, 'td.read');
    return getEvacuationPlan(db, req.params.id, ctx);
  });

  app.post<{ Params: { id: string } }>('/api/td/evacuation-plans/:id/approve', { schema: doc({ summary: 'Approve a plan (a second person; an infeasible plan only with a reason accepting the shortfall)', tags, auth: 'staff', permission: 'td.approve', params: Id, body: Approve }) }, async (req) => {
    const ctx = await staff(req, 'td.approve');
    return approveEvacuationPlan(db, req.params.id, { ...ctx, acceptShortfall: parse(Approve, req.body, 'Send {"acceptShortfall"?: "reason"}').acceptShortfall });
  });

  app.get('/api/td/readiness', { schema: doc({ summary: 'Territorial-defence readiness per region (your region only for a regional or district officer)', tags, auth: 'staff', permission: 'td.read' }) }, async (req) => {
    const ctx = await staff(req, 'td.read');
    const all = await territorialReadiness(db);
    return { regions: ctx.area.region ? all.filter((r) => r.region === ctx.area.region) : all };
  });
}
