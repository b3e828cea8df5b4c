import { resolve } from 'node:path';
import { DomainError } from './errors.ts';

/** Configuration is parsed once at start from the environment and passed down, frozen. */
export interface Config {
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  readonly databaseUrl: string | undefined;
  /** PGlite data directory. */
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  /** Mark the session cookie Secure: set MOBILIZE_SECURE_COOKIES=1 when the platform is reached over HTTPS. */
  readonly secureCookies: boolean;
  /** MOBILIZE_TRUST_PROXY: the load balancer's address(es), comma-separated, whose X-Forwarded-For is believed. */
  readonly trustProxy: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.MOBILIZE_PORT ?? env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DomainError('CONFIG_INVALID_PORT', `MOBILIZE_PORT must be a port number 0-65535, got "${env.MOBILIZE_PORT ?? env.PORT}"`);
  }
  return Object.freeze({
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.MOBILIZE_DATA || './.mobilize/data'),
    port,
    host: env.MOBILIZE_HOST || '127.0.0.1',
    logLevel: env.LOG_LEVEL || 'info',
    secureCookies: flag(env.MOBILIZE_SECURE_COOKIES, 'MOBILIZE_SECURE_COOKIES'),
    trustProxy: env.MOBILIZE_TRUST_PROXY || undefined,
  });
}

function flag(v: string | undefined, name: string): boolean {
  if (v === undefined || v === '' || v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  throw new DomainError('CONFIG_INVALID_FLAG', `${name} must be 1/true or 0/false, got "${v}"`);
}
