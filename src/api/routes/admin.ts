import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { NewUser, actorName, createUser, listUsers } from '../../modules/access/index.ts';
import { verifyAudit } from '../../modules/audit/index.ts';
import type { Auth } from '../auth.ts';
import { doc } from '../openapi.ts';

const AuditQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  actor: z.string().max(200).optional(),
  subject: z.string().max(200).optional(),
}).strict();

/** Users (national coordinator) and the audit log (auditor, read-only). */
export function adminRoutes(app: FastifyInstance, opts: { db: Db; clock: Clock; auth: Auth }): void {
  const { db, clock, auth } = opts;

  app.get('/api/users', { schema: doc({ summary: 'Users and their roles', tags: ['access'], auth: 'staff', permission: 'users.manage' }) }, async (req) => {
    await auth.allow(req, 'users.manage');
    return listUsers(db);
  });

  app.post('/api/users', { schema: doc({ summary: 'Create a user', tags: ['access'], auth: 'staff', permission: 'users.manage', body: NewUser }) }, async (req, reply) => {
    const p = await auth.allow(req, 'users.manage');
    return reply.status(201).send(await createUser(db, req.body, { actor: actorName(p), clock }));
  });

  app.get('/api/audit', { schema: doc({ summary: 'Audit log entries, paginated by seq', tags: ['audit'], auth: 'staff', permission: 'audit.read', query: AuditQuery }) }, async (req) => {
    await auth.allow(req, 'audit.read');
    const q = AuditQuery.safeParse(req.query);
    if (!q.success) throw new DomainError('API_BAD_REQUEST', `query parameters after, limit (1–1000), actor, subject — ${q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const params: unknown[] = [q.data.after];
    const where = ['seq > $1'];
    if (q.data.actor) where.push(`actor = $${params.push(q.data.actor)}`);
    if (q.data.subject) where.push(`subject = $${params.push(q.data.subject)}`);
    const entries = await db.query(`SELECT seq, at, actor, action, subject, details, hash FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ${q.data.limit}`, params);
    return { entries, next: entries.length === q.data.limit ? (entries[entries.length - 1] as { seq: number }).seq : null };
  });

  app.get('/api/audit/verify', { schema: doc({ summary: 'Re-derive the audit hash chain', tags: ['audit'], auth: 'staff', permission: 'audit.read' }) }, async (req) => {
    await auth.allow(req, 'audit.read');
    return verifyAudit(db);
  });
}
