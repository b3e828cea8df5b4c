import type { Db } from '../../src/db/client.ts';
import { makeBin } from '../../src/modules/registry/index.ts';

let n = 0;

/**
 * An infrastructure object written straight into the register's table (0010): the register's own API is another
 * tier's, and territorial defence only points at its rows.
 */
export async function infrastructureObject(db: Db, over: { region: string; criticality?: number; code?: string; district?: string }): Promise<number> {
  n++;
  let bin: string | null = null;
  for (let serial = 500 + n * 10; !bin; serial++) bin = makeBin('0504', 4, 0, serial);
  const rows = await db.query<{ id: number }>(
    `INSERT INTO infrastructure_objects (code, name, kind, region, district, operator_bin, criticality, created_at, created_by)
     VALUES ($1, $2, 'energy', $3, $4, $5, $6, '2026-11-01T00:00:00Z', 'test') RETURNING id`,
    [over.code ?? `OBJ-${over.region}-${n}`, `Substation ${n}`, over.region, over.district ?? null, bin, over.criticality ?? 1],
  );
  return Number(rows[0]?.id);
}
