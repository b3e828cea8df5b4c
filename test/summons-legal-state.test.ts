import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DECISION_ALLOWED_IN, applySummonsAction, reduceSummons, type LegalState, type SummonsAction, type SummonsState } from '../src/modules/summons/index.ts';
import { isDomainError } from '../src/kernel/errors.ts';

// Appearance Monday 2 Feb 2026 09:00 in Kazakhstan; SMS dispatched Thursday 29 Jan (four calendar days before).
const APPEAR = '2026-02-02T09:00:00+05:00';
const SENT = '2026-01-29T10:00:00+05:00';
const LATER = '2026-01-29T10:05:00+05:00';
const AFTER_APPEARANCE = '2026-02-02T18:00:00+05:00';
const NUMBER = '+77011234567';

const issued: SummonsAction = {
  kind: 'issued', at: '2026-01-29T09:00:00+05:00', summonsId: 'S-1', iin: '900101300017', purpose: 'medical_examination',
  appearanceAt: APPEAR, exercise: false, issuedBy: 'lma:almaty-bostandyk',
};
const sms = (ids: string[], basis: ('given_to_lma' | 'registered_in_name' | 'egov_portal')[] = ['registered_in_name'], at = SENT, number = NUMBER): SummonsAction =>
  ({ kind: 'sms_submitted', at, number, numberBasis: basis, messageIds: ids });
const report = (messageId: string, status: 'delivered' | 'undeliverable' = 'delivered', at = LATER): SummonsAction =>
  ({ kind: 'sms_delivery_report', at, messageId, status });
const egov: SummonsAction = { kind: 'egov_posted', at: SENT, account: '900101300017' };
const read = (channel: 'sms' | 'egov', status: 'read' | 'unread', at = '2026-01-30T12:00:00+05:00'): SummonsAction =>
  channel === 'sms' ? { kind: 'read_status', at, channel, number: NUMBER, status } : { kind: 'read_status', at, channel, status };
const numberChanged: SummonsAction = { kind: 'number_changed', at: '2026-01-31T08:00:00+05:00', number: NUMBER };
const refusal: SummonsAction = { kind: 'paper_refused', at: SENT, place: 'residence', notedBy: 'courier:17' };
const paper: SummonsAction = { kind: 'paper_received', at: SENT, place: 'work', via: 'hand', signedBy: 'person' };
const reason = (r: 'illness' | 'own_marriage_registration' = 'illness', marriageDate?: string): SummonsAction =>
  ({ kind: 'reason_reported', at: '2026-02-01T15:00:00+05:00', reason: r, ...(marriageDate ? { marriageDate } : {}) });
const accept: SummonsAction = { kind: 'reason_accepted', at: '2026-02-01T16:00:00+05:00', by: 'officer:3' };
const reject: SummonsAction = { kind: 'reason_rejected', at: '2026-02-01T16:00:00+05:00', by: 'officer:3', why: 'no certificate' };
const appeared: SummonsAction = { kind: 'appeared', at: '2026-02-02T08:50:00+05:00', recordedBy: 'officer:3' };
const noShow = (at = AFTER_APPEARANCE): SummonsAction => ({ kind: 'failed_to_appear', at, recordedBy: 'officer:3' });

const legal = (...actions: SummonsAction[]): LegalState => reduceSummons([issued, ...actions]).legal;
const refused = (code = 'SUMMONS_TRANSITION_REFUSED', pattern?: RegExp) => (e: unknown) => isDomainError(e, code) && (pattern === undefined || pattern.test(e.message));

test('an issued summons starts not notified', () => {
  const s = reduceSummons([issued]);
  assert.equal(s.legal, 'not_notified');
  assert.equal(s.version, 1);
});

test('SMS with a delivery report for its only part → duly notified', () => {
  const s = reduceSummons([issued, sms(['m1']), report('m1')]);
  assert.equal(s.legal, 'duly_notified');
  assert.deepEqual(s.grounds.map((g) => g.basis), ['sms']);
});

test('SMS sent without a delivery report → not notified, and the note says the report is missing', () => {
  const s = reduceSummons([issued, sms(['m1'])]);
  assert.equal(s.legal, 'not_notified');
  assert.ok(s.notes.some((n) => /no delivery report for m1/.test(n)), s.notes.join('\n'));
});

