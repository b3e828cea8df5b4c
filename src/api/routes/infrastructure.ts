import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { actorName, type Permission } from '../../modules/access/index.ts';
import {
  FormCyberUnit,
  IncidentEntryInput,
  IncidentQuery,
  NewCyberUnit,
  NewIncident,
  NewMember,
  RemoveMember,
  removeCyberMember,
  ObjectInput,
  ObjectPatch,
  ObjectQuery,
  addCyberMember,
  createCyberUnit,
  createObject,
  formCyberUnit,
  getInfrastructureObject,
  importObjectsCsv,
  infraScope,
  infrastructureReadiness,
  listCyberUnits,
  listIncidents,
  listInfrastructureObjects,
  openIncident,
  recordIncident,
  showCyberUnit,
  showIncident,
  updateObject,
  type InfraContext,
} from '../../modules/infrastructure/index.ts';
import type { Auth } from '../auth.ts';
import { doc } from '../openapi.ts';

const Id = z.object({ id: z.string().regex(/^\d{1,15}$/) });
const MemberParams = z.object({ id: z.string().regex(/^\d{1,15}$/), iin: z.string().regex(/^\d{12}$/) });
const RegionQuery = z.object({ region: z.string().optional() }).strict();
const CsvBody = z.object({ csv: z.string().min(1).max(1_000_000) }).strict();
const TAGS = ['infrastructure'];

