import { DomainError } from '../../kernel/errors.ts';

/** An incident's life: an append-only timeline and a pure reducer deriving its state. */
export type IncidentStatus = 'open' | 'contained' | 'resolved';
export type EntryKind = 'open' | 'note' | 'assign' | 'contain' | 'resolve';

/**
 * Allowed transitions: status × entry → next status; anything absent is refused. Notes may follow resolution
 * (a post-incident finding belongs on the same timeline); a resolved incident is not reopened — a recurrence is a
 * new incident.
 */
const TRANSITIONS = {
  open: { note: 'open', assign: 'open', contain: 'contained' },
  contained: { note: 'contained', assign: 'contained', resolve: 'resolved' },
  resolved: { note: 'resolved' },
} as const satisfies Record<IncidentStatus, Partial<Record<Exclude<EntryKind, 'open'>, IncidentStatus>>>;

export interface TimelineEntry {
  seq: number;
  at: Date;
  actor: string;
  kind: EntryKind;
  note: string | null;
  unitId: number | null;
}

export interface IncidentState {
  status: IncidentStatus;
  respondingUnitId: number | null;
  openedAt: Date;
  containedAt: Date | null;
  resolvedAt: Date | null;
}

export function applyEntry(state: IncidentState | null, e: TimelineEntry): IncidentState {
  if (state === null) {
    if (e.kind !== 'open') throw new DomainError('INFRA_BAD_TIMELINE', `an incident timeline must start with open, found ${e.kind}`);
    return { status: 'open', respondingUnitId: e.unitId, openedAt: e.at, containedAt: null, resolvedAt: null };
  }
  const to = e.kind === 'open' ? undefined : (TRANSITIONS[state.status] as Partial<Record<EntryKind, IncidentStatus>>)[e.kind];
  if (!to) throw new DomainError('INFRA_BAD_TRANSITION', `An incident that is ${state.status} cannot be given "${e.kind}".`, { status: state.status, kind: e.kind });
  return {
    status: to,
    respondingUnitId: e.kind === 'assign' ? e.unitId : state.respondingUnitId,
    openedAt: state.openedAt,
    containedAt: e.kind === 'contain' ? e.at : state.containedAt,
    resolvedAt: e.kind === 'resolve' ? e.at : state.resolvedAt,
  };
}

export function incidentState(log: readonly TimelineEntry[]): IncidentState {
  let s: IncidentState | null = null;
  for (const e of log) s = applyEntry(s, e);
  if (!s) throw new DomainError('INFRA_BAD_TIMELINE', 'incident has no timeline');
  return s;
}
