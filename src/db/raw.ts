/** The little each engine must offer: parameterised SQL and a bulk CSV load into a table. */
export interface RawConnection {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[]; affected: number }>;
  /** Runs a script of several statements, without parameters. */
  exec(sql: string): Promise<void>;
  /** COPY csv text (no header) into table(columns). */
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
}

export interface ConnectionSource {
  acquire(): Promise<{ conn: RawConnection; release(): void }>;
  end(): Promise<void>;
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}

export function copyStatement(table: string, columns: readonly string[], source: string): string {
  return `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}