function parse<T>(schema: z.ZodType<T>, value: unknown, hint: string): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new DomainError('API_BAD_REQUEST', `${hint} — ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
}

function idOf(req: FastifyRequest, what: string): number {
  const p = Id.safeParse(req.params);
  if (!p.success) throw new DomainError(`INFRA_${what}_NOT_FOUND`, `"${(req.params as { id?: string }).id}" is not a number`);
  return Number(p.data.id);
}

/**
 * The cyber / infrastructure tier: the object register, cyber reserve units and the incident log. The module
 * applies the area scope (region, district, operator) on every read and write; the routes only check permissions.
 */
export function infrastructureRoutes(app: FastifyInstance, opts: { db: Db; clock: Clock; auth: Auth }): void {
  const { db, clock, auth } = opts;
  const ctx = async (req: FastifyRequest, permission: Permission): Promise<InfraContext> => {
    const p = await auth.allow(req, permission);
    return { actor: actorName(p), at: clock.now(), scope: infraScope(p) };
  };

  app.get('/api/infra/objects', { schema: doc({ summary: 'Critical infrastructure objects in your area, by region, kind and code', tags: TAGS, auth: 'staff', permission: 'infra.objects.read', query: ObjectQuery }) }, async (req) => {
    const c = await ctx(req, 'infra.objects.read');
    return { objects: await listInfrastructureObjects(db, parse(ObjectQuery, req.query, 'query region, district, kind, criticality, operatorBin, limit'), c.scope) };
  });

  app.post('/api/infra/objects', { schema: doc({ summary: 'Register a critical infrastructure object', tags: TAGS, auth: 'staff', permission: 'infra.objects.write', body: ObjectInput }) }, async (req, reply) => {
    const c = await ctx(req, 'infra.objects.write');
    return reply.status(201).send(await createObject(db, req.body ?? {}, c));
  });

  app.post('/api/infra/objects/import', { schema: doc({ summary: 'Import objects from CSV (all rows or none; problems by line and field)', tags: TAGS, auth: 'staff', permission: 'infra.objects.write', body: CsvBody }) }, async (req, reply) => {
    const c = await ctx(req, 'infra.objects.write');
    const b = parse(CsvBody, req.body, 'Send {"csv": "code,name,kind,region,district,operator_bin,criticality,lat,lon\\n..."}');
    return reply.status(201).send(await importObjectsCsv(db, b.csv, c));
  });

  app.get('/api/infra/objects/:id', { schema: doc({ summary: 'One infrastructure object', tags: TAGS, auth: 'staff', permission: 'infra.objects.read', params: Id }) }, async (req) => {
    const c = await ctx(req, 'infra.objects.read');
    const o = await getInfrastructureObject(db, idOf(req, 'OBJECT'), c.scope);
    if (!o) throw new DomainError('INFRA_OBJECT_NOT_FOUND', 'No such infrastructure object that you may see.');
    return o;
  });

  app.patch('/api/infra/objects/:id', { schema: doc({ summary: "Change an object's name, kind, district, operator, criticality or coordinates", tags: TAGS, auth: 'staff', permission: 'infra.objects.write', params: Id, body: ObjectPatch }) }, async (req) => {
    const c = await ctx(req, 'infra.objects.write');
    return updateObject(db, idOf(req, 'OBJECT'), req.body ?? {}, c);
  });

  app.get('/api/infra/cyber-units', { schema: doc({ summary: 'Cyber reserve units (your region for a regional officer)', tags: TAGS, auth: 'staff', permission: 'infra.cyber.read', query: RegionQuery }) }, async (req) => {
    const c = await ctx(req, 'infra.cyber.read');
    const q = parse(RegionQuery, req.query, 'query region');
    return { units: await listCyberUnits(db, c.scope, q.region) };
  });

  app.post('/api/infra/cyber-units', { schema: doc({ summary: 'Create a cyber reserve unit, optionally with its members', tags: TAGS, auth: 'staff', permission: 'infra.cyber.write', body: NewCyberUnit }) }, async (req, reply) => {
    const c = await ctx(req, 'infra.cyber.write');
    return reply.status(201).send(await createCyberUnit(db, req.body ?? {}, c));
  });

  app.post('/api/infra/cyber-units/form', { schema: doc({ summary: "Propose members for a unit from the region's eligible pool; with apply, create it (audited read)", tags: TAGS, auth: 'staff', permission: 'infra.cyber.write', body: FormCyberUnit }) }, async (req, reply) => {
    const c = await ctx(req, 'infra.cyber.write');
    const r = await formCyberUnit(db, req.body ?? {}, c);
    return reply.status(r.unit ? 201 : 200).send(r);
  });

  app.get('/api/infra/cyber-units/:id', { schema: doc({ summary: 'A cyber unit with its members (audited read of personal data)', tags: TAGS, auth: 'staff', permission: 'infra.cyber.read', params: Id }) }, async (req) => {
    const c = await ctx(req, 'infra.cyber.read');
    return showCyberUnit(db, idOf(req, 'UNIT'), c);
  });

  app.post('/api/infra/cyber-units/:id/members', { schema: doc({ summary: 'Add a member to a cyber unit (skill rule, one unit per person, not held by a call-up)', tags: TAGS, auth: 'staff', permission: 'infra.cyber.write', params: Id, body: NewMember }) }, async (req, reply) => {
    const c = await ctx(req, 'infra.cyber.write');
    return reply.status(201).send(await addCyberMember(db, idOf(req, 'UNIT'), req.body ?? {}, c));
  });

  app.post('/api/infra/cyber-units/:id/members/:iin/remove', { schema: doc({ summary: 'Take a member out of a cyber unit, with the reason (audited)', tags: TAGS, auth: 'staff', permission: 'infra.cyber.write', params: MemberParams, body: RemoveMember }) }, async (req) => {
    const c = await ctx(req, 'infra.cyber.write');
    const { iin } = parse(MemberParams, req.params, 'member');
    return removeCyberMember(db, idOf(req, 'UNIT'), iin, req.body ?? {}, c);
  });

  app.get('/api/infra/incidents', { schema: doc({ summary: 'Incident log, newest first (times in +05:00)', tags: TAGS, auth: 'staff', permission: 'infra.incidents.read', query: IncidentQuery }) }, async (req) => {
    const c = await ctx(req, 'infra.incidents.read');
    return { incidents: await listIncidents(db, (req.query ?? {}) as Record<string, unknown>, c.scope) };
  });

  app.post('/api/infra/incidents', { schema: doc({ summary: "Open an incident against an object or a cyber unit's responsibility", tags: TAGS, auth: 'staff', permission: 'infra.incidents.write', body: NewIncident }) }, async (req, reply) => {
    const c = await ctx(req, 'infra.incidents.write');
    return reply.status(201).send(await openIncident(db, req.body ?? {}, c));
  });

  app.get('/api/infra/incidents/:id', { schema: doc({ summary: 'An incident with its timeline', tags: TAGS, auth: 'staff', permission: 'infra.incidents.read', params: Id }) }, async (req) => {
    const c = await ctx(req, 'infra.incidents.read');
    return showIncident(db, idOf(req, 'INCIDENT'), c.scope);
  });

  app.post('/api/infra/incidents/:id/entries', { schema: doc({ summary: "Append to an incident's timeline: note, assign a unit, contain, resolve", tags: TAGS, auth: 'staff', permission: 'infra.incidents.write', params: Id, body: IncidentEntryInput }) }, async (req, reply) => {
    const c = await ctx(req, 'infra.incidents.write');
    return reply.status(201).send(await recordIncident(db, idOf(req, 'INCIDENT'), req.body ?? {}, c));
  });

  app.get('/api/infra/readiness', { schema: doc({ summary: 'Per-region infrastructure and cyber readiness measures (your region for a regional officer)', tags: TAGS, auth: 'staff', permission: 'infra.incidents.read' }) }, async (req) => {
    const c = await ctx(req, 'infra.incidents.read');
    const all = await infrastructureReadiness(db);
    return { regions: c.scope.region ? all.filter((r) => r.region === c.scope.region) : all };
  });
}
