import { parse } from 'csv-parse/sync';
import type { Db } from '../../db/client.ts';
import { DomainError, isDomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { idProblem, regions } from '../registry/index.ts';
import { CapacityInput, visibleEnterprise, writeCapacity } from './enterprises.ts';
import type { EconomyContext } from './vocab.ts';

/** Columns of a capacity file; unit, places and location may be left out or empty. */
export const CAPACITY_COLUMNS = ['bin', 'kind', 'subtype', 'quantity', 'unit', 'places', 'region', 'location'] as const;
const REQUIRED = ['bin', 'kind', 'subtype', 'quantity', 'region'];

export interface ImportIssue {
  line: number;
  field: string;
  reason: string;
}

export interface CapacityImportSummary {
  lines: number;
  enterprises: number;
}

const intField = (v: string | undefined): number | string | undefined => (v === undefined || v === '' ? undefined : /^\d+$/.test(v) ? Number(v) : v);

/**
 * Imports capacity lines from CSV (header line first). Every line is checked — shape, BIN check digit, region, that
 * the enterprise exists and is the officer's to declare, no line twice, no declaration below what tasks hold — and
 * either all lines are written (one transaction, each change audited) or none, with every problem reported as
 * line, field and reason.
 */
export async function importCapacities(db: Db, csv: string, ctx: EconomyContext & { file?: string }): Promise<CapacityImportSummary> {
  const issues: ImportIssue[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(csv, { info: true, skip_empty_lines: true, trim: true, relax_column_count: true, bom: true }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    throw new DomainError('ECONOMY_IMPORT_INVALID', `line ${line}: not readable CSV: ${(e as Error).message}`, { issues: [{ line, field: '(file)', reason: (e as Error).message }] });
  }
  const [head, ...rows] = records;
  if (!head) throw new DomainError('ECONOMY_IMPORT_INVALID', 'the file is empty; expected a header line', { issues: [{ line: 1, field: '(file)', reason: 'empty' }] });
  const header = head.record.map((h) => h.toLowerCase());
  for (const h of header) if (!(CAPACITY_COLUMNS as readonly string[]).includes(h)) issues.push({ line: head.info.lines, field: h, reason: `unknown column; columns are ${CAPACITY_COLUMNS.join(', ')}` });
  for (const r of REQUIRED) if (!header.includes(r)) issues.push({ line: head.info.lines, field: r, reason: 'required column missing' });
  if (issues.length) fail(issues);

  const known = new Set(regions().map((r) => r.iso));
  const parsed: { line: number; c: CapacityInput }[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of rows) {
    const line = info.lines;
    if (record.length !== header.length) {
      issues.push({ line, field: '(line)', reason: `${record.length} fields, the header has ${header.length}` });
      continue;
    }
    const raw = Object.fromEntries(header.map((h, i) => [h, record[i]]));
    const value = {
      bin: raw.bin, kind: raw.kind, subtype: raw.subtype, quantity: intField(raw.quantity), region: raw.region,
      ...(raw.unit ? { unit: raw.unit } : {}), ...(raw.places ? { places: intField(raw.places) } : {}), ...(raw.location ? { location: raw.location } : {}),
    };
    const notWhole = (['quantity', 'places'] as const).filter((f) => typeof value[f as keyof typeof value] === 'string');
    if (notWhole.length) {
      for (const f of notWhole) issues.push({ line, field: f, reason: `"${raw[f]}" is not a whole number` });
      continue;
    }
    const r = CapacityInput.safeParse(value);
    if (!r.success) {
      for (const i of r.error.issues) issues.push({ line, field: String(i.path[0] ?? '(line)'), reason: i.message });
      continue;
    }
    const c = r.data;
    const problem = idProblem(c.bin);
    if (problem) issues.push({ line, field: 'bin', reason: `not a valid BIN (${problem.replace('_', ' ')})` });
    if (!known.has(c.region)) issues.push({ line, field: 'region', reason: `${c.region} is not a region of Kazakhstan` });
    const key = `${c.bin}|${c.kind}|${c.subtype}|${c.region}`;
    const first = seen.get(key);
    if (first !== undefined) issues.push({ line, field: 'subtype', reason: `the same enterprise, kind, subtype and region as line ${first}` });
    else seen.set(key, line);
    if (!problem) parsed.push({ line, c });
  }

  const enterprises = new Set<string>();
  await db.transaction(async (tx) => {
    for (const { line, c } of parsed) {
      if (!enterprises.has(c.bin)) {
        try {
          await visibleEnterprise(tx, c.bin, ctx.scope, { lock: true });
          enterprises.add(c.bin);
        } catch (e) {
          if (!isDomainError(e)) throw e;
          issues.push({ line, field: 'bin', reason: e.message });
          continue;
        }
      }
      if (issues.length) continue; // nothing will be written: only the checks that need no write go on
      try {
        await writeCapacity(tx, c, ctx);
      } catch (e) {
        if (!isDomainError(e)) throw e;
        issues.push({ line, field: 'quantity', reason: e.message });
      }
    }
    if (issues.length) fail(issues);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'economy.capacity.import', subject: ctx.file ?? null, details: { lines: parsed.length, enterprises: [...enterprises].sort() } });
  });
  return { lines: parsed.length, enterprises: enterprises.size };
}

function fail(issues: ImportIssue[]): never {
  const sorted = [...issues].sort((a, b) => a.line - b.line);
  const shown = sorted.slice(0, 20).map((i) => `line ${i.line}, ${i.field}: ${i.reason}`);
  if (sorted.length > 20) shown.push(`… and ${sorted.length - 20} more`);
  throw new DomainError('ECONOMY_IMPORT_INVALID', `nothing was imported — ${shown.join('; ')}`, { issues: sorted });
}
