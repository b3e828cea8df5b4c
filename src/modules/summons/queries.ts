import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { checkSummonsEntries, summonsEntries, verifyStoredLedger, type StoredLedgerCheck } from './ledger-store.ts';
import type { EvidenceVerifyResult } from './ledger.ts';
import type { EvidenceEntry } from './ledger.ts';
import { reduceSummons, type SummonsState } from './reducer.ts';
import { parseVerificationCode } from './verification-code.ts';

export interface SummonsRecord {
  id: string;
  planId: number;
  iin: string;
  purpose: string;
  lmaOffice: string;
  lmaRegion: string;
  appearanceAt: Date;
  verificationCode: string;
  exercise: boolean;
  channels: string[];
  createdAt: Date;
  createdBy: string;
}

export interface SendRecord {
  id: number;
  channel: string;
  destination: string;
  state: string;
  attempts: number;
  messageIds: string[];
  lastError: string | null;
}

interface Row {
  id: string | number;
  plan_id: string | number;
  iin: string;
  purpose: string;
  lma_office: string;
  lma_region: string;
  appearance_at: Date;
  verification_code: string;
  exercise: boolean;
  channels: string[];
  created_at: Date;
  created_by: string;
}

const record = (r: Row): SummonsRecord => ({
  id: String(r.id), planId: Number(r.plan_id), iin: r.iin, purpose: r.purpose, lmaOffice: r.lma_office, lmaRegion: r.lma_region,
  appearanceAt: new Date(r.appearance_at), verificationCode: r.verification_code, exercise: r.exercise, channels: r.channels,
  createdAt: new Date(r.created_at), createdBy: r.created_by,
});

/**
 * A summons, its legal state derived from the stored evidence, its ledger entries and its sends (an audited read).
 * `evidence` says whether those entries still verify against their hashes and neighbours: a state derived from
 * evidence that does not is shown with that warning, never silently.
 */
export async function showSummons(db: Db, id: string, ctx: { actor: string; at: Date }): Promise<{ summons: SummonsRecord; state: SummonsState; entries: EvidenceEntry[]; sends: SendRecord[]; evidence: EvidenceVerifyResult }> {
  if (!/^[1-9]\d{0,14}$/.test(id)) throw new DomainError('SUMMONS_NOT_FOUND', `"${id}" is not a summons number`);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<Row>('SELECT * FROM summonses WHERE id = $1', [Number(id)]);
    if (!rows[0]) throw new DomainError('SUMMONS_NOT_FOUND', `no summons ${id}`);
    const entries = await summonsEntries(tx, id);
    const { rows: sends } = await tx.query<{ id: number; channel: string; destination: string; state: string; attempts: number; message_ids: string[] | null; last_error: string | null }>(
      'SELECT id, channel, destination, state, attempts, message_ids, last_error FROM summons_outbox WHERE summons_id = $1 ORDER BY id',
      [Number(id)],
    );
    const evidence = await checkSummonsEntries(tx, entries);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'summons.read', subject: `summons:${id}` });
    return {
      evidence,
      summons: record(rows[0]),
      state: reduceSummons(entries.map((e) => e.action)),
      entries,
      sends: sends.map((s) => ({ id: Number(s.id), channel: s.channel, destination: s.destination, state: s.state, attempts: Number(s.attempts), messageIds: s.message_ids ?? [], lastError: s.last_error })),
    };
  });
}

export function checkLedger(db: Db): Promise<StoredLedgerCheck> {
  return db.transaction((tx) => verifyStoredLedger(tx));
}

/**
 * The chain entries of one summons and the verification of the whole ledger they are part of. The entries hold the
 * person's mobile number and message ids, so the read is audited in the same transaction.
 */
export async function summonsProof(db: Db, id: string, ctx: { actor: string; at: Date }): Promise<{ entries: EvidenceEntry[]; ledger: StoredLedgerCheck }> {
  if (!/^[1-9]\d{0,14}$/.test(id)) throw new DomainError('SUMMONS_NOT_FOUND', `"${id}" is not a summons number`);
  return db.transaction(async (tx) => {
    const entries = await summonsEntries(tx, id);
    if (entries.length === 0) throw new DomainError('SUMMONS_NOT_FOUND', `no summons ${id}`);
    const ledger = await verifyStoredLedger(tx);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'summons.proof.read', subject: `summons:${id}`, details: { ledgerOk: ledger.ok } });
    return { entries, ledger };
  });
}

export type CodeCheck =
  | { genuine: true; code: string; issuedOn: string; appearanceAt: string; lmaOffice: string; exercise: boolean }
  | { genuine: false; code: string; reason: string };

/**
 * Is a summons with this code genuine? Answers with the least that lets a citizen act on it — when and where to
 * appear — and nothing that identifies the person, since anyone holding the paper can ask.
 */
export async function verifySummonsCode(db: Db, input: string): Promise<CodeCheck> {
  let code: string;
  try {
    code = parseVerificationCode(input);
  } catch (e) {
    return { genuine: false, code: input, reason: (e as Error).message };
  }
  const rows = await db.query<Row>('SELECT * FROM summonses WHERE verification_code = $1', [code]);
  const r = rows[0];
  if (!r) return { genuine: false, code, reason: 'no summons was issued with this code' };
  return { genuine: true, code, issuedOn: new Date(r.created_at).toISOString(), appearanceAt: new Date(r.appearance_at).toISOString(), lmaOffice: r.lma_office, exercise: r.exercise };
}
