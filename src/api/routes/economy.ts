import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { actorName, withinArea, type Permission, type StaffPrincipal } from '../../modules/access/index.ts';
import {
  CapacityInput,
  LedgerInput,
  NewEnterprise,
  NewRequisition,
  NewTask,
  TaskProgress,
  TaskResponse,
  actOnTask,
  assignTask,
  compensationTotals,
  decideRequisition,
  draftRequisition,
  economyReadiness,
  economyScope,
  importCapacities,
  listEnterprises,
  listRequisitions,
  listTasks,
  loadPriceList,
  readTask,
  recordLedger,
  registerEnterprise,
  setCapacity,
  showEnterprise,
  showRequisition,
  type EconomyContext,
  type RequisitionState,
  type TaskState,
} from '../../modules/economy/index.ts';
import type { Auth } from '../auth.ts';
import { doc } from '../openapi.ts';

const RegionCode = z.string().regex(/^KZ-[0-9A-Z]{1,3}$/, 'must be a region ISO code such as KZ-75');
const Id = z.object({ id: z.string() });
const BinParams = z.object({ bin: z.string() });
const Note = z.object({ note: z.string().max(1000).optional() }).strict();
const CsvBody = z.object({ csv: z.string().min(1).max(900_000), file: z.string().max(300).optional() }).strict();
const EnterpriseQuery = z.object({ region: RegionCode.optional() }).strict();
const TaskQuery = z.object({ bin: z.string().regex(/^\d{12}$/).optional(), state: z.enum(['assigned', 'accepted', 'declined', 'fulfilled']).optional() }).strict();
const RequisitionQuery = z.object({ region: RegionCode.optional(), state: z.enum(['draft', 'rejected', 'in_use', 'returned', 'closed']).optional() }).strict();
const TotalsQuery = z.object({ by: z.enum(['region', 'owner']).default('region') }).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, hint: string): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new DomainError('API_BAD_REQUEST', `${hint} — ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
}

/**
 * Economic tier: enterprises and their capacities, tasks given to them, requisitions of property and the
 * compensation ledger. The module applies the scope: an enterprise officer reaches their own enterprise only, a
 * regional or district officer their region (a region asked for outside it is refused).
 */
export function economyRoutes(app: FastifyInstance, opts: { db: Db; clock: Clock; auth: Auth }): void {
  const { db, clock, auth } = opts;
  const ctxOf = (p: StaffPrincipal): EconomyContext => ({ actor: actorName(p), at: clock.now(), scope: economyScope(p) });
  const staff = async (req: FastifyRequest, permission: Permission) => {
    const p = await auth.allow(req, permission);
    return { p, ctx: ctxOf(p) };
  };
  const region = (p: StaffPrincipal, wanted?: string) => (wanted ? withinArea(p, { region: wanted }).region : undefined);
  const tags = ['economy'];

  app.get('/api/economy/enterprises', { schema: doc({ summary: 'Enterprises with their declared capacity per kind', tags, auth: 'staff', permission: 'economy.read', query: EnterpriseQuery }) }, async (req) => {
    const { p, ctx } = await staff(req, 'economy.read');
    const q = parse(EnterpriseQuery, req.query, 'query: region?');
    const r = region(p, q.region);
    return { enterprises: await listEnterprises(db, ctx.scope, r ? { region: r } : {}) };
  });

  app.post('/api/economy/enterprises', { schema: doc({ summary: 'Register an organisation as an enterprise of the economic tier', tags, auth: 'staff', permission: 'economy.enterprise.register', body: NewEnterprise }) }, async (req, reply) => {
    const { ctx } = await staff(req, 'economy.enterprise.register');
    return reply.status(201).send(await registerEnterprise(db, req.body, ctx));
  });

  app.get<{ Params: { bin: string } }>('/api/economy/enterprises/:bin', { schema: doc({ summary: 'An enterprise: capacity lines (with what tasks hold) and tasks', tags, auth: 'staff', permission: 'economy.read', params: BinParams }) }, async (req) => {
    const { ctx } = await staff(req, 'economy.read');
    return showEnterprise(db, req.params.bin, ctx.scope);
  });

  app.post('/api/economy/capacities', { schema: doc({ summary: 'Declare one capacity line (new, or a new quantity for an existing kind, subtype and region)', tags, auth: 'staff', permission: 'economy.capacity.write', body: CapacityInput }) }, async (req) => {
    const { ctx } = await staff(req, 'economy.capacity.write');
    return { capacities: await setCapacity(db, req.body, ctx) };
  });

  app.post('/api/economy/capacities/import', { schema: doc({ summary: 'Import capacity lines from CSV: all lines or none, problems by line and field', tags, auth: 'staff', permission: 'economy.capacity.write', body: CsvBody }) }, async (req, reply) => {
    const { ctx } = await staff(req, 'economy.capacity.write');
    const b = parse(CsvBody, req.body, 'Send {"csv": "bin,kind,subtype,quantity,region\\n..."}');
    return reply.status(201).send(await importCapacities(db, b.csv, { ...ctx, ...(b.file ? { file: b.file } : {}) }));
  });

  app.get('/api/economy/tasks', { schema: doc({ summary: 'Mobilization tasks given to enterprises, newest first', tags, auth: 'staff', permission: 'economy.read', query: TaskQuery }) }, async (req) => {
    const { ctx } = await staff(req, 'economy.read');
    const q = parse(TaskQuery, req.query, 'query: bin?, state?');
    return { tasks: await listTasks(db, ctx.scope, { ...(q.bin ? { bin: q.bin } : {}), ...(q.state ? { state: q.state as TaskState } : {}) }) };
  });

  app.post('/api/economy/tasks', { schema: doc({ summary: "Assign a task to an enterprise (refused beyond its declared capacity)", tags, auth: 'staff', permission: 'economy.task.assign', body: NewTask }) }, async (req, reply) => {
    const { ctx } = await staff(req, 'economy.task.assign');
    return reply.status(201).send(await assignTask(db, req.body, ctx));
  });

  app.get<{ Params: { id: string } }>('/api/economy/tasks/:id', { schema: doc({ summary: 'A task with its log', tags, auth: 'staff', permission: 'economy.read', params: Id }) }, async (req) => {
    const { ctx } = await staff(req, 'economy.read');
    return readTask(db, req.params.id, ctx.scope);
  });

  for (const action of ['accept', 'decline'] as const) {
    app.post<{ Params: { id: string } }>(`/api/economy/tasks/:id/${action}`, { schema: doc({ summary: `${action === 'accept' ? 'Accept' : 'Decline'} a task given to your enterprise`, tags, auth: 'staff', permission: 'economy.task.respond', params: Id, body: TaskResponse }) }, async (req) => {
      const { ctx } = await staff(req, 'economy.task.respond');
      return actOnTask(db, req.params.id, action, req.body ?? {}, ctx);
    });
  }

  app.post<{ Params: { id: string } }>('/api/economy/tasks/:id/progress', { schema: doc({ summary: 'Report a quantity delivered on an accepted task (fulfilled when it reaches the quantity)', tags, auth: 'staff', permission: 'economy.task.progress', params: Id, body: TaskProgress }) }, async (req) => {
    const { ctx } = await staff(req, 'economy.task.progress');
    return actOnTask(db, req.params.id, 'progress', req.body, ctx);
  });

  app.get('/api/economy/requisitions', { schema: doc({ summary: 'Requisitions of property with value and balance owed (reading citizens’ ones is audited)', tags, auth: 'staff', permission: 'economy.requisition.read', query: RequisitionQuery }) }, async (req) => {
    const { p, ctx } = await staff(req, 'economy.requisition.read');
    const q = parse(RequisitionQuery, req.query, 'query: region?, state?');
    const r = region(p, q.region);
    return { requisitions: await listRequisitions(db, ctx, { ...(r ? { region: r } : {}), ...(q.state ? { state: q.state as RequisitionState } : {}) }) };
  });

  app.post('/api/economy/requisitions', { schema: doc({ summary: 'Draft a requisition of property; every item valued at market value by the reference price list', tags, auth: 'staff', permission: 'economy.requisition.write', body: NewRequisition }) }, async (req, reply) => {
    const { ctx } = await staff(req, 'economy.requisition.write');
    return reply.status(201).send(await draftRequisition(db, req.body, ctx));
  });

  app.get<{ Params: { id: string } }>('/api/economy/requisitions/:id', { schema: doc({ summary: 'A requisition: items with their valuation inputs, approvals, ledger and balance', tags, auth: 'staff', permission: 'economy.requisition.read', params: Id }) }, async (req) => {
    const { ctx } = await staff(req, 'economy.requisition.read');
    return showRequisition(db, req.params.id, ctx);
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post<{ Params: { id: string } }>(`/api/economy/requisitions/:id/${decision}`, { schema: doc({ summary: decision === 'approve' ? 'Approve a requisition (not by whoever drafted it); writes what is owed' : 'Reject a drafted requisition', tags, auth: 'staff', permission: 'economy.requisition.approve', params: Id, body: Note }) }, async (req) => {
      const { ctx } = await staff(req, 'economy.requisition.approve');
      return decideRequisition(db, req.params.id, decision, req.body ?? {}, ctx);
    });
  }

  app.post<{ Params: { id: string } }>('/api/economy/requisitions/:id/ledger', { schema: doc({ summary: 'Record a payment, the return of the property, or damage found on return', tags, auth: 'staff', permission: 'economy.ledger.write', params: Id, body: LedgerInput }) }, async (req, reply) => {
    const { ctx } = await staff(req, 'economy.ledger.write');
    return reply.status(201).send(await recordLedger(db, req.params.id, req.body, ctx));
  });

  app.get('/api/economy/compensation', { schema: doc({ summary: 'Compensation totals (owed, returned, damage, paid, balance) per region or per owner', tags, auth: 'staff', permission: 'economy.requisition.read', query: TotalsQuery }) }, async (req) => {
    const { ctx } = await staff(req, 'economy.requisition.read');
    const q = parse(TotalsQuery, req.query, 'query: by=region|owner');
    return { by: q.by, totals: await compensationTotals(db, ctx, q.by) };
  });

  app.get('/api/economy/market-prices', { schema: doc({ summary: 'The reference market price list requisitions are valued with', tags, auth: 'staff', permission: 'economy.requisition.read' }) }, async (req) => {
    await staff(req, 'economy.requisition.read');
    return loadPriceList();
  });

  app.get('/api/economy/readiness', { schema: doc({ summary: 'Economic readiness per region (aggregates only)', tags, auth: 'staff', permission: 'economy.read' }) }, async (req) => {
    await staff(req, 'economy.read');
    return { regions: await economyReadiness(db) };
  });
}
