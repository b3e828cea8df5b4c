import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { kzDate, type Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { actorName, assertPersonVisible, personScopeSql, withinArea, type StaffPrincipal } from '../../modules/access/index.ts';
import { getPlan, listPlans } from '../../modules/callup/index.ts';
import { evaluateAll, loadPack, type EligibilityPerson, type Pack } from '../../modules/eligibility/index.ts';
import { fourTierReadiness, regionReadiness } from '../../modules/readiness/index.ts';
import { districtsOf, findPerson, personHistory, PersonSearch, regions, searchPersons, specialties } from '../../modules/registry/index.ts';
import { FunnelListQuery, funnelSummonses, summonsFunnel, type FunnelFilter } from '../../modules/summons/index.ts';
import type { Auth } from '../auth.ts';
import { doc } from '../openapi.ts';

const RegionCode = z.string().regex(/^KZ-[0-9A-Z]{1,3}$/, 'must be a region ISO code such as KZ-75');
const OnQuery = z.object({ on: z.iso.date().optional() }).strict();
const IinParams = z.object({ iin: z.string().regex(/^\d{12}$/) });
const FunnelQuery = z.object({ plan: z.string().min(1).max(100).optional(), region: RegionCode.optional(), district: z.string().min(1).max(200).optional() }).strict();
const FunnelListRequest = FunnelQuery.extend(FunnelListQuery.shape).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, hint: string): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new DomainError('API_BAD_REQUEST', `${hint} — ${r.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
}

/** The requested region/district narrowed to the officer's area (another area is refused), plus the person scope. */
function area(p: StaffPrincipal, q: { region?: string | undefined; district?: string | undefined }) {
  return { ...withinArea(p, { ...(q.region ? { region: q.region } : {}), ...(q.district ? { district: q.district } : {}) }), scope: (alias: string, params: unknown[]) => personScopeSql(p, alias, params) };
}

/**
 * What the web UI reads beyond the workflow routes: reference lists, registry search and the person card, the
 * readiness of each region, the plans, and the summons funnel. Aggregates carry no personal data; every read that
 * does is audited by the module it goes through.
 */
export function dashboardRoutes(app: FastifyInstance, opts: { db: Db; clock: Clock; auth: Auth; pack?: Pack }): void {
  const { db, clock, auth } = opts;
  let pack = opts.pack;
  const rulePack = () => (pack ??= loadPack());
  const today = () => kzDate(clock.now());

  app.get('/api/reference', { schema: doc({ summary: 'Regions, military specialties and rule sets, with names in en/kk/ru', tags: ['reference'], auth: 'staff' }) }, async (req) => {
    await auth.staff(req);
    return {
      today: today(),
      regions: regions().map((r) => ({ iso: r.iso, name: { en: r.name_en, kk: r.name_kk, ru: r.name_ru } })),
      specialties: specialties().map((s) => ({ code: s.code, name: { en: s.name_en, kk: s.name_kk, ru: s.name_ru } })),
      ruleSets: rulePack().ruleSets.map((r) => ({ id: r.id, version: r.version, title: r.title, effective: r.effective })),
    };
  });

  app.get<{ Params: { iso: string } }>('/api/regions/:iso/districts', { schema: doc({ summary: 'Districts of a region that have people on the registry', tags: ['reference'], auth: 'staff', permission: 'person.read', params: z.object({ iso: RegionCode }) }) }, async (req) => {
    const p = await auth.allow(req, 'person.read');
    const iso = parse(RegionCode, req.params.iso, 'a region ISO code');
    const { region, district } = withinArea(p, { region: iso });
    const all = await districtsOf(db, region as string);
    return { region, districts: district ? all.filter((d) => d === district) : all };
  });

  app.get('/api/persons', { schema: doc({ summary: 'Search the registry by IIN prefix or name prefixes, paginated (audited read)', tags: ['registry'], auth: 'staff', permission: 'person.read', query: PersonSearch }) }, async (req) => {
    const p = await auth.allow(req, 'person.read');
    const q = parse(PersonSearch, req.query, 'query parameters q, region, district, page, pageSize');
    const a = area(p, q);
    return searchPersons(db, { ...q, ...(a.region ? { region: a.region } : {}), ...(a.district ? { district: a.district } : {}) }, { scope: a.scope, actor: actorName(p), at: clock.now() });
  });

  app.get<{ Params: { iin: string } }>('/api/persons/:iin/card', { schema: doc({ summary: "A person's card: record, history and eligibility under every rule set in effect (audited read)", tags: ['registry'], auth: 'staff', permission: 'person.read', params: IinParams, query: OnQuery }) }, async (req) => {
    const p = await auth.allow(req, 'person.read');
    const { on = today() } = parse(OnQuery, req.query, 'query parameter on (YYYY-MM-DD)');
    await assertPersonVisible(db, p, req.params.iin, clock.now());
    const read = { actor: actorName(p), purpose: 'person card', at: clock.now() };
    const person = await findPerson(db, req.params.iin, read);
    const history = await personHistory(db, req.params.iin, read);
    if (!person || !history) throw new DomainError('API_NOT_FOUND', `No person with IIN ${req.params.iin} in the registry.`);
    return { person, history, eligibility: { on, ...evaluateAll(rulePack(), person as unknown as EligibilityPerson, on) } };
  });

  app.get('/api/dashboard/readiness', { schema: doc({ summary: 'Readiness per region: registry and eligibility counts (aggregates only)', tags: ['dashboard'], auth: 'staff', permission: 'callup.plan.read', query: OnQuery }) }, async (req) => {
    await auth.allow(req, 'callup.plan.read');
    const { on = today() } = parse(OnQuery, req.query, 'query parameter on (YYYY-MM-DD)');
    return regionReadiness(db, { on, pack: rulePack() });
  });

  app.get('/api/dashboard/tiers', { schema: doc({ summary: 'Readiness of the military, civil, economic, cyber and territorial-defence tiers per region (aggregates only)', tags: ['dashboard'], auth: 'staff', permission: 'readiness.read', query: OnQuery }) }, async (req) => {
    await auth.allow(req, 'readiness.read');
    const { on = today() } = parse(OnQuery, req.query, 'query parameter on (YYYY-MM-DD)');
    return fourTierReadiness(db, { on, pack: rulePack(), clock });
  });

  app.get('/api/dashboard/plans', { schema: doc({ summary: 'Call-up plans, newest first, with status and per-cell quota, filled and shortfall', tags: ['dashboard'], auth: 'staff', permission: 'callup.plan.read' }) }, async (req) => {
    const p = await auth.allow(req, 'callup.plan.read');
    const plans = await listPlans(db);
    if (p.role !== 'agency_officer') return { plans };
    // A receiving agency sees the plans with places for it, and only those places (as GET /api/callup/plans/:ref).
    return { plans: plans.map((x) => ({ ...x, cells: x.cells.filter((c) => c.agency === p.agency) })).filter((x) => x.cells.length > 0) };
  });

  const funnelFilter = async (p: StaffPrincipal, query: unknown): Promise<FunnelFilter> => {
    const q = parse(FunnelQuery, query, 'query parameters plan, region, district');
    const a = area(p, q);
    return { ...a, ...(q.plan ? { planId: (await getPlan(db, q.plan)).id } : {}) };
  };

  app.get('/api/dashboard/funnel', { schema: doc({ summary: 'Summons funnel (issued, sent, delivered, duly notified, appeared) per region and district, live summonses unless a plan is named', tags: ['dashboard'], auth: 'staff', permission: 'summons.read', query: FunnelQuery }) }, async (req) => {
    const p = await auth.allow(req, 'summons.read');
    return summonsFunnel(db, await funnelFilter(p, req.query));
  });

  app.get('/api/dashboard/funnel/summonses', { schema: doc({ summary: 'One page of the summonses behind the funnel, filtered by legal state or stage, with names (audited read)', tags: ['dashboard'], auth: 'staff', permission: 'summons.read', query: FunnelListRequest }) }, async (req) => {
    const p = await auth.allow(req, 'summons.read');
    const { plan, region, district, ...paging } = parse(FunnelListRequest, req.query, 'query parameters plan, region, district, legal, stage, missing, page, pageSize');
    return funnelSummonses(db, { ...(await funnelFilter(p, { plan, region, district })), ...paging }, { actor: actorName(p), at: clock.now() });
  });
}
