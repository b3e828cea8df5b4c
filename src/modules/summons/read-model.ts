import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { canonicalJson } from '../audit/index.ts';
import type { ActionOf, SummonsAction } from './actions.ts';
import type { EvidenceEntry } from './ledger.ts';
import { summonsLogs } from './ledger-batch.ts';
import { applySummonsAction, type SummonsState } from './reducer.ts';

type Q = Pick<Tx, 'query'>;

/** The stages of one summons, each by its own definition (see summonsStages). */
export interface SummonsStages {
  sent: boolean;
  delivered: boolean;
  dulyNotified: boolean;
  appeared: boolean;
}

/**
 * Where one summons stands in the funnel, from the legal state the reducer derives out of the evidence ledger:
 * - sent: the SMSC accepted an SMS, the e-Gov message was posted, or a paper summons was handed over or refused;
 * - delivered: every part of some SMS has a "delivered" report, the e-Gov message was reported read, or paper
 *   was handed over or refused (so delivered implies sent);
 * - duly notified: the reducer's notification status is duly_notified or refused (a refused paper counts);
 * - appeared: the legal state is appeared (recorded by an officer, whatever the notification).
 */
export function summonsStages(state: SummonsState): SummonsStages {
  const ev = state.evidence;
  const delivered = new Set(ev.filter((e) => e.kind === 'sms_delivery_report' && e.status === 'delivered').map((e) => (e as ActionOf<'sms_delivery_report'>).messageId));
  const paper = ev.some((e) => e.kind === 'paper_received' || e.kind === 'paper_refused');
  const egovPosted = ev.some((e) => e.kind === 'egov_posted');
  const sent = paper || egovPosted || ev.some((e) => e.kind === 'sms_submitted');
  const smsDelivered = ev.some((e) => e.kind === 'sms_submitted' && e.messageIds.every((id) => delivered.has(id)));
  const egovRead = egovPosted && ev.some((e) => e.kind === 'read_status' && e.channel === 'egov' && e.status === 'read');
  return {
    sent,
    delivered: paper || smsDelivered || egovRead,
    dulyNotified: state.notification !== 'not_notified',
    appeared: state.legal === 'appeared',
  };
}

/** What issuing fixed about a summons: its plan, person, area and channels (the row's columns that no action moves). */
interface Meta {
  planId: number;
  iin: string;
  region: string;
  district: string | null;
  exercise: boolean;
  channels: string[];
  appearanceAt: Date;
}

/** One row of summons_state, as the reducer's state and the last entry applied give it. */
export interface ModelRow extends Meta {
  summonsId: string;
  legal: string;
  notification: string;
  sent: boolean;
  delivered: boolean;
  dulyNotified: boolean;
  appeared: boolean;
  excused: boolean;
  referred: boolean;
  reasonPending: string | null;
  /** When each stage first held: the time of the action that made it so (null while it does not). */
  sentAt: Date | null;
  deliveredAt: Date | null;
  notifiedAt: Date | null;
  appearedAt: Date | null;
  lastSeq: number;
  lastEvidenceAt: Date;
  version: number;
  state: SummonsState;
}

type StageTimes = Pick<ModelRow, 'sentAt' | 'deliveredAt' | 'notifiedAt' | 'appearedAt'>;
const NO_TIMES: StageTimes = { sentAt: null, deliveredAt: null, notifiedAt: null, appearedAt: null };

/** The stage times after one more action: a stage that holds now and had no time gets this action's. */
function nextTimes(t: StageTimes, state: SummonsState, at: string): StageTimes {
  const st = summonsStages(state);
  const when = new Date(at);
  return {
    sentAt: t.sentAt ?? (st.sent ? when : null),
    deliveredAt: t.deliveredAt ?? (st.delivered ? when : null),
    notifiedAt: t.notifiedAt ?? (st.dulyNotified ? when : null),
    appearedAt: t.appearedAt ?? (st.appeared ? when : null),
  };
}

