import { unsafeChar } from '../../kernel/text.ts';

/**
 * Character hygiene for text that comes from outside (import files, request bodies). Refused anywhere: NUL and the
 * other C0 controls except TAB, CR and LF; DEL and the C1 controls (U+007F–U+009F); lone surrogates (not Unicode,
 * and PostgreSQL would store U+FFFD instead, so the bytes kept would differ from the bytes checked). CR and LF are
 * left to the field's own rules: the CSV format allows them inside quoted fields, the registry's text fields are
 * one line (person.ts refuses line breaks there).
 */

export { mayBeUnsafe } from '../../kernel/text.ts';

const hex = (c: number) => 'U+' + c.toString(16).toUpperCase().padStart(4, '0');

/** Null when s holds no refused character (kernel/text.ts), else the reason naming the first one and its 1-based position. */
export function textProblem(s: string): string | null {
  const u = unsafeChar(s);
  if (!u) return null;
  const at = `at character ${u.index + 1}`;
  if (u.problem === 'lone_surrogate') return `contains a lone surrogate ${hex(u.code)} ${at} (not valid Unicode)`;
  if (u.problem === 'nul') return `contains a NUL byte (U+0000) ${at}`;
  return `contains the control character ${hex(u.code)} ${at}`;
}

const LINE_BREAK = /[\r\n\u2028\u2029]/;

/** For one-line text fields: the reason when s holds a line break, else null. */
export function lineBreakProblem(s: string): string | null {
  const m = LINE_BREAK.exec(s);
  return m ? `contains a line break (${hex(m[0].charCodeAt(0))}) at character ${m.index + 1}; the field is one line` : null;
}

const SHOWN_ESCAPED = /[\x00-\x08\x0A-\x1F\x7F-\x9F\u2028\u2029]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A value as it may be shown in a report: refused characters and line breaks written as \uXXXX, cut to max. */
export function visible(s: string, max = 120): string {
  const cut = s.length > max ? s.slice(0, max) + '…' : s;
  return cut.replace(SHOWN_ESCAPED, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
