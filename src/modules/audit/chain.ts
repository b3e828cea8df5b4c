import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryContent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: unknown;
}

/** Canonical JSON: keys sorted at every level, so the hash does not depend on key order in jsonb. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const obj = v as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

export function entryHash(prevHash: string, e: AuditEntryContent): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(e)).digest('hex');
}
