import { DomainError } from '../../kernel/errors.ts';

/** A civil task's life: an append-only action log and a pure reducer deriving its state (as call-up plans). */
export type TaskStatus = 'open' | 'planned' | 'approved' | 'withdrawn';
export type TaskAction = 'create' | 'plan' | 'approve' | 'withdraw';

/** status × action → next status; re-planning is allowed until approval. */
const TRANSITIONS = {
  open: { plan: 'planned', withdraw: 'withdrawn' },
  planned: { plan: 'planned', approve: 'approved', withdraw: 'withdrawn' },
  approved: { withdraw: 'withdrawn' },
  withdrawn: {},
} as const satisfies Record<TaskStatus, Partial<Record<TaskAction, TaskStatus>>>;

export interface TaskActionEntry {
  seq: number;
  at: Date;
  actor: string;
  action: TaskAction;
  note: string | null;
}

export interface TaskState {
  status: TaskStatus;
  createdBy: string;
  /** Who computed the current assignments. */
  plannedBy: string | null;
  approvedBy: string | null;
}

function next(s: TaskState | null, e: Pick<TaskActionEntry, 'action' | 'actor'>): TaskState {
  if (s === null) {
    if (e.action !== 'create') throw new DomainError('CIVIL_BAD_LOG', `a task log must start with create, found ${e.action}`);
    return { status: 'open', createdBy: e.actor, plannedBy: null, approvedBy: null };
  }
  const to = (TRANSITIONS[s.status] as Partial<Record<TaskAction, TaskStatus>>)[e.action];
  if (!to) throw new DomainError('CIVIL_BAD_TRANSITION', `A civil task that is ${s.status} cannot be given "${e.action}".`, { status: s.status, action: e.action });
  return { ...s, status: to, plannedBy: e.action === 'plan' ? e.actor : s.plannedBy, approvedBy: e.action === 'approve' ? e.actor : s.approvedBy };
}

export function taskState(log: readonly Pick<TaskActionEntry, 'action' | 'actor'>[]): TaskState {
  let s: TaskState | null = null;
  for (const e of log) s = next(s, e);
  if (!s) throw new DomainError('CIVIL_BAD_LOG', 'task has no actions');
  return s;
}

/** Checks an action; approval is by a second person, neither the task's author nor whoever planned it. */
export function applyTaskAction(log: readonly Pick<TaskActionEntry, 'action' | 'actor'>[], action: Exclude<TaskAction, 'create'>, actor: string): TaskState {
  const s = taskState(log);
  if (action === 'approve' && (actor === s.createdBy || actor === s.plannedBy)) {
    throw new DomainError('CIVIL_SELF_APPROVAL', `${actor} created or planned this task and cannot approve it; a second person must.`);
  }
  return next(s, { action, actor });
}
