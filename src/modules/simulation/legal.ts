import type { SummonsAction } from '../summons/index.ts';
import { checkNoticePeriod, deriveNotification, type DispatchMode, type NotificationStatus } from '../summons/index.ts';
import { EV_EGOV_POSTED, EV_EGOV_READ, EV_EGOV_UNREAD, EV_PAPER_RECEIVED, EV_PAPER_REFUSED, EV_PORTAL_NUMBER, EV_SMS_DELIVERED, EV_SMS_SENT } from './codes.ts';

/**
 * The summons module's rules, turned into tables the engine can look up per person without building Dates or
 * action logs a million times. Both tables are computed by calling the real functions, never restated.
 */

/**
 * Whether a dispatch at minute m (from the start instant) satisfies the notice period for the appearance, for each
 * mode, by checkNoticePeriod. The answer only changes at Kazakhstan midnights and at the appearance instant, so
 * it is asked at the first and last minute of each hour and minute by minute only in an hour where they differ.
 */
export function noticeTable(startMs: number, appearanceMs: number, minutes: number, mode: DispatchMode): Uint8Array {
  const out = new Uint8Array(minutes + 1);
  const appearance = new Date(appearanceMs);
  const ok = (m: number) => (checkNoticePeriod(new Date(startMs + m * 60_000), appearance, mode).ok ? 1 : 0);
  for (let h = 0; h * 60 <= minutes; h++) {
    const a = h * 60;
    const b = Math.min(minutes, a + 59);
    const first = ok(a);
    if (ok(b) === first) out.fill(first, a, b + 1);
    else for (let m = a; m <= b; m++) out[m] = ok(m);
  }
  return out;
}

const STATUS_CODE: Record<NotificationStatus, number> = { not_notified: 0, duly_notified: 1, refused: 2 };
export const NOTIFIED = 1;
export const REFUSED = 2;

/**
 * Legal notification status (0 not notified, 1 duly notified, 2 refused) for each of the 256 evidence patterns,
 * by deriveNotification over a log holding exactly that evidence, dated four days before the appearance.
 */
export function notificationTable(): Uint8Array {
  const appearance = new Date('2026-12-05T09:00:00+05:00');
  const sent = '2026-12-01T09:00:00+05:00';
  const later = '2026-12-01T10:00:00+05:00';
  const table = new Uint8Array(256);
  for (let bits = 0; bits < 256; bits++) {
    const ev: SummonsAction[] = [];
    if (bits & EV_SMS_SENT) {
      ev.push({ kind: 'sms_submitted', at: sent, number: '+77010000000', numberBasis: bits & EV_PORTAL_NUMBER ? ['given_to_lma', 'egov_portal'] : ['given_to_lma'], messageIds: ['m1'] });
      if (bits & EV_SMS_DELIVERED) ev.push({ kind: 'sms_delivery_report', at: later, messageId: 'm1', status: 'delivered' });
    }
    if (bits & EV_EGOV_POSTED) {
      ev.push({ kind: 'egov_posted', at: sent, account: 'iin' });
      if (bits & EV_EGOV_READ) ev.push({ kind: 'read_status', at: later, channel: 'egov', status: 'read' });
      else if (bits & EV_EGOV_UNREAD) ev.push({ kind: 'read_status', at: later, channel: 'egov', status: 'unread' });
    }
    if (bits & EV_PAPER_RECEIVED) ev.push({ kind: 'paper_received', at: sent, place: 'residence', via: 'hand', signedBy: 'the person' });
    if (bits & EV_PAPER_REFUSED) ev.push({ kind: 'paper_refused', at: sent, place: 'residence', notedBy: 'the courier' });
    table[bits] = STATUS_CODE[deriveNotification(ev as Parameters<typeof deriveNotification>[0], appearance).status];
  }
  return table;
}
