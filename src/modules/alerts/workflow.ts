import { z } from 'zod';
import { DomainError } from '../../kernel/errors.ts';
import { AlertContent, CapStatus, langsOf, type FollowUp, type FollowUpText } from './content.ts';

/**
 * An alert's life is an append-only log of these actions and a pure reducer over it. Each CAP message of the alert
 * (the alert itself, then updates, a cancellation or the all-clear) is drafted, possibly revised, approved and
 * published; what the state is never stored on its own.
 */
export const MessageKind = z.enum(['alert', 'update', 'cancel', 'all_clear']);
export type MessageKind = z.infer<typeof MessageKind>;

const at = z.iso.datetime({ offset: true });
const actor = z.string().min(1);

export const AlertAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('draft'), at, actor, message: MessageKind, status: CapStatus.optional(), content: AlertContent, note: z.string().optional() }),
  z.object({ kind: z.literal('revise'), at, actor, content: AlertContent, note: z.string().optional() }),
  /** `seen`: the version the approver looked at, so nobody approves words they have not read. */
  z.object({ kind: z.literal('approve'), at, actor, seen: z.number().int().positive().optional() }),
  z.object({ kind: z.literal('publish'), at, actor, identifier: z.string().min(1), sent: z.string().min(1) }),
  z.object({ kind: z.literal('discard'), at, actor, reason: z.string().optional() }),
]);
export type AlertAction = z.infer<typeof AlertAction>;
export type AlertActionKind = AlertAction['kind'];

/** Where the alert stands: before publication by its first message's stage, after it by the last message out. */
export type AlertPhase = 'draft' | 'approved' | 'discarded' | 'published' | 'updated' | 'cancelled' | 'all_clear';
export type Stage = 'drafted' | 'approved';

/** Which follow-up may be drafted in which phase; the first message (alert) only opens the log. */
export const DRAFT_ALLOWED_IN = {
  alert: [],
  update: ['published', 'updated'],
  cancel: ['published', 'updated'],
  all_clear: ['published', 'updated'],
} as const satisfies Record<MessageKind, readonly AlertPhase[]>;

/** What may happen to the message in hand at each stage; revising an approved message needs approval again. */
export const STAGE_TRANSITIONS = {
  drafted: { revise: 'drafted', approve: 'approved', discard: 'discarded' },
  approved: { revise: 'drafted', publish: 'published', discard: 'discarded' },
} as const satisfies Record<Stage, Partial<Record<Exclude<AlertActionKind, 'draft'>, Stage | 'published' | 'discarded'>>>;

/** The two-person rule: whoever wrote a message's words may not approve it. Only drills and tests may skip it. */
export const SECOND_PERSON_REQUIRED = { Actual: true, Exercise: false, Test: false } as const satisfies Record<CapStatus, boolean>;

/** The CAP msgType of each kind; the all-clear is an Update whose responseType is AllClear (CAP 1.2, 3.2.2). */
export const MSG_TYPE = { alert: 'Alert', update: 'Update', cancel: 'Cancel', all_clear: 'Update' } as const satisfies Record<MessageKind, 'Alert' | 'Update' | 'Cancel'>;
const PHASE_AFTER = { alert: 'published', update: 'updated', cancel: 'cancelled', all_clear: 'all_clear' } as const satisfies Record<MessageKind, AlertPhase>;

export interface PendingMessage {
  kind: MessageKind;
  stage: Stage;
  content: AlertContent;
  note: string | null;
  /** Everyone who wrote its words (drafted or revised it). */
  writers: string[];
  approvedBy: string | null;
}

export interface PublishedMessage {
  /** 1, 2, … within the alert. */
  n: number;
  kind: MessageKind;
  identifier: string;
  sent: string;
  content: AlertContent;
  note: string | null;
  writers: string[];
  approvedBy: string;
  publishedBy: string;
}

export interface AlertState {
  status: CapStatus;
  author: string;
  phase: AlertPhase;
  pending: PendingMessage | null;
  published: PublishedMessage[];
  /** Number of actions applied. */
  version: number;
}

function refuse(code: string, message: string, details: Record<string, unknown> = {}): never {
  throw new DomainError(code, message, details);
}

export function parseAlertAction(input: unknown): AlertAction {
  const r = AlertAction.safeParse(input);
  if (r.success) return r.data;
  throw new DomainError('ALERT_ACTION_INVALID', `alert action is malformed — ${r.error.issues.map((i) => `${i.path.join('.') || '(action)'}: ${i.message}`).join('; ')}`);
}

/** Refuses an action the stage table has no row for. */
function stageStep(s: AlertState, kind: Exclude<AlertActionKind, 'draft'>): Stage | 'published' | 'discarded' {
  const p = s.pending;
  if (!p) refuse('ALERT_BAD_TRANSITION', `There is no message in hand to ${kind}: the alert is ${s.phase}.`, { phase: s.phase });
  const next = (STAGE_TRANSITIONS[p.stage] as Partial<Record<string, Stage | 'published' | 'discarded'>>)[kind];
  if (!next) refuse('ALERT_BAD_TRANSITION', `A ${p.kind} message that is ${p.stage} cannot be given "${kind}"${p.stage === 'drafted' && kind === 'publish' ? ': it must be approved first' : ''}.`, { stage: p.stage, action: kind });
  return next;
}

