import { kzDate } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { SummonsAction, isEvidence, type ActionOf, type DecisionKind, type EvidenceAction, type SummonsPurpose } from './actions.ts';
import { deriveNotification, type Ground, type NotificationStatus } from './notification.ts';

/**
 * The legal state of a summons. not_notified, duly_notified and refused follow the evidence; excused, appeared
 * and referred (failed to appear, attendance now the internal affairs body's task) are final for this summons.
 */
export type LegalState = NotificationStatus | 'excused' | 'appeared' | 'referred';
export const FINAL_STATES = ['excused', 'appeared', 'referred'] as const satisfies readonly LegalState[];

/**
 * Which LMA decisions are allowed in which state. `satisfies` makes the compiler insist on a row for every
 * decision kind, so a new kind of decision cannot be added without saying where it may happen.
 */
export const DECISION_ALLOWED_IN = {
  reason_reported: ['not_notified', 'duly_notified', 'refused'],
  reason_accepted: ['duly_notified', 'refused'],
  reason_rejected: ['not_notified', 'duly_notified', 'refused'],
  appeared: ['not_notified', 'duly_notified', 'refused'],
  failed_to_appear: ['duly_notified', 'refused'],
} as const satisfies Record<DecisionKind, readonly LegalState[]>;

export interface SummonsState {
  summonsId: string;
  iin: string;
  purpose: SummonsPurpose;
  appearanceAt: string;
  exercise: boolean;
  legal: LegalState;
  /** Derived from all evidence on file, also after a final state (late evidence is kept, never dropped). */
  notification: NotificationStatus;
  grounds: readonly Ground[];
  notes: readonly string[];
  evidence: readonly EvidenceAction[];
  pendingReason: ActionOf<'reason_reported'> | null;
  /** Referred, yet the evidence on file no longer shows the person notified: the referral needs review. */
  referralUnsupported: boolean;
  /** Number of actions applied. */
  version: number;
}

function refuse(state: SummonsState | null, action: SummonsAction, why: string): never {
  throw new DomainError('SUMMONS_TRANSITION_REFUSED', `${action.kind} at ${action.at} refused${state ? ` for summons ${state.summonsId} (${state.legal})` : ''}: ${why}`, {
    summonsId: state?.summonsId,
    kind: action.kind,
    legal: state?.legal,
  });
}

function applyEvidence(state: SummonsState, e: EvidenceAction): SummonsState {
  const evidence = [...state.evidence, e];
  const found = deriveNotification(evidence, new Date(state.appearanceAt));
  const final = (FINAL_STATES as readonly LegalState[]).includes(state.legal);
  return {
    ...state,
    evidence,
    notification: found.status,
    grounds: found.grounds,
    notes: found.notes,
    legal: final ? state.legal : found.status,
    referralUnsupported: state.legal === 'referred' && found.status === 'not_notified',
  };
}

function applyDecision(state: SummonsState, a: ActionOf<DecisionKind>): SummonsState {
  const allowed: readonly LegalState[] = DECISION_ALLOWED_IN[a.kind];
  if (!allowed.includes(state.legal)) refuse(state, a, `allowed only when the summons is ${allowed.join(' or ')}`);
  switch (a.kind) {
    case 'reason_reported':
      return { ...state, pendingReason: a };
    case 'reason_rejected':
      if (!state.pendingReason) refuse(state, a, 'no reason has been reported');
      return { ...state, pendingReason: null };
    case 'reason_accepted': {
      const r = state.pendingReason;
      if (!r) refuse(state, a, 'no reason has been reported');
      if (r.reason === 'own_marriage_registration' && r.marriageDate !== kzDate(new Date(state.appearanceAt))) {
        refuse(state, a, `marriage registration is a valid reason only on the appearance day ${kzDate(new Date(state.appearanceAt))}, not ${r.marriageDate ?? 'an unstated date'}`);
      }
      return { ...state, legal: 'excused', pendingReason: null };
    }
    case 'appeared':
      return { ...state, legal: 'appeared' };
    case 'failed_to_appear':
      if (Date.parse(a.at) < Date.parse(state.appearanceAt)) refuse(state, a, `the appearance time ${state.appearanceAt} has not passed`);
      if (state.pendingReason) refuse(state, a, `a reason (${state.pendingReason.reason}) was reported and must be accepted or rejected first`);
      return { ...state, legal: 'referred' };
  }
}

export function parseAction(input: unknown): SummonsAction {
  const r = SummonsAction.safeParse(input);
  if (r.success) return r.data;
  const where = r.error.issues.map((i) => `${i.path.join('.') || '(action)'}: ${i.message}`).join('; ');
  throw new DomainError('SUMMONS_ACTION_INVALID', `summons action is malformed — ${where}`, { issues: r.error.issues });
}

/** Applies one action; throws SUMMONS_TRANSITION_REFUSED (and leaves nothing changed) when the rules forbid it. */
export function applySummonsAction(state: SummonsState | null, input: SummonsAction): SummonsState {
  const action = parseAction(input);
  if (state === null) {
    if (action.kind !== 'issued') refuse(null, action, 'the first action of a summons must be issued');
    return {
      summonsId: action.summonsId,
      iin: action.iin,
      purpose: action.purpose,
      appearanceAt: action.appearanceAt,
      exercise: action.exercise,
      legal: 'not_notified',
      notification: 'not_notified',
      grounds: [],
      notes: [],
      evidence: [],
      pendingReason: null,
      referralUnsupported: false,
      version: 1,
    };
  }
  if (action.kind === 'issued') refuse(state, action, 'the summons is already issued');
  const next = isEvidence(action) ? applyEvidence(state, action) : applyDecision(state, action);
  return { ...next, version: state.version + 1 };
}

/** Folds a whole log; the state of a summons is always this, never stored on its own. */
export function reduceSummons(actions: readonly SummonsAction[]): SummonsState {
  let state: SummonsState | null = null;
  for (const a of actions) state = applySummonsAction(state, a);
  if (state === null) throw new DomainError('SUMMONS_LOG_EMPTY', 'a summons log needs at least its issued action');
  return state;
}