function rowOf(meta: Meta, state: SummonsState, times: StageTimes, last: { seq: number; recordedAt: string }): ModelRow {
  const st = summonsStages(state);
  return {
    planId: meta.planId, iin: meta.iin, region: meta.region, district: meta.district, exercise: meta.exercise, channels: meta.channels, appearanceAt: meta.appearanceAt,
    sentAt: times.sentAt, deliveredAt: times.deliveredAt, notifiedAt: times.notifiedAt, appearedAt: times.appearedAt,
    summonsId: state.summonsId,
    legal: state.legal,
    notification: state.notification,
    ...st,
    excused: state.legal === 'excused',
    referred: state.legal === 'referred',
    reasonPending: state.pendingReason?.reason ?? null,
    lastSeq: last.seq,
    lastEvidenceAt: new Date(last.recordedAt),
    version: state.version,
    state,
  };
}

interface StoredRow {
  summons_id: string | number;
  plan_id: string | number;
  iin: string;
  region: string;
  district: string | null;
  exercise: boolean;
  channels: string[];
  appearance_at: Date | string;
  legal: string;
  notification: string;
  sent: boolean;
  delivered: boolean;
  duly_notified: boolean;
  appeared: boolean;
  excused: boolean;
  referred: boolean;
  reason_pending: string | null;
  sent_at: Date | null;
  delivered_at: Date | null;
  notified_at: Date | null;
  appeared_at: Date | null;
  last_seq: string | number;
  last_evidence_at: Date | string;
  version: number;
  state: SummonsState;
}

const dateOrNull = (v: Date | string | null) => (v === null ? null : new Date(v));

const stored = (r: StoredRow): ModelRow => ({
  summonsId: String(r.summons_id), planId: Number(r.plan_id), iin: r.iin, region: r.region, district: r.district, exercise: r.exercise,
  channels: r.channels, appearanceAt: new Date(r.appearance_at), legal: r.legal, notification: r.notification, sent: r.sent,
  delivered: r.delivered, dulyNotified: r.duly_notified, appeared: r.appeared, excused: r.excused, referred: r.referred,
  reasonPending: r.reason_pending, sentAt: dateOrNull(r.sent_at), deliveredAt: dateOrNull(r.delivered_at), notifiedAt: dateOrNull(r.notified_at),
  appearedAt: dateOrNull(r.appeared_at), lastSeq: Number(r.last_seq), lastEvidenceAt: new Date(r.last_evidence_at), version: Number(r.version), state: r.state,
});

async function metaOf(q: Q, ids: readonly string[]): Promise<Map<string, Meta>> {
  if (ids.length === 0) return new Map();
  const { rows } = await q.query<{ id: string | number; plan_id: string | number; iin: string; region: string; district: string | null; exercise: boolean; channels: string[]; appearance_at: Date }>(
    `SELECT s.id, s.plan_id, s.iin, p.region, p.district, s.exercise, s.channels, s.appearance_at
       FROM summonses s JOIN persons p ON p.iin = s.iin WHERE s.id = ANY($1::bigint[])`,
    [ids.map(Number)],
  );
  return new Map(rows.map((r) => [String(r.id), { planId: Number(r.plan_id), iin: r.iin, region: r.region, district: r.district, exercise: r.exercise, channels: r.channels, appearanceAt: new Date(r.appearance_at) }]));
}

async function storedRows(q: Q, ids: readonly string[]): Promise<Map<string, ModelRow>> {
  const { rows } = await q.query<StoredRow>('SELECT * FROM summons_state WHERE summons_id = ANY($1::bigint[])', [ids.map(Number)]);
  return new Map(rows.map((r) => [String(r.summons_id), stored(r)]));
}

const COLUMNS = ['summons_id', 'plan_id', 'iin', 'region', 'district', 'exercise', 'channels', 'appearance_at', 'legal', 'notification', 'sent', 'delivered', 'duly_notified', 'appeared', 'excused', 'referred', 'reason_pending', 'sent_at', 'delivered_at', 'notified_at', 'appeared_at', 'last_seq', 'last_evidence_at', 'version', 'state'] as const;
const TYPES = ['bigint', 'bigint', 'text', 'text', 'text', 'boolean', 'text', 'timestamptz', 'text', 'text', 'boolean', 'boolean', 'boolean', 'boolean', 'boolean', 'boolean', 'text', 'timestamptz', 'timestamptz', 'timestamptz', 'timestamptz', 'bigint', 'timestamptz', 'int', 'text'];

