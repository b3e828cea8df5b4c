import type { Db } from '../../db/client.ts';
import { kzDate, type Clock } from '../../kernel/clock.ts';
import { OneInFlight } from '../../kernel/one-in-flight.ts';
import { appendAudit } from '../audit/index.ts';
import { copyCsvLine } from './csv.ts';
import { upsertPersons, type StagedRow } from './merge.ts';
import { generatePersons } from './synthetic.ts';

export interface SeedOptions {
  persons: number;
  seed: number;
  clock: Clock;
  actor?: string;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedSummary {
  inserted: number;
  updated: number;
  seconds: number;
}

/**
 * Writes a synthetic registry (generatePersons) in batches, each batch in its own transaction with its audit
 * entry. The same seed, person count and Kazakhstan date of the clock give the same records, so seeding twice
 * changes nothing; a larger count keeps the records of a smaller one and adds the rest.
 */
export async function seedRegistry(db: Db, opts: SeedOptions): Promise<SeedSummary> {
  const { persons, seed } = opts;
  if (!Number.isInteger(persons) || persons < 0) throw new RangeError(`persons must be a whole number, got ${persons}`);
  const batchSize = opts.batchSize ?? 10_000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive whole number, got ${batchSize}`);
  const actor = opts.actor ?? 'system:seed';
  const source = `seed:${seed}`;
  const started = opts.clock.now();
  const today = kzDate(started);
  const totals = { inserted: 0, updated: 0, done: 0 };

  // One batch in flight: generating the next batch overlaps the database's work on the previous one.
  const writer = new OneInFlight();
  const write = (batch: StagedRow[], from: number): Promise<void> => {
    const rows = batch.length;
    return writer.submit(async () => {
      const at = opts.clock.now();
      const counts = await db.transaction(async (tx) => {
        const c = await upsertPersons(tx, batch, { at, actor, source });
        await appendAudit(tx, {
          at,
          actor,
          action: 'registry.seed.batch',
          subject: source,
          details: { seed, today, total: persons, from, to: from + rows - 1, rows, ...c },
        });
        return c;
      });
      totals.inserted += counts.inserted;
      totals.updated += counts.updated;
      totals.done += rows;
      opts.onProgress?.(totals.done, persons);
    });
  };

  try {
    let batch: StagedRow[] = [];
    let from = 0;
    let n = 0;
    for (const person of generatePersons({ count: persons, seed, today })) {
      batch.push({ iin: person.iin, csv: copyCsvLine(person) });
      n++;
      if (batch.length === batchSize) {
        await write(batch, from);
        batch = [];
        from = n;
      }
    }
    if (batch.length > 0) await write(batch, from);
    await writer.drain();
  } finally {
    await writer.settle();
  }

  const seconds = (opts.clock.now().getTime() - started.getTime()) / 1000;
  return { inserted: totals.inserted, updated: totals.updated, seconds };
}