test('an undeliverable report does not notify', () => {
  assert.equal(legal(sms(['m1']), report('m1', 'undeliverable')), 'not_notified');
});

test('multipart SMS: every part needs its delivery report', () => {
  assert.equal(legal(sms(['m1', 'm2', 'm3']), report('m1'), report('m3')), 'not_notified');
  assert.equal(legal(sms(['m1', 'm2', 'm3']), report('m1'), report('m3'), report('m2')), 'duly_notified');
});

test('SMS to a number known only from the e-Gov portal does not notify on its own', () => {
  assert.equal(legal(sms(['m1'], ['egov_portal']), report('m1')), 'not_notified');
});

test('e-Gov message without the SMS notice → not notified; with a delivered notice to the portal number → duly notified', () => {
  assert.equal(legal(egov), 'not_notified');
  assert.equal(legal(egov, sms(['m1'], ['egov_portal'])), 'not_notified', 'the notice also needs a delivery report');
  const s = reduceSummons([issued, egov, sms(['m1'], ['egov_portal']), report('m1')]);
  assert.equal(s.legal, 'duly_notified');
  assert.deepEqual(s.grounds.map((g) => g.basis), ['egov']);
});

test('unread, then number changed → not notified at each step, having been duly notified', () => {
  const states = [sms(['m1']), report('m1'), read('sms', 'unread'), numberChanged].reduce<SummonsState[]>(
    (acc, a) => [...acc, applySummonsAction(acc[acc.length - 1] ?? null, a)],
    [reduceSummons([issued])],
  );
  assert.deepEqual(states.map((s) => s.legal), ['not_notified', 'not_notified', 'duly_notified', 'not_notified', 'not_notified']);
});

test('a changed number alone voids an SMS delivered to it; a read report for it keeps the SMS standing', () => {
  assert.equal(legal(sms(['m1']), report('m1'), numberChanged), 'not_notified');
  assert.equal(legal(sms(['m1']), report('m1'), read('sms', 'read'), numberChanged), 'duly_notified');
});

test('a later read report supersedes an earlier unread one', () => {
  assert.equal(legal(sms(['m1']), report('m1'), read('sms', 'unread'), read('sms', 'read')), 'duly_notified');
});

test('e-Gov: unread voids; read stands even though the portal number changed', () => {
  const base = [egov, sms(['m1'], ['egov_portal']), report('m1')];
  assert.equal(legal(...base, read('egov', 'unread')), 'not_notified');
  assert.equal(legal(...base, numberChanged), 'not_notified');
  assert.equal(legal(...base, read('egov', 'read'), numberChanged), 'duly_notified');
});

test('paper summons received at work → duly notified', () => {
  assert.equal(legal(paper), 'duly_notified');
});

test('refusal to accept the paper summons → refused, which counts as notified (referral is possible)', () => {
  assert.equal(legal(refusal), 'refused');
  assert.equal(legal(refusal, noShow()), 'referred');
  assert.equal(legal(refusal, read('sms', 'unread')), 'refused', 'read reports do not undo a refusal');
});

test('valid reason reported and accepted → excused', () => {
  assert.equal(legal(sms(['m1']), report('m1'), reason(), accept), 'excused');
});

test('a reason can be rejected, after which the no-show is referred', () => {
  assert.equal(legal(sms(['m1']), report('m1'), reason(), reject, noShow()), 'referred');
});

test('accepting needs a reported reason, and a notified person: nothing to excuse otherwise', () => {
  assert.throws(() => legal(sms(['m1']), report('m1'), accept), refused('SUMMONS_TRANSITION_REFUSED', /no reason has been reported/));
  assert.throws(() => legal(reason(), accept), refused('SUMMONS_TRANSITION_REFUSED', /allowed only when the summons is duly_notified or refused/));
});

test('marriage registration excuses only on the appearance day (Kazakhstan date)', () => {
  assert.equal(legal(paper, reason('own_marriage_registration', '2026-02-02'), accept), 'excused');
  assert.throws(() => legal(paper, reason('own_marriage_registration', '2026-02-03'), accept), refused('SUMMONS_TRANSITION_REFUSED', /only on the appearance day 2026-02-02/));
});

