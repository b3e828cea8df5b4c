import type { Db, Tx } from '../../db/client.ts';
import { GENESIS_HASH, entryHash, type AuditEntryContent } from './chain.ts';

export interface AuditInput {
  actor: string;
  action: string;
  subject?: string | null;
  details?: Record<string, unknown>;
  at: Date;
}

const AUDIT_LOCK = 7_221_002;

/**
 * Appends one entry to the hash-chained audit log inside the caller's transaction, so the entry exists exactly
 * when the change it describes does. A transaction-scoped advisory lock keeps the chain linear.
 */
export async function appendAudit(tx: Tx, input: AuditInput): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  const { rows } = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const prev = rows[0];
  const content: AuditEntryContent = {
    seq: (prev?.seq ?? 0) + 1,
    at: input.at.toISOString(),
    actor: input.actor,
    action: input.action,
    subject: input.subject ?? null,
    details: input.details ?? {},
  };
  const prevHash = prev?.hash ?? GENESIS_HASH;
  await tx.query(
    'INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [content.seq, input.at, content.actor, content.action, content.subject, JSON.stringify(content.details), prevHash, entryHash(prevHash, content)],
  );
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  /** First sequence number at which the chain breaks, with why. */
  problem?: { seq: number; reason: string };
}

/** Re-derives every hash; an edited, inserted or deleted entry breaks the chain at that point. */
export async function verifyAudit(db: Db): Promise<VerifyResult> {
  let prevHash = GENESIS_HASH;
  let expectSeq = 1;
  let count = 0;
  for (;;) {
    const rows = await db.query<{ seq: number; at: Date; actor: string; action: string; subject: string | null; details: unknown; prev_hash: string; hash: string }>(
      'SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 5000',
      [expectSeq],
    );
    if (rows.length === 0) return { ok: true, entries: count };
    for (const r of rows) {
      if (r.seq !== expectSeq) return { ok: false, entries: count, problem: { seq: expectSeq, reason: 'entry missing' } };
      if (r.prev_hash !== prevHash) return { ok: false, entries: count, problem: { seq: r.seq, reason: 'previous-hash link broken' } };
      const content: AuditEntryContent = { seq: r.seq, at: new Date(r.at).toISOString(), actor: r.actor, action: r.action, subject: r.subject, details: r.details };
      if (entryHash(prevHash, content) !== r.hash) return { ok: false, entries: count, problem: { seq: r.seq, reason: 'entry content does not match its hash' } };
      prevHash = r.hash;
      expectSeq++;
      count++;
    }
  }
}
