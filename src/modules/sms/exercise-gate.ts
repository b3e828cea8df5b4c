import { DomainError } from '../../kernel/errors.ts';

/** One configured SMS route. An exercise channel goes to a test SMSC or simulator, never to citizens' phones. */
export interface SmsChannelConfig {
  name: string;
  exercise: boolean;
}

/**
 * Printed at the very start of every exercise message, in Russian, Kazakh and English, so it is in the first part
 * of a multipart SMS and in the handset's preview.
 */
export const EXERCISE_MARK = 'УЧЕНИЯ / ЖАТТЫҒУ / EXERCISE';

export interface OutboundSms {
  to: string;
  text: string;
  /** The message belongs to an EXERCISE plan. */
  exercise: boolean;
}

/**
 * The gateway's exercise safety check, made before anything is queued. Both directions are refused: an exercise
 * message on a live channel would reach a real person as if called up; a real summons on an exercise channel would
 * be recorded as sent while it never reaches the person, so a legal notice would silently be lost. The mark in the
 * text must agree with the flag in the data, so a drill never looks real and a real summons never looks like a drill.
 */
export function checkExerciseGate(channel: SmsChannelConfig, sms: OutboundSms): void {
  const marked = sms.text.startsWith(EXERCISE_MARK);
  if (sms.exercise && !channel.exercise) {
    throw new DomainError('SMS_EXERCISE_ON_LIVE_CHANNEL', `exercise message to ${sms.to} refused: channel "${channel.name}" is not configured for exercises; send it through an exercise channel`, { channel: channel.name });
  }
  if (!sms.exercise && channel.exercise) {
    throw new DomainError('SMS_LIVE_ON_EXERCISE_CHANNEL', `real message to ${sms.to} refused: channel "${channel.name}" is an exercise channel and would not reach the person; send it through a live channel`, { channel: channel.name });
  }
  if (sms.exercise && !marked) {
    throw new DomainError('SMS_EXERCISE_MARK_MISSING', `exercise message to ${sms.to} refused: its text must start with "${EXERCISE_MARK}"`, { channel: channel.name });
  }
  if (!sms.exercise && sms.text.includes(EXERCISE_MARK)) {
    throw new DomainError('SMS_EXERCISE_MARK_ON_LIVE', `real message to ${sms.to} refused: it carries the exercise mark "${EXERCISE_MARK}" and would be taken for a drill`, { channel: channel.name });
  }
}
