/**
 * The one check every text from outside passes at the edge (request bodies, query strings, path parameters, import
 * files): what PostgreSQL cannot store as it was sent, or stores as something else, is refused rather than changed.
 * NUL cannot be stored in text or jsonb; a lone surrogate is stored as U+FFFD, so a hash taken of the value before it
 * was stored no longer matches; other control characters are invisible and have no place in names or messages.
 * TAB, LF and CR are allowed (multi-line messages).
 */
export type TextProblem = 'nul' | 'lone_surrogate' | 'control_character';

/** Any character that might be refused: one native scan; a match is looked at closely by unsafeChar. */
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uD800-\uDFFF]/;

export function mayBeUnsafe(s: string): boolean {
  return SUSPECT.test(s);
}

/** The first refused character of s: what it is, its index (0-based, UTF-16) and its code unit; null if none. */
export function unsafeChar(s: string): { problem: TextProblem; index: number; code: number } | null {
  if (!SUSPECT.test(s)) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      return { problem: 'lone_surrogate', index: i, code: c };
    }
    if (c >= 0xdc00 && c <= 0xdfff) return { problem: 'lone_surrogate', index: i, code: c };
    if (c === 0) return { problem: 'nul', index: i, code: c };
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || (c >= 0x7f && c <= 0x9f)) return { problem: 'control_character', index: i, code: c };
  }
  return null;
}

export function textProblem(s: string): TextProblem | null {
  return unsafeChar(s)?.problem ?? null;
}

export const TEXT_PROBLEM_WORDS: Record<TextProblem, string> = {
  nul: 'contains a NUL character (U+0000)',
  lone_surrogate: 'contains a lone UTF-16 surrogate (not a character)',
  control_character: 'contains a control character',
};

/** The first string in a JSON-like value (keys included) that has a problem, with its path. */
export function findTextProblem(v: unknown, path: string[] = []): { path: string; problem: TextProblem } | null {
  if (typeof v === 'string') {
    const p = textProblem(v);
    return p ? { path: path.join('.') || '(value)', problem: p } : null;
  }
  if (v === null || typeof v !== 'object') return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const f = findTextProblem(v[i], [...path, String(i)]);
      if (f) return f;
    }
    return null;
  }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const kp = textProblem(k);
    if (kp) return { path: [...path, '(key)'].join('.'), problem: kp };
    const f = findTextProblem(x, [...path, k]);
    if (f) return f;
  }
  return null;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8, or null when the bytes are not valid UTF-8 (instead of U+FFFD in their place). */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return null;
  }
}
