import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { kzDate } from '../../kernel/clock.ts';
import { appendAudit } from '../audit/index.ts';
import { ESSENTIAL_SECTORS, parseQuery, type CivilContext } from './context.ts';

/**
 * The essential-personnel registry: people of the registry whose sector is essential (health, logistics,
 * communications, energy, cyber), viewed by sector, region, district and skill (their occupation). Counts are
 * aggregates and open to every reader; lists name people, so they are confined to the reader's area and audited.
 */
export const DIMENSIONS = ['sector', 'region', 'district', 'skill'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
const COLUMN: Record<Dimension, string> = { sector: 'p.sector', region: 'p.region', district: 'p.district', skill: 'p.occupation' };

const Filters = {
  sector: z.enum(ESSENTIAL_SECTORS).optional(),
  region: z.string().regex(/^KZ-[0-9A-Z]{1,3}$/, 'must be a region ISO code such as KZ-75').optional(),
  district: z.string().min(1).max(200).optional(),
  skill: z.string().min(1).max(200).optional(),
};

export const PersonnelCountQuery = z
  .object({
    /** Grouping dimensions, e.g. ["sector", "region"]; a comma list in a query string. */
    by: z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(z.enum(DIMENSIONS)).min(1).max(4)).default(['sector']),
    ...Filters,
  })
  .strict();
export type PersonnelCountQuery = z.infer<typeof PersonnelCountQuery>;

export const PersonnelListQuery = z.object({ ...Filters, page: z.coerce.number().int().min(1).max(10_000).default(1) }).strict();
export type PersonnelListQuery = z.infer<typeof PersonnelListQuery>;

export interface PersonnelCount {
  keys: Partial<Record<Dimension, string | null>>;
  count: number;
}

function where(q: Omit<PersonnelListQuery, 'page'>, params: unknown[]): string[] {
  const w = [`p.sector = ANY($${params.push([...ESSENTIAL_SECTORS])}::text[])`];
  if (q.sector) w.push(`p.sector = $${params.push(q.sector)}`);
  if (q.region) w.push(`p.region = $${params.push(q.region)}`);
  if (q.district) w.push(`p.district = $${params.push(q.district)}`);
  if (q.skill) w.push(`p.occupation = $${params.push(q.skill)}`);
  return w;
}

/** Head counts grouped by the requested dimensions (largest groups first); no personal data. */
export async function personnelCounts(db: Db, input: unknown): Promise<{ by: Dimension[]; rows: PersonnelCount[]; total: number }> {
  const q = parseQuery(PersonnelCountQuery, input);
  const by = [...new Set(q.by)];
  const params: unknown[] = [];
  const cols = by.map((d) => `${COLUMN[d]} AS ${d}`).join(', ');
  const rows = await db.query<Record<string, string | number | null>>(
    `SELECT ${cols}, count(*)::int AS n FROM persons p WHERE ${where(q, params).join(' AND ')}
      GROUP BY ${by.map((d) => COLUMN[d]).join(', ')} ORDER BY n DESC, ${by.map((d) => COLUMN[d]).join(', ')}`,
    params,
  );
  const out = rows.map((r) => ({ keys: Object.fromEntries(by.map((d) => [d, (r[d] as string | null) ?? null])), count: Number(r.n) }));
  return { by, rows: out, total: out.reduce((s, r) => s + r.count, 0) };
}

export interface EssentialPerson {
  iin: string;
  name: string;
  region: string;
  district: string | null;
  sector: string;
  skill: string | null;
  employerBin: string | null;
  /** Under an approved, unrevoked reservation valid today. */
  reserved: boolean;
}

const PAGE = 100;

/** One page of essential workers the reader may see; personal data, so the read is audited. */
export async function personnelList(db: Db, input: unknown, ctx: CivilContext): Promise<{ people: EssentialPerson[]; total: number; page: number }> {
  const q = parseQuery(PersonnelListQuery, input);
  const params: unknown[] = [];
  const w = where(q, params);
  w.push(ctx.scope('p', params));
  const today = kzDate(ctx.clock.now());
  return db.transaction(async (tx) => {
    const { rows: total } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM persons p WHERE ${w.join(' AND ')}`, params);
    const { rows } = await tx.query<{ iin: string; last_name: string; first_name: string; patronymic: string | null; region: string; district: string | null; sector: string; occupation: string | null; employer_bin: string | null; reserved: boolean }>(
      `SELECT p.iin, p.last_name, p.first_name, p.patronymic, p.region, p.district, p.sector, p.occupation, p.employer_bin,
              EXISTS (SELECT 1 FROM callup_exclusions x WHERE x.iin = p.iin AND $${params.push(today)}::date BETWEEN x.valid_from AND x.valid_to) AS reserved
         FROM persons p WHERE ${w.join(' AND ')} ORDER BY p.region, p.sector, p.occupation, p.last_name, p.iin
        LIMIT ${PAGE} OFFSET ${(q.page - 1) * PAGE}`,
      params,
    );
    await appendAudit(tx, { at: ctx.clock.now(), actor: ctx.actor, action: 'civil.personnel.read', details: { filter: { sector: q.sector, region: q.region, district: q.district, skill: q.skill }, page: q.page, rows: rows.length } });
    return {
      page: q.page,
      total: Number(total[0]?.n ?? 0),
      people: rows.map((r) => ({
        iin: r.iin, name: [r.last_name, r.first_name, r.patronymic].filter(Boolean).join(' '), region: r.region, district: r.district,
        sector: r.sector, skill: r.occupation, employerBin: r.employer_bin, reserved: r.reserved,
      })),
    };
  });
}
