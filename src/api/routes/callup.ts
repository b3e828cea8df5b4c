import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { actorName, assertPersonVisible } from '../../modules/access/index.ts';
import { CallupOrder, explainPlanFor, getPlan, parseOrderValue, planCallup, recordPlanAction } from '../../modules/callup/index.ts';
import type { Auth } from '../auth.ts';
import { assertOrderInArea, assertPlanInArea } from '../plan-scope.ts';
import { doc } from '../openapi.ts';

const PlanRequest = z.object({ order: z.unknown(), seed: z.string().min(1).optional() }).strict();
const ActionRequest = z.object({ note: z.string().max(1000).optional() }).strict();

/** Call-up orders and plans: plan an order, read a plan, explain it for one person, approve or withdraw it. */
export function callupRoutes(app: FastifyInstance, opts: { db: Db; clock: Clock; auth: Auth }): void {
  const { db, clock, auth } = opts;

  app.post('/api/callup/plans', { schema: doc({ summary: 'Plan a call-up order; stored as a new draft version', tags: ['callup'], auth: 'staff', permission: 'callup.plan.write', body: z.object({ order: CallupOrder, seed: z.string().optional() }) }) }, async (req, reply) => {
    const p = await auth.allow(req, 'callup.plan.write');
    const actor = actorName(p);
    const body = PlanRequest.safeParse(req.body);
    if (!body.success) throw new DomainError('API_BAD_REQUEST', 'Send {"order": {...}, "seed"?: "..."}.', { issues: body.error.issues });
    const { order, issues } = parseOrderValue(body.data.order);
    if (!order) throw new DomainError('CALLUP_ORDER_INVALID', `The order is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
    assertOrderInArea(p, order);
    const { id, report } = await planCallup(db, order, { actor, clock, ...(body.data.seed ? { seed: body.data.seed } : {}) });
    return reply.status(201).send({ id, report });
  });

  app.get<{ Params: { ref: string } }>('/api/callup/plans/:ref', { schema: doc({ summary: 'A plan: report, shortfalls, actions (an agency officer sees its own quotas only)', tags: ['callup'], auth: 'staff', permission: 'callup.plan.read', params: z.object({ ref: z.string() }) }) }, async (req) => {
    const p = await auth.allow(req, 'callup.plan.read');
    const plan = await getPlan(db, req.params.ref);
    if (p.role !== 'agency_officer') return plan;
    // A receiving agency sees its own quotas only.
    const cells = plan.report.cells.filter((c) => c.agency === p.agency);
    const sum = (k: 'quota' | 'filled' | 'shortfall' | 'travelKm') => cells.reduce((n, c) => n + c[k], 0);
    const totals = { quota: sum('quota'), filled: sum('filled'), shortfall: sum('shortfall'), travelKm: sum('travelKm') };
    const agencies = Object.fromEntries(Object.entries(plan.order.agencies).filter(([k]) => k === p.agency));
    return { ...plan, order: { ...plan.order, agencies, quotas: plan.order.quotas.filter((q) => q.agency === p.agency) }, report: { ...plan.report, cells, totals } };
  });

  app.get<{ Params: { ref: string; iin: string } }>('/api/callup/plans/:ref/explain/:iin', { schema: doc({ summary: 'Why a person was or was not selected', tags: ['callup'], auth: 'staff', permission: 'callup.plan.read', params: z.object({ ref: z.string(), iin: z.string() }) }) }, async (req) => {
    const p = await auth.allow(req, 'callup.plan.read');
    await assertPersonVisible(db, p, req.params.iin, clock.now());
    const actor = actorName(p);
    return explainPlanFor(db, req.params.ref, req.params.iin, { actor, at: clock.now() });
  });

  for (const action of ['approve', 'withdraw'] as const) {
    app.post<{ Params: { ref: string } }>(`/api/callup/plans/:ref/${action}`, { schema: doc({ summary: `${action === 'approve' ? 'Approve' : 'Withdraw'} a plan (a second person, not its author)`, tags: ['callup'], auth: 'staff', permission: 'callup.plan.approve', params: z.object({ ref: z.string() }), body: ActionRequest }) }, async (req) => {
      const p = await auth.allow(req, 'callup.plan.approve');
      await assertPlanInArea(db, p, req.params.ref);
      const actor = actorName(p);
      const body = ActionRequest.safeParse(req.body ?? {});
      if (!body.success) throw new DomainError('API_BAD_REQUEST', 'Send {"note"?: "..."}.', { issues: body.error.issues });
      return recordPlanAction(db, req.params.ref, action, { actor, clock, ...(body.data.note ? { note: body.data.note } : {}) });
    });
  }
}