/** Writes rows in one statement (insert or replace), column arrays through unnest. */
async function writeRows(q: Q, rows: readonly ModelRow[]): Promise<void> {
  if (rows.length === 0) return;
  const cols: unknown[][] = COLUMNS.map(() => []);
  for (const r of rows) {
    const v = [Number(r.summonsId), r.planId, r.iin, r.region, r.district, r.exercise, `{${r.channels.map((c) => `"${c}"`).join(',')}}`, r.appearanceAt, r.legal, r.notification, r.sent, r.delivered, r.dulyNotified, r.appeared, r.excused, r.referred, r.reasonPending, r.sentAt, r.deliveredAt, r.notifiedAt, r.appearedAt, r.lastSeq, r.lastEvidenceAt, r.version, JSON.stringify(r.state)];
    v.forEach((x, i) => (cols[i] as unknown[]).push(x));
  }
  const sel = COLUMNS.map((c) => (c === 'channels' ? 'x.channels::text[]' : c === 'state' ? 'x.state::jsonb' : `x.${c}`)).join(', ');
  await q.query(
    `INSERT INTO summons_state (${COLUMNS.join(', ')})
     SELECT ${sel} FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS x(${COLUMNS.join(', ')})
     ON CONFLICT (summons_id) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'summons_id').map((c) => `${c} = excluded.${c}`).join(', ')}`,
    cols,
  );
}

interface Fold {
  meta: Meta;
  state: SummonsState | null;
  times: StageTimes;
}

/** One action through the reducer, and the stage times with it (the only place both move). */
function step(f: Fold, action: SummonsAction): void {
  f.state = applySummonsAction(f.state, action);
  f.times = nextTimes(f.times, f.state, action.at);
}

/**
 * Folds appended ledger entries into the read model, inside the append's transaction (appendLedger holds the
 * ledger head's lock, so appends are serialised and the rows read here cannot change under us). A summons without
 * a row — one issued before the model existed — is folded from its whole ledger first.
 */
export async function applyToModel(tx: Q, entries: readonly EvidenceEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const ids = [...new Set(entries.map((e) => e.summonsId))];
  const rows = await storedRows(tx, ids);
  const missing = ids.filter((id) => !rows.has(id));
  const meta = await metaOf(tx, missing);
  const first = new Map<string, number>();
  for (const e of entries) if (!first.has(e.summonsId)) first.set(e.summonsId, e.seq);
  // Summonses with history but no row: their entries before this append, folded from the ledger.
  const earlier = missing.filter((id) => entries.find((e) => e.summonsId === id)?.action.kind !== 'issued');
  const logs = earlier.length > 0 ? await ledgerBefore(tx, earlier, first) : new Map<string, EvidenceEntry[]>();
  const folds = new Map<string, Fold>();
  for (const id of ids) {
    const row = rows.get(id);
    if (row) {
      folds.set(id, { meta: row, state: row.state, times: row });
      continue;
    }
    const m = meta.get(id);
    if (!m) throw new DomainError('SUMMONS_NOT_FOUND', `no summons ${id} to record evidence for`);
    const f: Fold = { meta: m, state: null, times: NO_TIMES };
    for (const e of logs.get(id) ?? []) step(f, e.action);
    folds.set(id, f);
  }
  const last = new Map<string, EvidenceEntry>();
  for (const e of entries) {
    step(folds.get(e.summonsId) as Fold, e.action);
    last.set(e.summonsId, e);
  }
  await writeRows(tx, ids.map((id) => {
    const f = folds.get(id) as Fold;
    return rowOf(f.meta, f.state as SummonsState, f.times, last.get(id) as EvidenceEntry);
  }));
}

async function ledgerBefore(q: Q, ids: readonly string[], before: Map<string, number>): Promise<Map<string, EvidenceEntry[]>> {
  const { rows } = await q.query<{ seq: string | number; summons_id: string | number; recorded_at: Date; action: EvidenceEntry['action'] }>(
    'SELECT seq, summons_id, recorded_at, action FROM summons_ledger WHERE summons_id = ANY($1::bigint[]) ORDER BY summons_id, seq',
    [ids.map(Number)],
  );
  const out = new Map<string, EvidenceEntry[]>();
  for (const r of rows) {
    const id = String(r.summons_id);
    if (Number(r.seq) >= (before.get(id) ?? Infinity)) continue;
    const list = out.get(id) ?? [];
    list.push({ seq: Number(r.seq), summonsId: id, recordedAt: new Date(r.recorded_at).toISOString(), action: r.action, prevHash: '', hash: '' });
    out.set(id, list);
  }
  return out;
}

