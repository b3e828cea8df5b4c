import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordSummonsAction, reduceSummons, summonsActions, verifyEvidenceChain, type EvidenceEntry, type SummonsAction, type SummonsState } from '../src/modules/summons/index.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';

const clock = fixedClock('2026-01-29T06:00:00Z');
const issue = (summonsId: string): SummonsAction => ({
  kind: 'issued', at: '2026-01-29T09:00:00+05:00', summonsId, iin: '900101300017', purpose: 'assessment',
  appearanceAt: '2026-02-02T09:00:00+05:00', exercise: false, issuedBy: 'lma:1',
});
const script: [string, SummonsAction][] = [
  ['S-1', issue('S-1')],
  ['S-2', issue('S-2')],
  ['S-1', { kind: 'sms_submitted', at: '2026-01-29T10:00:00+05:00', number: '+77011234567', numberBasis: ['given_to_lma'], messageIds: ['a1'] }],
  ['S-2', { kind: 'paper_refused', at: '2026-01-29T11:00:00+05:00', place: 'residence', notedBy: 'courier:1' }],
  ['S-1', { kind: 'sms_delivery_report', at: '2026-01-29T10:00:09+05:00', messageId: 'a1', status: 'delivered' }],
  ['S-2', { kind: 'failed_to_appear', at: '2026-02-02T12:00:00+05:00', recordedBy: 'officer:1' }],
];

function buildLedger(): { ledger: EvidenceEntry[]; states: Map<string, SummonsState> } {
  const ledger: EvidenceEntry[] = [];
  const states = new Map<string, SummonsState>();
  for (const [id, action] of script) {
    const r = recordSummonsAction(ledger[ledger.length - 1] ?? null, states.get(id) ?? null, action, clock);
    ledger.push(r.entry);
    states.set(id, r.state);
  }
  return { ledger, states };
}

test('a ledger built through the reducer verifies, and replaying it gives the same states', () => {
  const { ledger, states } = buildLedger();
  assert.deepEqual(verifyEvidenceChain(ledger), { ok: true, entries: 6, problems: [], moreProblems: 0 });
  assert.deepEqual(reduceSummons(summonsActions(ledger, 'S-1')), states.get('S-1'));
  assert.equal(states.get('S-1')?.legal, 'duly_notified');
  assert.equal(states.get('S-2')?.legal, 'referred');
});

test('an edited action is found at its entry', () => {
  const { ledger } = buildLedger();
  const edited = ledger.map((e) => (e.seq === 5 ? { ...e, action: { ...e.action, status: 'undeliverable' } as SummonsAction } : e));
  const problem = { seq: 5, reason: 'entry content does not match its hash' };
  assert.deepEqual(verifyEvidenceChain(edited), { ok: false, entries: 6, problem, problems: [problem], moreProblems: 0 });
});

test('an edit whose hash was recomputed breaks the link of the next entry', () => {
  const { ledger } = buildLedger();
  const forged = ledger.slice(0, 2);
  const third = ledger[2] as EvidenceEntry;
  const reforged = recordSummonsAction(forged[1] ?? null, reduceSummons([issue('S-1')]), { ...third.action, number: '+77000000000' } as SummonsAction, clock).entry;
  const tampered = [...forged, reforged, ...ledger.slice(3)];
  const problem = { seq: 4, reason: 'previous-hash link broken' };
  assert.deepEqual(verifyEvidenceChain(tampered), { ok: false, entries: 6, problem, problems: [problem], moreProblems: 0 });
});

test('a deleted entry and a reordering are found', () => {
  const { ledger } = buildLedger();
  assert.deepEqual(verifyEvidenceChain([...ledger.slice(0, 2), ...ledger.slice(3)]).problem, { seq: 3, reason: 'entry missing' });
  const swapped = [ledger[0], ledger[2], ledger[1], ...ledger.slice(3)] as EvidenceEntry[];
  assert.equal(verifyEvidenceChain(swapped).problem?.seq, 2);
  assert.deepEqual(verifyEvidenceChain(swapped).problems.map((p) => p.seq), [2, 2, 3], 'the swap is named at both entries it moved');
  assert.equal(verifyEvidenceChain(ledger.slice(0, 4)).ok, true, 'a truncated tail is a shorter valid chain — the stored head hash has to anchor it');
});

test('a transition the rules refuse produces no entry', () => {
  const { ledger, states } = buildLedger();
  assert.throws(
    () => recordSummonsAction(ledger[ledger.length - 1] ?? null, states.get('S-1') ?? null, { kind: 'reason_accepted', at: '2026-02-01T10:00:00+05:00', by: 'officer:1' }, clock),
    (e) => isDomainError(e, 'SUMMONS_TRANSITION_REFUSED'),
  );
  assert.equal(ledger.length, 6);
});

test('every break is named, not only the first: an edit early on does not hide a deletion and an edit later', () => {
  const { ledger } = buildLedger();
  const tampered = ledger
    .filter((e) => e.seq !== 4)
    .map((e) => (e.seq === 2 || e.seq === 6 ? { ...e, recordedAt: '2020-01-01T00:00:00.000Z' } : e));
  assert.deepEqual(verifyEvidenceChain(tampered).problems, [
    { seq: 2, reason: 'entry content does not match its hash' },
    { seq: 4, reason: 'entry missing' },
    { seq: 6, reason: 'entry content does not match its hash' },
  ]);
});
