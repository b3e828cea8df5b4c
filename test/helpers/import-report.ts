import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** One row of an import's FILE.errors.csv. */
export interface ReportRow {
  line: string;
  severity: string;
  field: string;
  value: string;
  reason: string;
}

export const readReport = (p: string) => parse(readFileSync(p), { columns: true }) as ReportRow[];
