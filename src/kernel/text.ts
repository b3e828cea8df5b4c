/**
 * The one check every text from outside passes at the edge (request bodies, query strings, path parameters, import
 * files): what PostgreSQL cannot store as it was sent, or stores as something else, is refused rather than changed.
 * NUL cannot be stored in text or jsonb; a lone surrogate is stored as U+FFFD, so a hash taken of the value before it
 * was stored no longer matches; other control characters are invisible and have no place in names or messages.
 * TAB, LF and CR are allowed (multi-line messages).
 */
export type TextProblem = 'nul' | 'lone_surrogate' | 'control_character';

// C0 controls but TAB, LF, CR; DEL; C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function textProblem(s: string): TextProblem | null {
  if (s.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(s)) return 'lone_surrogate';
  if (CONTROL.test(s)) return 'control_character';
  return null;
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
