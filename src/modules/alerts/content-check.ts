import { DomainError } from '../../kernel/errors.ts';
import { checkExerciseGate, EXERCISE_MARK } from '../sms/index.ts';
import { assertRegions } from './area.ts';
import { ALERT_LANGS, type AlertContent, type CapStatus } from './content.ts';
import { alertSmsText, isExerciseTraffic } from './distribution.ts';

/** Schemes a link in a public alert may have: anything else (javascript:, data:, file:…) is refused. */
const URL_SCHEMES = new Set(['http:', 'https:']);

function refuse(field: string, rule: string, message: string, extra: Record<string, unknown> = {}): never {
  throw new DomainError('ALERT_BAD_CONTENT', message, { field, rule, ...extra });
}

/** An http(s) address with a host; a URL object's own parser decides, as a browser or CAP reader would. */
export function checkAlertUrl(field: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    refuse(field, 'url', `${field} "${value}" is not an absolute URL; give an https:// address`);
  }
  if (!URL_SCHEMES.has(url.protocol)) refuse(field, 'url_scheme', `${field} must be an http or https address, not ${url.protocol}`, { scheme: url.protocol });
  if (!url.hostname) refuse(field, 'url', `${field} "${value}" has no host`);
}

/** Every text of the content with the field it sits in, for the checks and their error details. */
function texts(c: AlertContent): [string, string][] {
  const out: [string, string][] = [];
  for (const l of ALERT_LANGS) {
    const w = c.info[l];
    if (!w) continue;
    for (const k of ['event', 'headline', 'description', 'instruction'] as const) if (w[k] !== undefined) out.push([`info.${l}.${k}`, w[k] as string]);
  }
  if (c.contact !== undefined) out.push(['contact', c.contact]);
  if (c.web !== undefined) out.push(['web', c.web]);
  return out;
}

/**
 * What the gateways would refuse, refused when the words are written and again when they are approved and
 * published, never first at sending time: a real alert carrying the exercise mark was published and reached nobody
 * (every SMS and the cell broadcast refused by the exercise gate). Also: only http(s) links, known regions, and an SMS
 * text that passes the very gate the dispatcher's channels apply.
 */
export function checkAlertContent(content: AlertContent, status: CapStatus): void {
  assertRegions(content.regions);
  if (content.web !== undefined) checkAlertUrl('web', content.web);
  if (status === 'Actual') {
    for (const [field, text] of texts(content)) {
      if (text.includes(EXERCISE_MARK)) {
        refuse(field, 'exercise_mark_in_live', `${field} carries the exercise mark "${EXERCISE_MARK}": a real alert with it would be refused by every SMS and cell-broadcast channel; remove it, or make the alert an Exercise`);
      }
    }
  }
  const sms = alertSmsText(status, content);
  try {
    checkExerciseGate({ name: 'approval check', exercise: isExerciseTraffic(status) }, { to: 'every recipient', text: sms, exercise: isExerciseTraffic(status) });
  } catch (e) {
    refuse('sms', 'exercise_gate', `the SMS text would be refused by the gateways: ${(e as Error).message}`, { cause: (e as DomainError).code });
  }
}
