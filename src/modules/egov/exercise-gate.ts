import { DomainError, isDomainError } from '../../kernel/errors.ts';
import { checkExerciseGate, EXERCISE_MARK } from '../sms/index.ts';

/** One configured e-Gov route, exactly like an SMS channel: an exercise channel goes to a test service only. */
export interface EgovChannelConfig {
  name: string;
  exercise: boolean;
}

export interface OutboundEgovMessage {
  recipientIin: string;
  title: string;
  body: string;
  /** The message belongs to an EXERCISE plan. */
  exercise: boolean;
}

export { EXERCISE_MARK };

/**
 * The SMS gateway's exercise rule applied to an e-Gov message, to its title (what the inbox lists) and its body:
 * both directions refused, and the EXERCISE mark must agree with the flag. The logic is the SMS gate's own, so the
 * two channels cannot drift apart; only the codes say which channel refused (EGOV_EXERCISE_ON_LIVE_CHANNEL, …).
 * The recipient is not named in the error: it ends up in the outbox's last_error, and an IIN is personal data.
 */
export function checkEgovExerciseGate(channel: EgovChannelConfig, m: OutboundEgovMessage): void {
  for (const text of [m.title, m.body]) {
    try {
      checkExerciseGate(channel, { to: 'an e-Gov account', text, exercise: m.exercise });
    } catch (e) {
      if (isDomainError(e) && e.code.startsWith('SMS_')) throw new DomainError(e.code.replace(/^SMS_/, 'EGOV_'), e.message, e.details);
      throw e;
    }
  }
}

export const EGOV_GATE_CODES: readonly string[] = ['EGOV_EXERCISE_ON_LIVE_CHANNEL', 'EGOV_LIVE_ON_EXERCISE_CHANNEL', 'EGOV_EXERCISE_MARK_MISSING', 'EGOV_EXERCISE_MARK_ON_LIVE'];
