import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { actorName, assertSummonsVisible, withinArea, type StaffPrincipal } from '../../modules/access/index.ts';
import { getPlan } from '../../modules/callup/index.ts';
import {
  dispatchStatus,
  failuresToAppear,
  issuePlan,
  recordOfficerAction,
  referDueFailures,
  referralCsv,
  referralList,
  showSummons,
  summonsProof,
  verifySummonsCode,
  SummonsPurpose,
  OfficerAction,
  kzDateTime,
  type CodeCheck,
  type FailureFilter,
} from '../../modules/summons/index.ts';
import type { Auth } from '../auth.ts';
import { assertPlanInArea } from '../plan-scope.ts';
import { doc } from '../openapi.ts';

const IssueRequest = z.object({ appearanceAt: z.iso.datetime({ offset: true }), purpose: SummonsPurpose.optional() }).strict();
const Scope = z.object({
  region: z.string().regex(/^KZ-[A-Z0-9]{2,3}$/).optional(),
  district: z.string().min(1).max(200).optional(),
  plan: z.string().min(1).max(100).optional(),
  purpose: z.string().min(1).max(500).optional(),
}).strict();

const escape = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function verifyPage(r: CodeCheck): string {
  const body = r.genuine
    ? `<h1 class="ok">✔ Шақыру қағазы шынайы · Повестка подлинная · Genuine summons</h1>
<p>${r.exercise ? '<strong>ОҚУ-ЖАТТЫҒУ / УЧЕНИЯ / EXERCISE</strong></p><p>' : ''}${escape(r.lmaOffice)}<br>${escape(kzDateTime(new Date(r.appearanceAt)).slice(0, 16).replace('T', ' '))} (UTC+5)</p>
<p>Код / Code: <code>${escape(r.code)}</code></p>`
    : `<h1 class="bad">✘ Мұндай шақыру қағазы берілмеген · Такая повестка не выдавалась · No such summons</h1>
<p>Код / Code: <code>${escape(r.code)}</code></p><p>${escape(r.reason)}</p>`;
  return `<!doctype html><html lang="kk"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mobilize — verify</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}.ok{color:#146c2e}.bad{color:#a4161a}</style>
</head><body>${body}</body></html>`;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, hint: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new DomainError('API_BAD_REQUEST', `${hint} — ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
}

/** Summonses for LMA officers: issue a plan, read a summons and its proof, record what happened, failures and referrals. */
export function summonsRoutes(app: FastifyInstance, opts: { db: Db; clock: Clock; auth: Auth }): void {
  const { db, clock, auth } = opts;

  /** The requested region/district, confined to the officer's own area. */
  const filterOf = async (p: StaffPrincipal, q: z.infer<typeof Scope>): Promise<FailureFilter> => ({
    ...withinArea(p, { ...(q.region ? { region: q.region } : {}), ...(q.district ? { district: q.district } : {}) }),
    ...(q.plan ? { planId: (await getPlan(db, q.plan)).id } : {}),
  });

  app.post<{ Params: { ref: string } }>('/api/callup/plans/:ref/issue', { schema: doc({ summary: 'Issue an approved plan as summonses (a second person)', tags: ['summons'], auth: 'staff', permission: 'summons.issue', params: z.object({ ref: z.string() }), body: IssueRequest }) }, async (req, reply) => {
    const p = await auth.allow(req, 'summons.issue');
    await assertPlanInArea(db, p, req.params.ref);
    const actor = actorName(p);
    const body = parse(IssueRequest, req.body, 'Send {"appearanceAt": "2026-12-01T09:00:00+05:00", "purpose"?: "..."}');
    const r = await issuePlan(db, req.params.ref, { actor, clock, appearanceAt: new Date(body.appearanceAt), ...(body.purpose ? { purpose: body.purpose } : {}) });
    return reply.status(201).send(r);
  });

  app.get('/api/summonses/dispatch', { schema: doc({ summary: 'Outbox and delivery-receipt status', tags: ['summons'], auth: 'staff', permission: 'summons.dispatch.read' }) }, async (req) => {
    await auth.allow(req, 'summons.dispatch.read');
    return dispatchStatus(db);
  });

  app.get<{ Params: { id: string } }>('/api/summonses/:id', { schema: doc({ summary: 'A summons with its legal state derived from the evidence (audited read)', tags: ['summons'], auth: 'staff', permission: 'summons.read', params: z.object({ id: z.string() }) }) }, async (req) => {
    const p = await auth.allow(req, 'summons.read');
    await assertSummonsVisible(db, p, req.params.id, clock.now());
    return showSummons(db, req.params.id, { actor: actorName(p), at: clock.now() });
  });

  app.get<{ Params: { id: string } }>('/api/summonses/:id/proof', { schema: doc({ summary: "A summons' evidence chain and the ledger's verification", tags: ['summons'], auth: 'staff', permission: 'summons.read', params: z.object({ id: z.string() }) }) }, async (req) => {
    const p = await auth.allow(req, 'summons.read');
    await assertSummonsVisible(db, p, req.params.id, clock.now());
    return summonsProof(db, req.params.id, { actor: actorName(p), at: clock.now() });
  });

  app.post<{ Params: { id: string } }>('/api/summonses/:id/actions', { schema: doc({ summary: 'Record appearance, a decision on a reason, or paper delivery', tags: ['summons'], auth: 'staff', permission: 'summons.record', params: z.object({ id: z.string() }), body: OfficerAction }) }, async (req, reply) => {
    const p = await auth.allow(req, 'summons.record');
    await assertSummonsVisible(db, p, req.params.id, clock.now());
    const actor = actorName(p);
    const state = await recordOfficerAction(db, req.params.id, req.body, { actor, clock });
    return reply.status(201).send({ legal: state.legal, notification: state.notification, pendingReason: state.pendingReason?.reason ?? null, version: state.version });
  });

  app.get('/api/summonses/failures', { schema: doc({ summary: 'Failures to appear per district', tags: ['summons'], auth: 'staff', permission: 'summons.failures', query: Scope }) }, async (req) => {
    const p = await auth.allow(req, 'summons.failures');
    const q = parse(Scope, req.query, 'query parameters region, district, plan');
    return failuresToAppear(db, await filterOf(p, q), { actor: actorName(p), at: clock.now() });
  });

  app.post('/api/summonses/failures/refer', { schema: doc({ summary: 'Refer every failure due to internal affairs', tags: ['summons'], auth: 'staff', permission: 'summons.failures', body: Scope }) }, async (req) => {
    const p = await auth.allow(req, 'summons.failures');
    const q = parse(Scope, req.body ?? {}, 'Send {"region"?, "district"?, "plan"?}');
    return referDueFailures(db, await filterOf(p, q), { actor: actorName(p), clock });
  });

  app.get('/api/summonses/referrals.csv', { schema: doc({ summary: 'The referral list for internal affairs (CSV)', tags: ['summons'], auth: 'staff', permission: 'referrals.read', query: Scope }) }, async (req, reply) => {
    const p = await auth.allow(req, 'referrals.read');
    const q = parse(Scope, req.query, 'query parameters region, district, plan, purpose');
    const list = await referralList(db, await filterOf(p, q), { actor: actorName(p), at: clock.now(), purpose: q.purpose ?? 'referral to internal affairs' });
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="referrals.csv"').send(referralCsv(list));
  });

  /** The page a summons' QR code opens: the same check, readable on a phone, in Kazakh, Russian and English. */
  app.get<{ Params: { code: string } }>('/verify/:code', { schema: doc({ summary: 'Summons check page (HTML) the QR code opens', tags: ['summons'], auth: 'public', params: z.object({ code: z.string() }) }) }, async (req, reply) => {
    const r = await verifySummonsCode(db, req.params.code);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(verifyPage(r));
  });

  /** Public: anyone holding a summons may check it, and learns only when and where to appear. */
  app.get<{ Params: { code: string } }>('/api/verify/:code', { schema: doc({ summary: 'Check a summons verification code (public; tells when and where, not who)', tags: ['summons'], auth: 'public', params: z.object({ code: z.string() }) }) }, async (req) => verifySummonsCode(db, req.params.code));
}
