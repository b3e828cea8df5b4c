import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { doc } from '../openapi.ts';
import { ReasonReport, acknowledgeSummons, citizenOf, mySummonsesBySession, reportReason, requestSignInCode, signIn, updateMobile, type CodeSender } from '../../modules/summons/index.ts';

const CodeRequest = z.object({ iin: z.string().max(20) }).strict();
const SignInRequest = z.object({ iin: z.string().max(20), code: z.string().max(20) }).strict();
const MobileRequest = z.object({ mobile: z.string().max(30) }).strict();

function body<T>(schema: z.ZodType<T>, value: unknown, hint: string): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new DomainError('API_BAD_REQUEST', `${hint} — ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
}

/**
 * Citizen self-service: sign in with IIN and a code sent to the registered phone, then only the signed-in person's
 * own summonses. The session token is the only credential these routes accept; the officers' token is not one.
 */
export function citizenRoutes(app: FastifyInstance, opts: { db: Db; clock: Clock; codeSender?: CodeSender }): void {
  const { db, clock } = opts;
  const tokenOf = (req: FastifyRequest): string => {
    const h = req.headers.authorization ?? '';
    return h.startsWith('Bearer ') ? h.slice(7) : '';
  };
  const citizen = (req: FastifyRequest): Promise<string> => citizenOf(db, tokenOf(req), clock);

  app.post('/api/citizen/code', { schema: doc({ summary: 'Send a sign-in code to the registered mobile (same answer whether or not the IIN is registered)', tags: ['citizen'], auth: 'public', body: CodeRequest }) }, async (req, reply) => {
    const { iin } = body(CodeRequest, req.body, 'Send {"iin": "..."}');
    if (!opts.codeSender) throw new DomainError('SELF_SERVICE_UNAVAILABLE', 'sign-in codes cannot be sent: no SMS channel is configured');
    return reply.status(202).send(await requestSignInCode(db, iin, { clock, address: req.ip, sender: opts.codeSender, onSendError: (e) => req.log.error({ err: e, reqId: req.id }, 'sign-in code not sent') }));
  });

  app.post('/api/citizen/session', { schema: doc({ summary: 'Exchange the code for a citizen session', tags: ['citizen'], auth: 'public', body: SignInRequest }) }, async (req, reply) => {
    const { iin, code } = body(SignInRequest, req.body, 'Send {"iin": "...", "code": "123456"}');
    const s = await signIn(db, iin, code, { clock, address: req.ip });
    return reply.status(201).send({ token: s.token, expiresAt: s.expiresAt.toISOString() });
  });

  app.get('/api/citizen/summonses', { schema: doc({ summary: 'My summonses and their legal state', tags: ['citizen'], auth: 'citizen' }) }, async (req) => mySummonsesBySession(db, tokenOf(req), { clock }));

  app.post<{ Params: { id: string } }>('/api/citizen/summonses/:id/acknowledge', { schema: doc({ summary: 'I have read this summons', tags: ['citizen'], auth: 'citizen', params: z.object({ id: z.string() }) }) }, async (req) => acknowledgeSummons(db, await citizen(req), req.params.id, { clock }));

  app.post<{ Params: { id: string } }>('/api/citizen/summonses/:id/reason', { schema: doc({ summary: 'Report a valid reason for not appearing', tags: ['citizen'], auth: 'citizen', params: z.object({ id: z.string() }), body: ReasonReport }) }, async (req, reply) => {
    const iin = await citizen(req);
    return reply.status(201).send(await reportReason(db, iin, req.params.id, req.body ?? {}, { clock }));
  });

  app.put('/api/citizen/mobile', { schema: doc({ summary: 'Change my mobile number', tags: ['citizen'], auth: 'citizen', body: MobileRequest }) }, async (req) => {
    const iin = await citizen(req);
    const { mobile } = body(MobileRequest, req.body, 'Send {"mobile": "+77011234567"}');
    return updateMobile(db, iin, mobile, { clock });
  });
}
