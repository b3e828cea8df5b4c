import { createHash } from 'node:crypto';
import type { Clock } from '../../kernel/clock.ts';
import { ChainWalker, canonicalJson, GENESIS_HASH, type ChainReport } from '../audit/index.ts';
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

export type EvidenceVerifyResult = ChainReport;

/** Feeds one ledger entry to a chain walk (the hash re-derived from its content). */
export function walkEvidence(walker: ChainWalker, e: EvidenceEntry): void {
  walker.step(e, (prev) => evidenceHash(prev, e));
}

/** Does the entry's content give the hash it carries (linked to its own previous hash)? */
export function evidenceMatches(e: EvidenceEntry): boolean {
  return evidenceHash(e.prevHash, e) === e.hash;
}

/** Re-derives every hash in ledger order and names every entry that is missing, relinked or edited. */
export function verifyEvidenceChain(entries: readonly EvidenceEntry[]): EvidenceVerifyResult {
  const walker = new ChainWalker();
  for (const e of entries) walkEvidence(walker, e);
  return walker.report();
}

/** The actions of one summons, in ledger order, ready for reduceSummons. */
export function summonsActions(entries: readonly EvidenceEntry[], summonsId: string): SummonsAction[] {
  return entries.filter((e) => e.summonsId === summonsId).map((e) => e.action);
}