test('appeared, whether notified or not', () => {
  assert.equal(legal(sms(['m1']), report('m1'), appeared), 'appeared');
  assert.equal(legal(appeared), 'appeared');
});

test('failed to appear after the appearance time → referred to internal affairs; not before it', () => {
  assert.equal(legal(sms(['m1']), report('m1'), noShow()), 'referred');
  assert.equal(legal(sms(['m1']), report('m1'), noShow(APPEAR)), 'referred', 'at the appearance time exactly');
  assert.throws(() => legal(sms(['m1']), report('m1'), noShow('2026-02-02T08:59:59+05:00')), refused('SUMMONS_TRANSITION_REFUSED', /has not passed/));
});

test('a person never duly notified cannot be referred', () => {
  assert.throws(() => legal(sms(['m1']), noShow()), refused('SUMMONS_TRANSITION_REFUSED', /not_notified/));
});

test('a reported reason must be decided before a referral', () => {
  assert.throws(() => legal(paper, reason(), noShow()), refused('SUMMONS_TRANSITION_REFUSED', /must be accepted or rejected first/));
});

test('a dispatch that breaks the three-day rule is kept but notifies nobody', () => {
  const late = '2026-01-31T10:00:00+05:00'; // two calendar days before 2 Feb
  const s = reduceSummons([issued, sms(['m1'], ['registered_in_name'], late), report('m1', 'delivered', late)]);
  assert.equal(s.legal, 'not_notified');
  assert.equal(s.evidence.length, 2);
  assert.ok(s.notes.some((n) => /2 calendar day\(s\)/.test(n)), s.notes.join('\n'));
  assert.equal(legal({ ...paper, at: late }), 'not_notified');
  assert.equal(legal({ ...paper, at: '2026-02-01T17:00:00+05:00', place: 'lma' }), 'duly_notified', 'next-day paper summons at the LMA');
});

test('a delivery report dated after the appearance time does not count', () => {
  assert.equal(legal(sms(['m1']), report('m1', 'delivered', AFTER_APPEARANCE)), 'not_notified');
});

test('final states take no further decisions; late evidence is kept and flags an unsupported referral', () => {
  assert.throws(() => legal(paper, appeared, noShow()), refused());
  assert.throws(() => legal(paper, reason(), accept, appeared), refused());
  const s = reduceSummons([issued, sms(['m1']), report('m1'), noShow(), numberChanged]);
  assert.equal(s.legal, 'referred');
  assert.equal(s.notification, 'not_notified');
  assert.equal(s.referralUnsupported, true);
});

test('decision table: appeared, failed_to_appear and reason_reported are accepted exactly where the table says', () => {
  const reach: Record<LegalState, SummonsAction[]> = {
    not_notified: [],
    duly_notified: [sms(['m1']), report('m1')],
    refused: [refusal],
    excused: [paper, reason(), accept],
    appeared: [appeared],
    referred: [paper, noShow()],
  };
  const decisions = { appeared, failed_to_appear: noShow(), reason_reported: reason() } as const;
  for (const [state, prefix] of Object.entries(reach) as [LegalState, SummonsAction[]][]) {
    const s = reduceSummons([issued, ...prefix]);
    assert.equal(s.legal, state);
    for (const [kind, action] of Object.entries(decisions) as [keyof typeof decisions, SummonsAction][]) {
      const allowed = (DECISION_ALLOWED_IN[kind] as readonly LegalState[]).includes(state);
      if (allowed) assert.doesNotThrow(() => applySummonsAction(s, action), `${kind} in ${state}`);
      else assert.throws(() => applySummonsAction(s, action), refused(), `${kind} in ${state}`);
    }
  }
});

test('the log must start with issued, once; malformed actions get a stable code', () => {
  assert.throws(() => reduceSummons([paper]), refused('SUMMONS_TRANSITION_REFUSED', /first action of a summons must be issued/));
  assert.throws(() => legal(issued), refused('SUMMONS_TRANSITION_REFUSED', /already issued/));
  assert.throws(() => legal({ ...paper, at: '2026-01-29 10:00' } as SummonsAction), refused('SUMMONS_ACTION_INVALID', /at:/));
  assert.throws(() => reduceSummons([]), refused('SUMMONS_LOG_EMPTY'));
});
