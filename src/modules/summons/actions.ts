import { z } from 'zod';

/**
 * Everything that happens to a summons is one of these actions, appended to its log and never changed. Channel
 * evidence (what the SMSC, e-Gov or a courier reported) and LMA decisions share the log; the reducer tells them
 * apart. Times carry an explicit offset; the reducer compares instants and takes calendar dates in Kazakhstan.
 */
const instant = z.iso.datetime({ offset: true });

export const SummonsPurpose = z.enum(['medical_examination', 'assessment', 'conscription_commission', 'dispatch_to_unit', 'assignment']);
export type SummonsPurpose = z.infer<typeof SummonsPurpose>;

/** How the LMA knows a number belongs to the person; the e-Gov ground needs an SMS to the number on the portal. */
export const NumberBasis = z.enum(['given_to_lma', 'registered_in_name', 'egov_portal']);
export type NumberBasis = z.infer<typeof NumberBasis>;

export const PaperPlace = z.enum(['residence', 'stay', 'work', 'lma']);
export type PaperPlace = z.infer<typeof PaperPlace>;

/** The valid reasons for a duly notified person not appearing (DOMAIN.md, Summons). */
export const ValidReason = z.enum([
  'illness',
  'death_of_close_relative_or_spouse',
  'natural_disaster_or_other_circumstances',
  'own_marriage_registration',
  'outside_kazakhstan',
]);
export type ValidReason = z.infer<typeof ValidReason>;

export const DeliveryStatus = z.enum(['delivered', 'undeliverable', 'expired', 'rejected', 'deleted', 'unknown']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

const base = { at: instant };

export const SummonsAction = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('issued'),
    ...base,
    summonsId: z.string().min(1),
    iin: z.string().regex(/^\d{12}$/),
    purpose: SummonsPurpose,
    appearanceAt: instant,
    /** A summons of an EXERCISE plan: carries the mark and may only go through exercise channels. */
    exercise: z.boolean(),
    issuedBy: z.string().min(1),
  }),
  z.object({
    kind: z.literal('sms_submitted'),
    ...base,
    number: z.string().min(1),
    numberBasis: z.array(NumberBasis).min(1),
    /** One SMSC message id per part of a multipart SMS; every part needs a delivery report. */
    messageIds: z.array(z.string().min(1)).min(1),
  }),
  z.object({ kind: z.literal('sms_delivery_report'), ...base, messageId: z.string().min(1), status: DeliveryStatus }),
  z.object({ kind: z.literal('egov_posted'), ...base, account: z.string().min(1) }),
  z.object({
    kind: z.literal('read_status'),
    ...base,
    channel: z.enum(['sms', 'egov']),
    /** The number, for channel sms. */
    number: z.string().min(1).optional(),
    status: z.enum(['read', 'unread']),
  }),
  z.object({ kind: z.literal('number_changed'), ...base, number: z.string().min(1) }),
  z.object({ kind: z.literal('paper_received'), ...base, place: PaperPlace, via: z.enum(['hand', 'mail']), signedBy: z.string().min(1) }),
  z.object({ kind: z.literal('paper_refused'), ...base, place: PaperPlace, notedBy: z.string().min(1) }),
  z.object({ kind: z.literal('reason_reported'), ...base, reason: ValidReason, details: z.string().optional(), marriageDate: z.iso.date().optional() }),
  z.object({ kind: z.literal('reason_accepted'), ...base, by: z.string().min(1) }),
  z.object({ kind: z.literal('reason_rejected'), ...base, by: z.string().min(1), why: z.string().min(1) }),
  z.object({ kind: z.literal('appeared'), ...base, recordedBy: z.string().min(1) }),
  z.object({ kind: z.literal('failed_to_appear'), ...base, recordedBy: z.string().min(1) }),
]);
export type SummonsAction = z.infer<typeof SummonsAction>;
export type SummonsActionKind = SummonsAction['kind'];
export type ActionOf<K extends SummonsActionKind> = Extract<SummonsAction, { kind: K }>;

/** Channel evidence: recorded whatever the state, it only moves the notification status. */
export const EVIDENCE_KINDS = ['sms_submitted', 'sms_delivery_report', 'egov_posted', 'read_status', 'number_changed', 'paper_received', 'paper_refused'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
export type EvidenceAction = ActionOf<EvidenceKind>;
export type DecisionKind = Exclude<SummonsActionKind, EvidenceKind | 'issued'>;
export type DecisionAction = ActionOf<DecisionKind>;

export function isEvidence(a: SummonsAction): a is EvidenceAction {
  return (EVIDENCE_KINDS as readonly string[]).includes(a.kind);
}
