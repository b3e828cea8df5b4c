import { createHash } from 'node:crypto';
import type { Clock } from '../../kernel/clock.ts';
import { canonicalJson, GENESIS_HASH } from '../audit/index.ts';
import type { SummonsAction } from './actions.ts';
import { applySummonsAction, parseAction, type SummonsState } from './reducer.ts';

/**
 * The evidence ledger: every summons action, for all summonses, in one append-only chain. Each entry's hash covers
 * its content and the previous entry's hash, so editing, inserting or deleting an entry breaks every later link.
 */
export interface EvidenceEntry {
  seq: number;
  summonsId: string;
  /** When the entry was written (the action has its own `at`: when the fact happened). */
  recordedAt: string;
  action: SummonsAction;
  prevHash: string;
  hash: string;
}

function evidenceHash(prevHash: string, e: Pick<EvidenceEntry, 'seq' | 'summonsId' | 'recordedAt' | 'action'>): string {
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson({ seq: e.seq, summonsId: e.summonsId, recordedAt: e.recordedAt, action: e.action }))
    .digest('hex');
}

/** The entry that follows `tail` (null for the first entry of the ledger). */
export function chainEvidence(tail: EvidenceEntry | null, summonsId: string, action: SummonsAction, clock: Clock): EvidenceEntry {
  const content = { seq: (tail?.seq ?? 0) + 1, summonsId, recordedAt: clock.now().toISOString(), action: parseAction(action) };
  const prevHash = tail?.hash ?? GENESIS_HASH;
  return { ...content, prevHash, hash: evidenceHash(prevHash, content) };
}

/**
 * Records an action only if the reducer allows it: the state is advanced first, so a refused transition throws
 * before any entry exists. Returns the entry to store and the new state.
 */
export function recordSummonsAction(
  tail: EvidenceEntry | null,
  state: SummonsState | null,
  action: SummonsAction,
  clock: Clock,
): { entry: EvidenceEntry; state: SummonsState } {
  const next = applySummonsAction(state, action);
  return { entry: chainEvidence(tail, next.summonsId, action, clock), state: next };
}

export interface EvidenceVerifyResult {
  ok: boolean;
  entries: number;
  /** First sequence number at which the chain breaks, with why. */
  problem?: { seq: number; reason: string };
}

/** Re-derives every hash in ledger order and names the first entry that is missing, relinked or edited. */
export function verifyEvidenceChain(entries: readonly EvidenceEntry[]): EvidenceVerifyResult {
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (const e of entries) {
    const expectSeq = count + 1;
    if (e.seq !== expectSeq) return { ok: false, entries: count, problem: { seq: expectSeq, reason: `entry missing (found seq ${e.seq})` } };
    if (e.prevHash !== prevHash) return { ok: false, entries: count, problem: { seq: e.seq, reason: 'previous-hash link broken' } };
    if (evidenceHash(prevHash, e) !== e.hash) return { ok: false, entries: count, problem: { seq: e.seq, reason: 'entry content does not match its hash' } };
    prevHash = e.hash;
    count++;
  }
  return { ok: true, entries: count };
}

/** The actions of one summons, in ledger order, ready for reduceSummons. */
export function summonsActions(entries: readonly EvidenceEntry[], summonsId: string): SummonsAction[] {
  return entries.filter((e) => e.summonsId === summonsId).map((e) => e.action);
}