/** Applies one action, refusing (with nothing changed) what the tables or the two-person rule forbid. */
export function applyAlertAction(state: AlertState | null, input: AlertAction): AlertState {
  const a = parseAlertAction(input);
  if (state === null) {
    if (a.kind !== 'draft' || a.message !== 'alert' || !a.status) refuse('ALERT_BAD_LOG', 'an alert log must open with the draft of its first message and its status');
    return {
      status: a.status, author: a.actor, phase: 'draft', published: [], version: 1,
      pending: { kind: 'alert', stage: 'drafted', content: a.content, note: a.note ?? null, writers: [a.actor], approvedBy: null },
    };
  }
  const version = state.version + 1;
  if (a.kind === 'draft') {
    const allowed: readonly AlertPhase[] = DRAFT_ALLOWED_IN[a.message];
    if (state.pending) refuse('ALERT_BAD_TRANSITION', `A ${state.pending.kind} message is already in hand (${state.pending.stage}); publish or discard it first.`);
    if (!allowed.includes(state.phase)) refuse('ALERT_BAD_TRANSITION', `An alert that is ${state.phase} cannot be given a${a.message === 'alert' ? 'nother alert' : ` ${a.message}`} message${allowed.length ? `; only when ${allowed.join(' or ')}` : ''}.`, { phase: state.phase });
    return { ...state, version, pending: { kind: a.message, stage: 'drafted', content: a.content, note: a.note ?? null, writers: [a.actor], approvedBy: null } };
  }
  stageStep(state, a.kind);
  const p = state.pending as PendingMessage;
  switch (a.kind) {
    case 'revise':
      return { ...state, version, pending: { ...p, stage: 'drafted', content: a.content, note: a.note ?? p.note, writers: p.writers.includes(a.actor) ? p.writers : [...p.writers, a.actor], approvedBy: null }, phase: state.published.length ? state.phase : 'draft' };
    case 'approve':
      if (a.seen !== undefined && a.seen !== state.version) {
        refuse('ALERT_STALE', `The alert changed since you read it (version ${a.seen}, now ${state.version}); read it again before approving.`, { seen: a.seen, version: state.version });
      }
      if (SECOND_PERSON_REQUIRED[state.status] && p.writers.includes(a.actor)) {
        refuse('ALERT_SELF_APPROVAL', `${a.actor} wrote this ${state.status} ${p.kind} message and cannot approve it; a second person must.`, { writers: p.writers });
      }
      return { ...state, version, pending: { ...p, stage: 'approved', approvedBy: a.actor }, phase: state.published.length ? state.phase : 'approved' };
    case 'discard':
      return { ...state, version, pending: null, phase: state.published.length ? state.phase : 'discarded' };
    case 'publish': {
      const msg: PublishedMessage = {
        n: state.published.length + 1, kind: p.kind, identifier: a.identifier, sent: a.sent, content: p.content, note: p.note,
        writers: p.writers, approvedBy: p.approvedBy as string, publishedBy: a.actor,
      };
      return { ...state, version, pending: null, published: [...state.published, msg], phase: PHASE_AFTER[p.kind] };
    }
  }
}

/** Folds a whole log; an alert's state is always this. */
export function reduceAlert(log: readonly AlertAction[]): AlertState {
  let s: AlertState | null = null;
  for (const a of log) s = applyAlertAction(s, a);
  if (!s) throw new DomainError('ALERT_BAD_LOG', 'an alert log needs at least its first draft');
  return s;
}

/** The content of the last message out, which updates replace and cancellations and all-clears refer to. */
export function currentContent(s: AlertState): AlertContent | null {
  return s.published.at(-1)?.content ?? null;
}

/**
 * The full content a follow-up publishes. An update brings its own; a cancellation and the all-clear keep the
 * categories, event names and areas of the last message and carry their own words, with urgency Past (no action
 * needed any more), responseType None for a cancellation and AllClear for the all-clear.
 */
export function followUpContent(last: AlertContent, f: FollowUp): { content: AlertContent; note: string | null } {
  if (f.kind === 'update') return { content: f.content, note: null };
  const words = (t: FollowUpText) => {
    const extra = langsOf(t).filter((l) => !last.info[l]);
    if (extra.length) refuse('ALERT_BAD_CONTENT', `the alert has no ${extra.join(', ')} text to ${f.kind === 'cancel' ? 'cancel' : 'clear'}; give Kazakh and Russian${last.info.en ? ' and English' : ''} only`);
    const info = (l: 'kk' | 'ru' | 'en') => {
      const w = t[l];
      const prev = last.info[l];
      return w && prev ? { event: prev.event, headline: w.headline, description: w.description, ...(w.instruction ? { instruction: w.instruction } : {}) } : undefined;
    };
    const en = info('en');
    return { kk: info('kk') as AlertContent['info']['kk'], ru: info('ru') as AlertContent['info']['ru'], ...(en ? { en } : {}) };
  };
  const { onset: _o, expires: _e, ...rest } = last;
  if (f.kind === 'cancel') return { content: { ...rest, responseType: ['None'], urgency: 'Past', info: words(f.text) }, note: f.reason };
  return { content: { ...rest, responseType: ['AllClear'], urgency: 'Past', severity: 'Minor', certainty: 'Observed', info: words(f.text) }, note: null };
}
