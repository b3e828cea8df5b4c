import { z } from 'zod';

/**
 * What an officer composes, in CAP 1.2's own vocabulary (the enumerations are the schema's), so the builder maps
 * one to one. Kazakh and Russian are required — the siren's spoken message is in both (DOMAIN.md, Public alerts) —
 * English is optional, for international partners.
 */
export const CapStatus = z.enum(['Actual', 'Exercise', 'Test']);
export type CapStatus = z.infer<typeof CapStatus>;
export const Category = z.enum(['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other']);
export type Category = z.infer<typeof Category>;
export const ResponseType = z.enum(['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None']);
export type ResponseType = z.infer<typeof ResponseType>;
export const Urgency = z.enum(['Immediate', 'Expected', 'Future', 'Past', 'Unknown']);
export type Urgency = z.infer<typeof Urgency>;
export const Severity = z.enum(['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown']);
export type Severity = z.infer<typeof Severity>;
export const Certainty = z.enum(['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown']);
export type Certainty = z.infer<typeof Certainty>;

export const ALERT_LANGS = ['kk', 'ru', 'en'] as const;
export type AlertLang = (typeof ALERT_LANGS)[number];
/** RFC 3066 tags written into each CAP info block. */
export const CAP_LANGUAGE: Record<AlertLang, string> = { kk: 'kk-KZ', ru: 'ru-RU', en: 'en-US' };

const text = (max: number) => z.string().trim().min(1).max(max);
const instant = z.iso.datetime({ offset: true });
export const RegionCode = z.string().regex(/^KZ-\d{2}$/, 'a region ISO 3166-2 code such as KZ-75');

/** One language's words: the event, a headline short enough for a lock screen, what happens and what to do. */
export const LangInfo = z.object({
  event: text(120),
  headline: text(160),
  description: text(4000),
  instruction: text(2000).optional(),
}).strict();
export type LangInfo = z.infer<typeof LangInfo>;

export const InfoByLang = z.object({ kk: LangInfo, ru: LangInfo, en: LangInfo.optional() }).strict();
export type InfoByLang = z.infer<typeof InfoByLang>;

const contentShape = {
  category: z.array(Category).min(1).max(12),
  responseType: z.array(ResponseType).min(1).max(9),
  urgency: Urgency,
  severity: Severity,
  certainty: Certainty,
  /** When the hazard begins and when the message stops applying; written with +05:00 into the CAP. */
  onset: instant.optional(),
  expires: instant.optional(),
  /** Target regions: each becomes a CAP area (its polygon and geocodes) and decides who gets the SMS. */
  regions: z.array(RegionCode).min(1).max(20),
  info: InfoByLang,
  web: z.url().max(500).optional(),
  contact: text(200).optional(),
};

function checkTimes(c: { onset?: string | undefined; expires?: string | undefined }, ctx: z.RefinementCtx): void {
  if (c.onset && c.expires && Date.parse(c.expires) <= Date.parse(c.onset)) {
    ctx.addIssue({ code: 'custom', path: ['expires'], message: 'expires must be after onset' });
  }
}

/** The content of a message; the CAP status (Actual/Exercise/Test) belongs to the alert and never changes. */
export const AlertContent = z.object(contentShape).strict().superRefine(checkTimes);
export type AlertContent = z.infer<typeof AlertContent>;

/** A new alert: its status and the content of its first message. */
export const NewAlert = z.object({
  status: CapStatus,
  content: AlertContent,
  /** The same key twice answers with the alert made the first time, so a client may retry. */
  idempotencyKey: z.string().min(8).max(100).optional(),
}).strict();
export type NewAlert = z.infer<typeof NewAlert>;

/** Words of a cancellation or an all-clear: per language headline and text; the rest comes from the last message. */
const FollowUpLang = z.object({ headline: text(160), description: text(4000), instruction: text(2000).optional() }).strict();
export const FollowUpText = z.object({ kk: FollowUpLang, ru: FollowUpLang, en: FollowUpLang.optional() }).strict();
export type FollowUpText = z.infer<typeof FollowUpText>;

/** The next message of a published alert: a full update, a cancellation (with its reason), or the all-clear. */
export const FollowUp = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('update'), content: AlertContent }).strict(),
  z.object({ kind: z.literal('cancel'), reason: text(500), text: FollowUpText }).strict(),
  z.object({ kind: z.literal('all_clear'), text: FollowUpText }).strict(),
]);
export type FollowUp = z.infer<typeof FollowUp>;

/** The languages a content carries, Kazakh first (the state language), then Russian, then English if given. */
export function langsOf(info: { kk: unknown; ru: unknown; en?: unknown }): AlertLang[] {
  return ALERT_LANGS.filter((l) => info[l] !== undefined);
}
