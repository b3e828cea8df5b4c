import { KZ_UTC_OFFSET_MINUTES } from '../../kernel/clock.ts';

export type ReceiptStatus = 'delivered' | 'undeliverable' | 'expired' | 'rejected' | 'deleted' | 'unknown' | 'accepted' | 'enroute';

/** SMPP 3.4 Appendix B `stat:` words and the message_state TLV value for each status. */
const STATUS_CODES: Record<ReceiptStatus, { stat: string; state: number }> = {
  enroute: { stat: 'ENROUTE', state: 1 },
  delivered: { stat: 'DELIVRD', state: 2 },
  expired: { stat: 'EXPIRED', state: 3 },
  deleted: { stat: 'DELETED', state: 4 },
  undeliverable: { stat: 'UNDELIV', state: 5 },
  accepted: { stat: 'ACCEPTD', state: 6 },
  unknown: { stat: 'UNKNOWN', state: 7 },
  rejected: { stat: 'REJECTD', state: 8 },
};
const BY_STAT = new Map(Object.entries(STATUS_CODES).map(([k, v]) => [v.stat, k as ReceiptStatus]));
const BY_STATE = new Map(Object.entries(STATUS_CODES).map(([k, v]) => [v.state, k as ReceiptStatus]));

export function messageState(status: ReceiptStatus): number {
  return STATUS_CODES[status].state;
}

export interface DeliveryReceipt {
  messageId: string;
  status: ReceiptStatus;
  /** The handset's number (the receipt's source address). */
  destination: string;
  submittedAt: Date | null;
  doneAt: Date | null;
  error: string;
}

/** A number as receipts name the handset (digits, no plus), for matching a receipt with the number a send went to. */
export function receiptNumber(n: string): string {
  return n.trim().replace(/^\+/, '');
}

/**
 * Receipt dates have no zone in SMPP; our SMSC contract (and the simulator) use Kazakhstan time, which is also the
 * zone the summons rules count calendar days in.
 */
function receiptDate(d: Date): string {
  const local = new Date(d.getTime() + KZ_UTC_OFFSET_MINUTES * 60_000).toISOString();
  return local.slice(2, 4) + local.slice(5, 7) + local.slice(8, 10) + local.slice(11, 13) + local.slice(14, 16) + local.slice(17, 19);
}

function parseReceiptDate(s: string | undefined): Date | null {
  const m = s?.match(/^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?$/);
  if (!m) return null;
  const d = new Date(`20${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}+05:00`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The short_message text of a delivery receipt, SMPP 3.4 Appendix B layout (dates with seconds, as most SMSCs send). */
export function formatReceiptText(r: { messageId: string; status: ReceiptStatus; submittedAt: Date; doneAt: Date; error?: string }): string {
  const dlvrd = r.status === 'delivered' ? '001' : '000';
  return `id:${r.messageId} sub:001 dlvrd:${dlvrd} submit date:${receiptDate(r.submittedAt)} done date:${receiptDate(r.doneAt)} stat:${STATUS_CODES[r.status].stat} err:${r.error ?? '000'} text:`;
}

/**
 * Reads a receipt from a deliver_sm: the receipted_message_id and message_state TLVs when present (they are
 * unambiguous), the Appendix B text otherwise. Returns null when neither names a message.
 */
export function parseReceipt(fields: { text: string; destination: string; receiptedMessageId?: string; messageState?: number }): DeliveryReceipt | null {
  const field = (name: string) => fields.text.match(new RegExp(`(?:^|\\s)${name}:(\\S*)`, 'i'))?.[1];
  const messageId = fields.receiptedMessageId || field('id');
  if (!messageId) return null;
  const fromState = fields.messageState === undefined ? undefined : BY_STATE.get(fields.messageState);
  const stat = field('stat')?.toUpperCase();
  return {
    messageId,
    status: fromState ?? (stat ? BY_STAT.get(stat) : undefined) ?? 'unknown',
    destination: fields.destination,
    submittedAt: parseReceiptDate(field('submit date')),
    doneAt: parseReceiptDate(field('done date')),
    error: field('err') ?? '000',
  };
}