/** The row the ledger gives for each summons in `ids` (folded from scratch), for rebuild and verify. */
async function derivedRows(tx: Q, ids: readonly string[]): Promise<Map<string, ModelRow>> {
  const meta = await metaOf(tx, ids);
  const logs = await summonsLogs(tx as Tx, ids);
  const { rows: lasts } = await tx.query<{ summons_id: string | number; seq: string | number; recorded_at: Date }>(
    'SELECT DISTINCT ON (summons_id) summons_id, seq, recorded_at FROM summons_ledger WHERE summons_id = ANY($1::bigint[]) ORDER BY summons_id, seq DESC',
    [ids.map(Number)],
  );
  const lastOf = new Map(lasts.map((r) => [String(r.summons_id), { seq: Number(r.seq), recordedAt: new Date(r.recorded_at).toISOString() }]));
  const out = new Map<string, ModelRow>();
  for (const id of ids) {
    const log = logs.get(id);
    const m = meta.get(id);
    const l = lastOf.get(id);
    if (!log || !m || !l) continue;
    const f: Fold = { meta: m, state: null, times: NO_TIMES };
    for (const a of log) step(f, a);
    out.set(id, rowOf(m, f.state as SummonsState, f.times, l));
  }
  return out;
}

const cell = (r: ModelRow, k: keyof ModelRow) => {
  const v = r[k];
  return v instanceof Date ? v.toISOString() : canonicalJson(v);
};
const differingColumns = (a: ModelRow, b: ModelRow) => (Object.keys(a) as (keyof ModelRow)[]).filter((k) => cell(a, k) !== cell(b, k));

export interface RebuildReport {
  summonses: number;
  /** Rows that differed from what the ledger gives (verify) or were rewritten because they did (rebuild). */
  differing: { summonsId: string; columns: string[] }[];
  missing: string[];
}

const DIFF_NAMED = 1000;

/**
 * Re-derives every row of the read model from the ledger, a batch of summonses at a time. With `verify` nothing is
 * written and every row that differs (or is missing) is named with the columns that differ; without it those rows
 * are rewritten, each batch in its own transaction.
 */
export async function rebuildSummonsState(db: Db, opts: { verify: boolean; batch?: number; onProgress?: (done: number) => void }): Promise<RebuildReport> {
  const report: RebuildReport = { summonses: 0, differing: [], missing: [] };
  const batch = opts.batch ?? 2000;
  for (let after = 0; ; ) {
    const done = await db.transaction(async (tx) => {
      // The ledger head's lock, as appendLedger takes it: no append can write a row between our read and our write.
      if (!opts.verify) await tx.query('SELECT 1 FROM summons_ledger_head WHERE id = 1 FOR UPDATE');
      const { rows } = await tx.query<{ id: string | number }>('SELECT id FROM summonses WHERE id > $1 ORDER BY id LIMIT $2', [after, batch]);
      if (rows.length === 0) return true;
      after = Number((rows[rows.length - 1] as { id: string | number }).id);
      const ids = rows.map((r) => String(r.id));
      const [want, have] = [await derivedRows(tx, ids), await storedRows(tx, ids)];
      const fix: ModelRow[] = [];
      for (const id of ids) {
        const w = want.get(id);
        if (!w) continue;
        report.summonses++;
        const h = have.get(id);
        if (!h) {
          if (report.missing.length < DIFF_NAMED) report.missing.push(id);
          fix.push(w);
          continue;
        }
        // The area is the person's current one (metaOf reads it), as the persons trigger of migration 0024 keeps it.
        const expected = w;
        const columns = differingColumns(expected, h);
        if (columns.length === 0) continue;
        if (report.differing.length < DIFF_NAMED) report.differing.push({ summonsId: id, columns });
        fix.push(expected);
      }
      if (!opts.verify) await writeRows(tx, fix);
      return false;
    });
    if (done) break;
    opts.onProgress?.(report.summonses);
  }
  return report;
}

/** Builds the rows of summonses that have none (a database from before the read model); a no-op once built. */
export async function ensureSummonsState(db: Db): Promise<number> {
  const [c] = await db.query<{ missing: boolean }>('SELECT EXISTS (SELECT 1 FROM summonses s WHERE NOT EXISTS (SELECT 1 FROM summons_state st WHERE st.summons_id = s.id)) AS missing');
  if (!c?.missing) return 0;
  return (await rebuildSummonsState(db, { verify: false })).missing.length;
}
