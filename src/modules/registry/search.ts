import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { appendAudit } from '../audit/index.ts';

/**
 * A condition on a `persons` row aliased `alias` that confines what the reader may see, with its parameters
 * appended to `params` (the access module's personScopeSql has this shape; the registry does not import access).
 */
export type ScopeSql = (alias: string, params: unknown[]) => string;

export const PersonSearch = z
  .object({
    /** Digits: an IIN prefix. Words: prefixes of last name, first name and patronymic, in that order. */
    q: z.string().trim().max(100).default(''),
    region: z.string().regex(/^KZ-[0-9A-Z]{1,3}$/, 'must be a region ISO code such as KZ-75').optional(),
    district: z.string().min(1).max(200).optional(),
    page: z.coerce.number().int().min(1).max(50).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type PersonSearch = z.infer<typeof PersonSearch>;

export interface PersonHit {
  iin: string;
  lastName: string;
  firstName: string;
  patronymic: string | null;
  birthDate: string;
  sex: string;
  region: string;
  district: string | null;
  milCategory: string | null;
  specialty: string | null;
  hasMobile: boolean;
}

export interface PersonSearchResult {
  /** Matches, counted up to SEARCH_COUNT_LIMIT; `more` says there are more than that. */
  total: number;
  more: boolean;
  page: number;
  pageSize: number;
  persons: PersonHit[];
}

const likeEscaped = (s: string) => s.replace(/[\\%_]/g, '\\$&');

const UPPER = 'АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ';
const LOWER = 'аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя';
/** The indexed, case-folded name key (migration 0021 builds its index on exactly this expression). */
const nameKey = (col: string) => `(translate(lower(${col}), '${UPPER}', '${LOWER}') COLLATE "C")`;
/** The same folding in JS, for the words searched for. */
const fold = (w: string) => [...w.toLowerCase()].map((c) => (UPPER.includes(c) ? LOWER[UPPER.indexOf(c)] : c)).join('');
/** Past this many matches the total is given as "at least": counting every "А…" at national size is not worth it. */
export const SEARCH_COUNT_LIMIT = 1000;

/**
 * Finds persons by IIN prefix or name prefixes, within a region/district, confined to what `scope` lets the reader
 * see; one page at a time, ordered by name then IIN. Who searched for what, and which IINs came back, is audited
 * in the same transaction.
 */
export async function searchPersons(db: Db, input: PersonSearch, ctx: { scope: ScopeSql; actor: string; at: Date }): Promise<PersonSearchResult> {
  const params: unknown[] = [];
  const where = [ctx.scope('p', params)];
  if (input.region) where.push(`p.region = $${params.push(input.region)}`);
  if (input.district) where.push(`p.district = $${params.push(input.district)}`);
  const q = input.q;
  if (/^\d+$/.test(q)) {
    // A range on the primary key: IINs are twelve digits, so a prefix is every IIN between its 0… and 9… fill.
    const prefix = q.slice(0, 12);
    where.push(`p.iin BETWEEN $${params.push(prefix.padEnd(12, '0'))} AND $${params.push(prefix.padEnd(12, '9'))}`);
  } else if (q !== '') {
    const columns = ['last_name', 'first_name', 'patronymic'];
    q.split(/\s+/).slice(0, columns.length).forEach((word, i) => {
      where.push(`${nameKey(`p.${columns[i] as string}`)} LIKE $${params.push(`${likeEscaped(fold(word))}%`)}`);
    });
  }
  const offset = (input.page - 1) * input.pageSize;
  return db.transaction(async (tx) => {
    const { rows: count } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM persons p WHERE ${where.join(' AND ')} LIMIT ${SEARCH_COUNT_LIMIT + 1}) x`, params);
    const total = Math.min(Number(count[0]?.n ?? 0), SEARCH_COUNT_LIMIT);
    const more = Number(count[0]?.n ?? 0) > SEARCH_COUNT_LIMIT;
    const { rows } = await tx.query<{
      iin: string; last_name: string; first_name: string; patronymic: string | null; birth_date: string; sex: string;
      region: string; district: string | null; mil_category: string | null; specialty: string | null; has_mobile: boolean;
    }>(
      `SELECT p.iin, p.last_name, p.first_name, p.patronymic, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date, p.sex, p.region,
              p.district, p.mil_category, p.specialty, (p.mobile IS NOT NULL) AS has_mobile
         FROM persons p WHERE ${where.join(' AND ')}
        ORDER BY ${nameKey('p.last_name')}, ${nameKey('p.first_name')}, p.iin LIMIT ${input.pageSize} OFFSET ${offset}`,
      params,
    );
    await appendAudit(tx, {
      at: ctx.at, actor: ctx.actor, action: 'registry.person.search', subject: null,
      details: { q, region: input.region ?? null, district: input.district ?? null, page: input.page, total, more, iins: rows.map((r) => r.iin) },
    });
    return {
      total,
      more,
      page: input.page,
      pageSize: input.pageSize,
      persons: rows.map((r) => ({
        iin: r.iin, lastName: r.last_name, firstName: r.first_name, patronymic: r.patronymic, birthDate: r.birth_date, sex: r.sex,
        region: r.region, district: r.district, milCategory: r.mil_category, specialty: r.specialty, hasMobile: r.has_mobile,
      })),
    };
  });
}

/** The districts of a region that have anyone on the registry (for filters). */
export async function districtsOf(db: Db, region: string): Promise<string[]> {
  const rows = await db.query<{ district: string }>('SELECT DISTINCT district FROM persons WHERE region = $1 AND district IS NOT NULL ORDER BY district', [region]);
  return rows.map((r) => r.district);
}
