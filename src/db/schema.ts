import type { ColumnType, Generated } from 'kysely';

/** Row types as the database returns them (dates as 'YYYY-MM-DD' strings, int8 as numbers). */
export interface RegionsTable {
  iso: string;
  name_en: string;
  name_kk: string;
  name_ru: string;
  kind: string;
  centre: string;
  lat: number;
  lon: number;
  population_k: number;
}

export interface PersonsTable {
  iin: string;
  last_name: string;
  first_name: string;
  patronymic: string | null;
  birth_date: string;
  sex: 'M' | 'F';
  region: string;
  district: string | null;
  address: string | null;
  mobile: string | null;
  mobile_on_egov: boolean;
  egov_account: boolean;
  mil_registered: boolean;
  mil_exemption: string | null;
  mil_category: string | null;
  rank: string | null;
  specialty: string | null;
  fitness: string | null;
  served: boolean;
  occupation: string | null;
  sector: string | null;
  employer_bin: string | null;
  employment: string | null;
  volunteer: boolean;
  children_birth_dates: string[];
  serving_sentence: boolean;
  resides_abroad: boolean;
  created_at: ColumnType<Date, Date | undefined, never>;
  created_by: ColumnType<string, string | undefined, never>;
  created_via: ColumnType<string, string | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface OrganisationsTable {
  bin: string;
  name: string;
  kind: 'agency' | 'enterprise' | 'lma_office';
  region: string | null;
  sector: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface PersonHistoryTable {
  id: Generated<number>;
  iin: string;
  at: Date;
  actor: string;
  source: string;
  changes: Record<string, [unknown, unknown]>;
}

export interface ImportRunsTable {
  id: Generated<number>;
  file: string;
  actor: string;
  started_at: Date;
  finished_at: Date | null;
  counts: unknown;
}

export interface AuditLogTable {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  subject: string | null;
  details: unknown;
  prev_hash: string;
  hash: string;
}

export interface Database {
  regions: RegionsTable;
  persons: PersonsTable;
  organisations: OrganisationsTable;
  person_history: PersonHistoryTable;
  import_runs: ImportRunsTable;
  audit_log: AuditLogTable;
}
