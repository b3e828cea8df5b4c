import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DomainError } from '../../kernel/errors.ts';
import type { Db } from '../../db/client.ts';

/** Reference data ships as files under data/ so that another country can load its own. */
export const DATA_DIR = fileURLToPath(new URL('../../../data/', import.meta.url));

export const Region = z.object({
  iso: z.string().regex(/^[A-Z]{2}-[0-9A-Z]{1,3}$/),
  name_en: z.string().min(1),
  name_kk: z.string().min(1),
  name_ru: z.string().min(1),
  kind: z.string().min(1),
  centre: z.string().min(1),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  population_k: z.number().int().nonnegative(),
});
export type Region = z.infer<typeof Region>;

const RegionsFile = z.object({ regions: z.array(Region).min(1) });

export const Specialty = z.object({ code: z.string().regex(/^[a-z][a-z0-9-]*$/), name_en: z.string(), name_kk: z.string(), name_ru: z.string() });
export type Specialty = z.infer<typeof Specialty>;
const SpecialtiesFile = z.object({ specialties: z.array(Specialty).min(1) });

function readJson<T>(path: string, schema: z.ZodType<T>, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new DomainError('REFERENCE_UNREADABLE', `Cannot read ${what} from ${path}: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DomainError('REFERENCE_INVALID', `${what} file ${path} is invalid at ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

let cachedRegions: readonly Region[] | undefined;
let cachedSpecialties: readonly Specialty[] | undefined;

export function regions(): readonly Region[] {
  cachedRegions ??= Object.freeze(readJson(`${DATA_DIR}kz-regions.json`, RegionsFile, 'regions').regions);
  return cachedRegions;
}

export function specialties(): readonly Specialty[] {
  cachedSpecialties ??= Object.freeze(readJson(`${DATA_DIR}specialties.json`, SpecialtiesFile, 'specialties').specialties);
  return cachedSpecialties;
}

/** Upserts the regions reference table from the shipped file. */
export async function loadReferenceData(db: Db): Promise<void> {
  const rows = regions();
  await db.transaction(async (tx) => {
    for (const r of rows) {
      await tx.query(
        `INSERT INTO regions (iso, name_en, name_kk, name_ru, kind, centre, lat, lon, population_k)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (iso) DO UPDATE SET name_en = EXCLUDED.name_en, name_kk = EXCLUDED.name_kk,
           name_ru = EXCLUDED.name_ru, kind = EXCLUDED.kind, centre = EXCLUDED.centre, lat = EXCLUDED.lat,
           lon = EXCLUDED.lon, population_k = EXCLUDED.population_k`,
        [r.iso, r.name_en, r.name_kk, r.name_ru, r.kind, r.centre, r.lat, r.lon, r.population_k],
      );
    }
  });
}
