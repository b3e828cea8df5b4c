/**
 * Bit codes shared by the engine and the modules that build its inputs; kept apart so that a worker thread
 * running the engine loads nothing but the engine.
 */

/** A person's channels (Population.channels). */
export const CH_SMS = 1;
export const CH_EGOV = 2;
export const CH_PAPER = 4;
/** The mobile is also the number on the e-Gov portal, so the SMS is the e-Gov message's notice. */
export const CH_PORTAL = 8;

/** Evidence bits of one summons, as the engine records them. Every dispatch in the engine already passed the notice check. */
export const EV_SMS_SENT = 1;
/** The SMS has a "delivered" report dated no later than the appearance. */
export const EV_SMS_DELIVERED = 2;
export const EV_PORTAL_NUMBER = 4;
export const EV_EGOV_POSTED = 8;
export const EV_EGOV_READ = 16;
export const EV_EGOV_UNREAD = 32;
export const EV_PAPER_RECEIVED = 64;
export const EV_PAPER_REFUSED = 128;
