import type { Db, Tx } from '../../db/client.ts';
import { ChainWalker, GENESIS_HASH, asStored, canonicalJson, entryHash, type AuditEntryContent, type ChainReport } from './chain.ts';

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
  await appendAuditEntries(tx, [input]);
}

/** Chains several entries, in order, under one lock and one insert. */
async function appendAuditEntries(tx: Tx, inputs: readonly AuditInput[]): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  const { rows } = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  let seq = Number(rows[0]?.seq ?? 0);
  let prevHash = rows[0]?.hash ?? GENESIS_HASH;
  const cols = { seq: [] as number[], at: [] as Date[], actor: [] as string[], action: [] as string[], subject: [] as (string | null)[], details: [] as string[], prev: [] as string[], hash: [] as string[] };
  for (const input of inputs) {
    const content: AuditEntryContent = asStored({
      seq: ++seq,
      at: input.at.toISOString(),
      actor: input.actor,
      action: input.action,
      subject: input.subject ?? null,
      details: input.details ?? {},
    });
    const hash = entryHash(prevHash, content);
    cols.seq.push(seq);
    cols.at.push(input.at);
    cols.actor.push(content.actor);
    cols.action.push(content.action);
    cols.subject.push(content.subject);
    cols.details.push(JSON.stringify(content.details));
    cols.prev.push(prevHash);
    cols.hash.push(hash);
    prevHash = hash;
  }
  await tx.query(
    `INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)
     SELECT x.seq, x.at, x.actor, x.action, x.subject, x.details::jsonb, x.prev, x.hash
       FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
         AS x(seq, at, actor, action, subject, details, prev, hash)`,
    [cols.seq, cols.at, cols.actor, cols.action, cols.subject, cols.details, cols.prev, cols.hash],
  );
}

interface Queued {
  input: AuditInput;
  done: (e?: unknown) => void;
}

/**
 * Group commit for audited reads: a read has no transaction of its own to put its entry in, so entries from
 * concurrent requests queue here and are chained and committed together, one transaction per batch. `auditRead`
 * resolves only once its entry is committed, so nothing read is handed out before the read is on record.
 */
class ReadAuditor {
  private queue: Queued[] = [];
  private writing = false;

  constructor(private readonly db: Db) {}

  append(input: AuditInput): Promise<void> {
    // An entry that cannot be serialised fails its own read here, never the batch it would have joined.
    canonicalJson(input.details ?? {});
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ input, done: (e) => (e === undefined ? resolve() : reject(e)) });
      if (!this.writing) void this.write();
    });
  }

  private async write(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 1000);
      try {
        await this.db.transaction((tx) => appendAuditEntries(tx, batch.map((q) => q.input)));
        for (const q of batch) q.done();
      } catch (e) {
        for (const q of batch) q.done(e ?? new Error('audit write failed'));
      }
    }
    this.writing = false;
  }
}

const readAuditors = new WeakMap<Db, ReadAuditor>();

/** Records a read of personal data that is made outside any write transaction; see ReadAuditor. */
export async function auditRead(db: Db, input: AuditInput): Promise<void> {
  let a = readAuditors.get(db);
  if (!a) readAuditors.set(db, (a = new ReadAuditor(db)));
  return a.append(input);
}

export type VerifyResult = ChainReport;

/** Re-derives every hash; every edited, inserted or deleted entry is named, not only the first. */
export async function verifyAudit(db: Db): Promise<VerifyResult> {
  const walker = new ChainWalker();
  for (let after = 0; ; ) {
    const rows = await db.query<{ seq: number; at: Date; actor: string; action: string; subject: string | null; details: unknown; prev_hash: string; hash: string }>(
      'SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000',
      [after],
    );
    if (rows.length === 0) return walker.report();
    for (const r of rows) {
      const seq = Number(r.seq);
      const content: AuditEntryContent = { seq, at: new Date(r.at).toISOString(), actor: r.actor, action: r.action, subject: r.subject, details: r.details };
      walker.step({ seq, prevHash: r.prev_hash, hash: r.hash }, (prev) => entryHash(prev, content));
      after = seq;
    }
  }
}
