/**
 * Where each person summoned stands at the horizon: exactly one of these. Codes are indices into FINAL_STATES.
 * - not_sent: a summons is still queued for a channel, with a courier, or the paper fallback is not yet due;
 * - too_late: every dispatch was refused by the notice period and nothing else is on its way;
 * - unreached: everything was sent and nothing reached the person (undelivered SMS, unread e-Gov, not found at home);
 * - unaware: a summons reached the person (delivered, maybe duly notified by law) but they have not read it;
 * - excused: a valid reason; no_show: knows and does not come (including a refused paper summons);
 * - en_route: coming — getting ready, waiting for the appearance time or open roads, or travelling;
 * - queued: at the assembly point, not yet through processing;
 * - unfit: failed the medical check; unequipped: fit, but the stockpile was empty; reported: fit and equipped.
 */
export const FINAL_STATES = ['not_sent', 'too_late', 'unreached', 'unaware', 'excused', 'no_show', 'en_route', 'queued', 'unfit', 'unequipped', 'reported'] as const;
export type FinalState = (typeof FINAL_STATES)[number];

export const ST_NOT_SENT = 0;
export const ST_TOO_LATE = 1;
export const ST_UNREACHED = 2;
export const ST_UNAWARE = 3;
export const ST_EXCUSED = 4;
export const ST_NO_SHOW = 5;
export const ST_EN_ROUTE = 6;
export const ST_QUEUED = 7;
export const ST_UNFIT = 8;
export const ST_UNEQUIPPED = 9;
export const ST_REPORTED = 10;
/** Not yet decided (only inside a run). */
export const ST_UNSET = 255;

/** Cumulative curves, by hour: summons sent, reached the person, duly notified by law, read, arrived, reported. */
export const SERIES = ['dispatched', 'delivered', 'notified', 'aware', 'arrived', 'reported'] as const;
export type SeriesName = (typeof SERIES)[number];

/** Where the hours of the people who reported went, in order. */
export const STAGES = ['dispatch_wait', 'notification', 'preparation', 'held', 'travel', 'assembly_queue', 'processing'] as const;
export type StageName = (typeof STAGES)[number];

/** Shares of each agency's quota (and the total) whose time of reaching is reported. */
export const TARGETS = [0.5, 0.9, 1] as const;
