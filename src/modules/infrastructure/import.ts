import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { CsvReader } from '../registry/index.ts';
import { insertObjects, ObjectInput } from './objects.ts';
import { assertRegionInScope, type InfraContext } from './scope.ts';

/** The CSV columns, in this order, on the header line. */
export const OBJECT_CSV_HEADER = ['code', 'name', 'kind', 'region', 'district', 'operator_bin', 'criticality', 'lat', 'lon'] as const;
const FIELD: Record<string, string> = { operatorBin: 'operator_bin' };
const MAX_ROWS = 100_000;

export interface ImportIssue {
  /** Physical line of the file (the header is line 1). */
  line: number;
  field: string;
  reason: string;
}

export interface ObjectImportSummary {
  imported: number;
  codes: string[];
}

/**
 * Reads a whole CSV of objects and writes them in one transaction only when every row is valid: any problem —
 * a bad field, a code given twice or already registered, a region outside the importer's — is reported with its
 * line and field, and nothing at all is written.
 */
export async function importObjectsCsv(db: Db, text: string, ctx: InfraContext): Promise<ObjectImportSummary> {
  const reader = new CsvReader();
  const records = [...reader.push(text), ...reader.end()];
  const issues: ImportIssue[] = [];
  const header = records[0];
  if (!header?.fields || header.fields.map((f) => f.trim()).join(',') !== OBJECT_CSV_HEADER.join(',')) {
    throw new DomainError('INFRA_IMPORT_INVALID', `line 1: the header must be ${OBJECT_CSV_HEADER.join(',')}`, { issues: [{ line: 1, field: '(header)', reason: `expected ${OBJECT_CSV_HEADER.join(',')}` }] });
  }
  const valid: ObjectInput[] = [];
  const firstLine = new Map<string, number>();
  for (const rec of records.slice(1)) {
    if (rec.error !== undefined) {
      issues.push({ line: rec.line, field: '(row)', reason: rec.error });
      continue;
    }
    if (rec.fields.length === 1 && rec.fields[0] === '') continue; // blank line
    if (rec.fields.length !== OBJECT_CSV_HEADER.length) {
      issues.push({ line: rec.line, field: '(row)', reason: `${rec.fields.length} fields, expected ${OBJECT_CSV_HEADER.length}` });
      continue;
    }
    const f = (i: number) => (rec.fields[i] as string).trim();
    const blank = (s: string) => (s === '' ? null : s);
    // A number that does not parse becomes NaN, which the schema reports against its field.
    const num = (s: string) => (s === '' ? null : Number(s));
    const parsed = ObjectInput.safeParse({
      code: f(0), name: f(1), kind: f(2), region: f(3), district: blank(f(4)), operatorBin: f(5), criticality: f(6) === '' ? undefined : Number(f(6)), lat: num(f(7)), lon: num(f(8)),
    });
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const key = String(i.path[0] ?? '(row)');
        issues.push({ line: rec.line, field: FIELD[key] ?? key, reason: i.message });
      }
      continue;
    }
    const o = parsed.data;
    const seen = firstLine.get(o.code);
    if (seen !== undefined) issues.push({ line: rec.line, field: 'code', reason: `${o.code} is also on line ${seen}` });
    else firstLine.set(o.code, rec.line);
    try {
      assertRegionInScope(ctx.scope, o.region);
    } catch {
      issues.push({ line: rec.line, field: 'region', reason: `outside your region ${ctx.scope.region}` });
      continue;
    }
    valid.push(o);
    if (valid.length > MAX_ROWS) throw new DomainError('INFRA_IMPORT_TOO_LARGE', `more than ${MAX_ROWS} rows; split the file`);
  }
  if (valid.length > 0) {
    const taken = await db.query<{ code: string }>('SELECT code FROM infrastructure_objects WHERE code = ANY($1)', [valid.map((o) => o.code)]);
    for (const { code } of taken) issues.push({ line: firstLine.get(code) as number, field: 'code', reason: `${code} is already registered` });
  }
  if (issues.length > 0) {
    issues.sort((a, b) => a.line - b.line);
    const shown = issues.slice(0, 20).map((i) => `line ${i.line}, ${i.field}: ${i.reason}`).join('; ');
    throw new DomainError('INFRA_IMPORT_INVALID', `nothing imported; ${issues.length} problem(s): ${shown}`, { issues });
  }
  if (valid.length === 0) throw new DomainError('INFRA_IMPORT_INVALID', 'the file has a header but no rows', { issues: [] });
  await db.transaction(async (tx) => {
    await insertObjects(tx, valid, ctx);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'infra.object.import', subject: null, details: { count: valid.length, codes: valid.map((o) => o.code) } });
  });
  return { imported: valid.length, codes: valid.map((o) => o.code) };
}
