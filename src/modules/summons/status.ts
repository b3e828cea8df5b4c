import type { Db } from '../../db/client.ts';

export interface DispatchStatus {
  /** Outbox rows per channel and state. */
  outbox: Record<string, Record<string, number>>;
  /** Rows still to be sent (pending, or being sent), in all channels. */
  open: number;
  /** The same per channel and kind of traffic: `sms:live`, `sms:exercise`, `egov:live`, `egov:exercise`. */
  openBy: Record<string, number>;
  /** SMS parts submitted whose delivery report is not yet on record as evidence. */
  awaitingReceipt: number;
}

/** Where dispatch stands: what is queued, in flight and done, and how many SMS parts still wait for a receipt. */
export async function dispatchStatus(db: Db): Promise<DispatchStatus> {
  const byState = await db.query<{ channel: string; state: string; exercise: boolean; n: number }>(
    'SELECT channel, state, exercise, count(*)::int AS n FROM summons_outbox GROUP BY channel, state, exercise',
  );
  const [waiting] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM summons_sms_messages m
      WHERE NOT EXISTS (SELECT 1 FROM sms_receipts r WHERE r.smsc = m.smsc AND r.message_id = m.message_id AND r.applied_seq IS NOT NULL)`,
  );
  const outbox: Record<string, Record<string, number>> = {};
  const openBy: Record<string, number> = {};
  let open = 0;
  for (const r of byState) {
    const n = Number(r.n);
    const row = (outbox[r.channel] ??= {});
    row[r.state] = (row[r.state] ?? 0) + n;
    if (r.state === 'pending' || r.state === 'sending') {
      open += n;
      const key = `${r.channel}:${r.exercise ? 'exercise' : 'live'}`;
      openBy[key] = (openBy[key] ?? 0) + n;
    }
  }
  return { outbox, open, openBy, awaitingReceipt: Number(waiting?.n ?? 0) };
}
