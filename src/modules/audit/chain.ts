import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryContent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: unknown;
}

/** Canonical JSON: keys sorted at every level, so the hash does not depend on key order in jsonb. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const obj = v as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

export function entryHash(prevHash: string, e: AuditEntryContent): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(e)).digest('hex');
}

export interface ChainProblem {
  seq: number;
  reason: string;
}

/** What a verification found: every break (up to MAX_PROBLEMS named), the first one also as `problem`. */
export interface ChainReport {
  ok: boolean;
  entries: number;
  problem?: ChainProblem;
  problems: ChainProblem[];
  /** Breaks found beyond the ones named. */
  moreProblems: number;
}

const MAX_PROBLEMS = 1000;

/**
 * Walks a hash chain entry by entry and records every break instead of stopping at the first: after a gap it
 * resynchronises on the next entry's own link, after an edited entry it goes on from that entry's stored hash, so one
 * tampering is reported once and a later, deliberate one is still found.
 */
export class ChainWalker {
  private prevHash = GENESIS_HASH;
  private expect = 1;
  private entries = 0;
  private readonly problems: ChainProblem[] = [];
  private more = 0;

  /** `computed` is the hash the entry's content gives when linked to its own stored previous hash. */
  step(link: { seq: number; prevHash: string; hash: string }, computed: (prevHash: string) => string): void {
    if (link.seq !== this.expect) {
      this.add(link.seq > this.expect
        ? { seq: this.expect, reason: link.seq - this.expect === 1 ? 'entry missing' : `entries ${this.expect}–${link.seq - 1} missing` }
        : { seq: link.seq, reason: 'entry out of order' });
    } else if (link.prevHash !== this.prevHash) {
      this.add({ seq: link.seq, reason: 'previous-hash link broken' });
    }
    if (computed(link.prevHash) !== link.hash) this.add({ seq: link.seq, reason: 'entry content does not match its hash' });
    this.prevHash = link.hash;
    this.expect = link.seq + 1;
    this.entries++;
  }

  /** A break found outside the walk (e.g. the chain ends short of its recorded head). */
  add(p: ChainProblem): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(p);
    else this.more++;
  }

  get lastSeq(): number {
    return this.expect - 1;
  }

  get lastHash(): string {
    return this.prevHash;
  }

  report(): ChainReport {
    const first = this.problems[0];
    return { ok: first === undefined, entries: this.entries, ...(first ? { problem: first } : {}), problems: [...this.problems], moreProblems: this.more };
  }
}

/**
 * The value as PostgreSQL will store it: lone surrogates become U+FFFD (as the database would make them) and NUL,
 * which text and jsonb cannot hold, too. Hashing this rather than the raw input keeps the hash of an entry equal
 * to the hash of what was stored, whatever reached the audit log.
 */
export function asStored<T>(v: T): T {
  if (typeof v === 'string') return v.toWellFormed().replaceAll('\u0000', '\ufffd') as T;
  if (v === null || typeof v !== 'object' || v instanceof Date) return v;
  if (Array.isArray(v)) return v.map(asStored) as T;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [asStored(k), asStored(x)])) as T;
}
