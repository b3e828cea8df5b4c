import type { Tx } from '../../db/client.ts';
import type { RawConnection } from '../../db/raw.ts';
import type { Clock } from '../../kernel/clock.ts';
import { ChainWalker, GENESIS_HASH } from '../audit/index.ts';
import type { SummonsAction } from './actions.ts';
import { applyToModel } from './read-model.ts';
import { chainEvidence, evidenceMatches, walkEvidence, type EvidenceEntry, type EvidenceVerifyResult } from './ledger.ts';

type Q = Pick<RawConnection, 'query'>;

interface LedgerRow {
  seq: string | number;
  summons_id: string | number;
  recorded_at: Date | string;
  action: SummonsAction;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'seq, summons_id, recorded_at, action, prev_hash, hash';

function entryOf(r: LedgerRow): EvidenceEntry {
  return { seq: Number(r.seq), summonsId: String(r.summons_id), recordedAt: new Date(r.recorded_at).toISOString(), action: r.action, prevHash: r.prev_hash, hash: r.hash };
}

/**
 * Appends actions to the evidence ledger inside the caller's transaction. The head row is locked first, so appends
 * from concurrent transactions (and dispatcher processes) form one line; the head moves with the entries.
 * Each action is checked by the reducer's schema (chainEvidence parses it) before anything is written, and the
 * summons read model takes the same entries in the same transaction (read-model.ts), so it never disagrees.
 */
export async function appendLedger(tx: Tx, items: readonly { summonsId: string; action: SummonsAction }[], clock: Clock): Promise<EvidenceEntry[]> {
  if (items.length === 0) return [];
  const { rows } = await tx.query<{ seq: string | number; hash: string }>('SELECT seq, hash FROM summons_ledger_head WHERE id = 1 FOR UPDATE');
  const head = rows[0] as { seq: string | number; hash: string };
  // chainEvidence reads only seq and hash of the tail; the head row is the authority for both.
  let tail: EvidenceEntry | null = Number(head.seq) === 0 ? null : ({ seq: Number(head.seq), hash: head.hash } as EvidenceEntry);
  const entries: EvidenceEntry[] = [];
  for (const it of items) {
    tail = chainEvidence(tail, it.summonsId, it.action, clock);
    entries.push(tail);
  }
  for (let i = 0; i < entries.length; i += 500) {
    const chunk = entries.slice(i, i + 500);
    const params: unknown[] = [];
    const values = chunk.map((e) => {
      params.push(e.seq, Number(e.summonsId), e.recordedAt, e.action.kind, JSON.stringify(e.action), e.prevHash, e.hash);
      const b = params.length - 7;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb, $${b + 6}, $${b + 7})`;
    });
    await tx.query(`INSERT INTO summons_ledger (seq, summons_id, recorded_at, kind, action, prev_hash, hash) VALUES ${values.join(', ')}`, params);
  }
  const last = entries[entries.length - 1] as EvidenceEntry;
  await tx.query('UPDATE summons_ledger_head SET seq = $1, hash = $2 WHERE id = 1', [last.seq, last.hash]);
  await applyToModel(tx, entries);
  return entries;
}

export async function summonsEntries(q: Q, summonsId: string): Promise<EvidenceEntry[]> {
  const { rows } = await q.query<LedgerRow>(`SELECT ${COLUMNS} FROM summons_ledger WHERE summons_id = $1 ORDER BY seq`, [Number(summonsId)]);
  return rows.map(entryOf);
}

export interface StoredLedgerCheck extends EvidenceVerifyResult {
  head: { seq: number; hash: string };
}

/**
 * Re-derives the whole chain page by page (it links every summons, so one summons cannot be proved alone) and
 * compares its end with the head row: entries cut off the end leave a valid chain that stops short of the head.
 */
export async function verifyStoredLedger(q: Q): Promise<StoredLedgerCheck> {
  const { rows: h } = await q.query<{ seq: string | number; hash: string }>('SELECT seq, hash FROM summons_ledger_head WHERE id = 1');
  const head = { seq: Number(h[0]?.seq ?? 0), hash: h[0]?.hash ?? GENESIS_HASH };
  const walker = new ChainWalker();
  for (let after = 0; ; ) {
    const { rows } = await q.query<LedgerRow>(`SELECT ${COLUMNS} FROM summons_ledger WHERE seq > $1 ORDER BY seq LIMIT 10000`, [after]);
    if (rows.length === 0) break;
    for (const r of rows) walkEvidence(walker, entryOf(r));
    after = Number((rows[rows.length - 1] as LedgerRow).seq);
  }
  if (walker.lastSeq !== head.seq) {
    walker.add({ seq: walker.lastSeq + 1, reason: `entry missing: the ledger ends at seq ${walker.lastSeq} but its head records seq ${head.seq}` });
  } else if (walker.lastHash !== head.hash) {
    walker.add({ seq: head.seq, reason: 'the last entry is not the one its head records' });
  }
  return { ...walker.report(), head };
}

/**
 * Checks one summons' entries without walking the whole ledger: each entry's content against its hash, and its
 * links to the entries just before and after it (or to the head). An edited entry of this summons, or one whose
 * neighbour was deleted or rewritten, is named; what only the whole chain can show is left to verifyStoredLedger.
 */
export async function checkSummonsEntries(q: Q, entries: readonly EvidenceEntry[]): Promise<EvidenceVerifyResult> {
  const walker = new ChainWalker();
  if (entries.length === 0) return walker.report();
  const seqs = entries.map((e) => e.seq);
  const { rows } = await q.query<{ seq: string | number; prev_hash: string; hash: string }>(
    'SELECT seq, prev_hash, hash FROM summons_ledger WHERE seq = ANY($1::bigint[])',
    [[...seqs.map((x) => x - 1), ...seqs.map((x) => x + 1)]],
  );
  const near = new Map(rows.map((r) => [Number(r.seq), r]));
  const { rows: h } = await q.query<{ seq: string | number; hash: string }>('SELECT seq, hash FROM summons_ledger_head WHERE id = 1');
  const headSeq = Number(h[0]?.seq ?? 0);
  for (const e of entries) {
    if (!evidenceMatches(e)) walker.add({ seq: e.seq, reason: 'entry content does not match its hash' });
    const before = e.seq === 1 ? { hash: GENESIS_HASH } : near.get(e.seq - 1) ?? entries.find((x) => x.seq === e.seq - 1);
    if (!before) walker.add({ seq: e.seq - 1, reason: 'entry missing' });
    else if (before.hash !== e.prevHash) walker.add({ seq: e.seq, reason: 'previous-hash link broken' });
    const after = near.get(e.seq + 1);
    const afterPrev = after?.prev_hash ?? entries.find((x) => x.seq === e.seq + 1)?.prevHash;
    if (e.seq < headSeq && afterPrev === undefined) walker.add({ seq: e.seq + 1, reason: 'entry missing' });
    else if (afterPrev !== undefined && afterPrev !== e.hash) walker.add({ seq: e.seq + 1, reason: 'previous-hash link broken' });
  }
  return walker.report();
}
