import { DomainError } from '../../kernel/errors.ts';

/** A plan's life: an append-only action log and a pure reducer deriving its state. */
export type PlanStatus = 'draft' | 'approved' | 'issued' | 'withdrawn';
export type PlanAction = 'draft' | 'approve' | 'issue' | 'withdraw';

/** Allowed transitions: status × action → next status. Anything absent is refused. */
const TRANSITIONS = {
  draft: { approve: 'approved', withdraw: 'withdrawn' },
  approved: { issue: 'issued' },
  issued: {},
  withdrawn: {},
} as const satisfies Record<PlanStatus, Partial<Record<PlanAction, PlanStatus>>>;

export interface PlanActionEntry {
  seq: number;
  at: Date;
  actor: string;
  action: PlanAction;
  note: string | null;
}

export interface PlanState {
  status: PlanStatus;
  author: string;
  approvedBy: string | null;
}

function next(state: PlanState | null, e: PlanActionEntry): PlanState {
  if (state === null) {
    if (e.action !== 'draft') throw new DomainError('CALLUP_BAD_LOG', `plan log must start with draft, found ${e.action}`);
    return { status: 'draft', author: e.actor, approvedBy: null };
  }
  const to = (TRANSITIONS[state.status] as Partial<Record<PlanAction, PlanStatus>>)[e.action];
  if (!to) throw new DomainError('CALLUP_BAD_TRANSITION', `A plan that is ${state.status} cannot be given "${e.action}".`);
  return { ...state, status: to, approvedBy: e.action === 'approve' ? e.actor : state.approvedBy };
}

export function planState(log: readonly PlanActionEntry[]): PlanState {
  let s: PlanState | null = null;
  for (const e of log) s = next(s, e);
  if (!s) throw new DomainError('CALLUP_BAD_LOG', 'plan has no actions');
  return s;
}

/**
 * Checks an action against the current state and the rules on who may take it, returning the new state.
 * Approval is by a second person: the author of a plan can never approve it.
 */
export function applyAction(log: readonly PlanActionEntry[], action: Exclude<PlanAction, 'draft'>, actor: string): PlanState {
  const s = planState(log);
  if (action === 'approve' && actor === s.author) {
    throw new DomainError('CALLUP_SELF_APPROVAL', `${actor} drafted this plan and cannot approve it; a second person must.`);
  }
  return next(s, { seq: log.length + 1, at: new Date(0), actor, action, note: null });
}
