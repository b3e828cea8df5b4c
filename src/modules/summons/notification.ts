import type { ActionOf, EvidenceAction, NumberBasis } from './actions.ts';
import { checkNoticePeriod, type DispatchMode } from './notice-period.ts';

export type NotificationStatus = 'not_notified' | 'duly_notified' | 'refused';

/** One piece of evidence that, on its own, makes the person notified. */
export interface Ground {
  basis: 'sms' | 'egov' | 'paper' | 'paper_refused';
  /** When the dispatch happened (SMS submitted, e-Gov posted, paper handed or refused). */
  at: string;
  detail: string;
}

export interface NotificationFinding {
  status: NotificationStatus;
  grounds: readonly Ground[];
  /** Why evidence on file does not count, in words an officer can act on. */
  notes: readonly string[];
}

const PERSONAL_BASES: readonly NumberBasis[] = ['given_to_lma', 'registered_in_name'];

/**
 * Derives the notification status from channel evidence, exactly as DOMAIN.md ("Summons") puts it:
 * - duly notified by (1) an SMS to a number the person gave the LMA or registered in their name, with a delivery
 *   report; (2) an e-Gov account message together with an SMS to the number registered on the portal; (3) a paper
 *   summons received at the residence/stay/work address or at the LMA;
 * - a refusal to accept a paper summons is noted and counts as notified;
 * - not duly notified if the person did not read the e-Gov/SMS message, including when the number was changed.
 * Decisions taken here where the text is silent, all in the person's favour:
 * - every part of a multipart SMS needs a "delivered" report, dated no later than the appearance time;
 * - the SMS that goes with the e-Gov message also needs a delivery report (rule 1 treats an SMS without one as
 *   no proof, and nothing says rule 2 relaxes that);
 * - each dispatch must itself satisfy the three-day rule (a late SMS is kept as evidence but notifies nobody);
 * - a report that the message is unread voids the ground until a later "read" report; a changed number voids SMS
 *   grounds to that number unless a read report for it is on file (the change is a case of "did not read");
 * - an e-Gov message reported read stands even if its SMS notice is voided; reported unread, it never stands;
 * - a refusal cannot be voided by read reports: the person was offered the paper and said no.
 * When both a delivered notice and a refusal exist the status is duly_notified (the stronger proof).
 */
export function deriveNotification(evidence: readonly EvidenceAction[], appearanceAt: Date): NotificationFinding {
  const delivered = new Set<string>();
  const readStatus = new Map<string, 'read' | 'unread'>();
  const changedNumbers = new Set<string>();
  const notes: string[] = [];
  for (const e of evidence) {
    if (e.kind === 'sms_delivery_report' && e.status === 'delivered') {
      if (Date.parse(e.at) <= appearanceAt.getTime()) delivered.add(e.messageId);
      else notes.push(`message ${e.messageId} was delivered at ${e.at}, after the appearance time`);
    } else if (e.kind === 'read_status') {
      readStatus.set(e.channel === 'egov' ? 'egov' : `sms:${e.number ?? ''}`, e.status);
    } else if (e.kind === 'number_changed') {
      changedNumbers.add(e.number);
    }
  }

  const timely = (at: string, mode: DispatchMode, what: string): boolean => {
    const c = checkNoticePeriod(new Date(at), appearanceAt, mode);
    if (!c.ok) notes.push(`${what} does not count: ${c.message}`);
    return c.ok;
  };
  const allDelivered = (s: ActionOf<'sms_submitted'>): boolean => {
    const missing = s.messageIds.filter((id) => !delivered.has(id));
    if (missing.length > 0) notes.push(`SMS to ${s.number} sent ${s.at} has no delivery report for ${missing.join(', ')}`);
    return missing.length === 0;
  };
  const smsUnread = (number: string): boolean => {
    const status = readStatus.get(`sms:${number}`);
    if (status === 'unread') return true;
    return changedNumbers.has(number) && status !== 'read';
  };

  const grounds: Ground[] = [];
  const submissions = evidence.filter((e): e is ActionOf<'sms_submitted'> => e.kind === 'sms_submitted');

  for (const s of submissions) {
    if (!s.numberBasis.some((b) => PERSONAL_BASES.includes(b))) continue;
    if (!timely(s.at, 'sms', `SMS to ${s.number} sent ${s.at}`) || !allDelivered(s)) continue;
    if (smsUnread(s.number)) {
      notes.push(`SMS to ${s.number} was not read${changedNumbers.has(s.number) ? ' (the number was changed)' : ''}`);
      continue;
    }
    grounds.push({ basis: 'sms', at: s.at, detail: `SMS delivered to ${s.number}` });
  }

  const egovStatus = readStatus.get('egov');
  for (const p of evidence) {
    if (p.kind !== 'egov_posted') continue;
    if (!timely(p.at, 'egov', `e-Gov message to ${p.account} posted ${p.at}`)) continue;
    if (egovStatus === 'unread') {
      notes.push(`e-Gov message to ${p.account} was not read`);
      continue;
    }
    const notice = submissions.find(
      (s) =>
        s.numberBasis.includes('egov_portal') &&
        timely(s.at, 'egov', `SMS notice to ${s.number} sent ${s.at}`) &&
        allDelivered(s) &&
        (egovStatus === 'read' || !smsUnread(s.number)),
    );
    if (notice === undefined) {
      notes.push(`e-Gov message to ${p.account} has no delivered, read SMS notice to the number registered on the portal`);
      continue;
    }
    grounds.push({ basis: 'egov', at: p.at, detail: `e-Gov message to ${p.account} with SMS notice to ${notice.number}` });
  }

  for (const p of evidence) {
    if (p.kind !== 'paper_received' && p.kind !== 'paper_refused') continue;
    const mode: DispatchMode = p.place === 'lma' ? 'paper_lma' : 'paper_address';
    const verb = p.kind === 'paper_received' ? 'received' : 'refused';
    if (!timely(p.at, mode, `paper summons ${verb} at ${p.place} on ${p.at}`)) continue;
    grounds.push(
      p.kind === 'paper_received'
        ? { basis: 'paper', at: p.at, detail: `paper summons received at ${p.place} (${p.via}), signed by ${p.signedBy}` }
        : { basis: 'paper_refused', at: p.at, detail: `refusal to accept the paper summons at ${p.place}, noted by ${p.notedBy}` },
    );
  }

  const status: NotificationStatus = grounds.some((g) => g.basis !== 'paper_refused')
    ? 'duly_notified'
    : grounds.length > 0
      ? 'refused'
      : 'not_notified';
  return { status, grounds, notes: [...new Set(notes)] };
}
