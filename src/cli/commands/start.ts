import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { buildApp } from '../../api/app.ts';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { seedRegistry } from '../../modules/registry/seed.ts';
import { withContext } from '../context.ts';
import { progress } from '../progress.ts';

export function startCommand(program: Command): void {
  program
    .command('start')
    .description('start the platform; an empty database is first seeded with a demo registry')
    .option('--port <port>', 'HTTP port (default: MOBILIZE_PORT or 8080)')
    .option('--demo-persons <n>', 'size of the demo registry seeded into an empty database', (v) => Number(v), 100_000)
    .option('--seed <n>', 'seed of the demo registry', (v) => Number(v), 1)
    .action(async (o: { port?: string; demoPersons: number; seed: number }) => {
      if (!Number.isInteger(o.demoPersons) || o.demoPersons < 0) throw new DomainError('CLI_BAD_OPTION', '--demo-persons must be a whole number');
      await withContext(async ({ config, db }) => {
        const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM persons');
        if (n === 0 && o.demoPersons > 0) {
          console.error(`empty database: seeding a demo registry of ${o.demoPersons} persons (seed ${o.seed})`);
          const bar = progress('seed', o.demoPersons, 'persons');
          await seedRegistry(db, { persons: o.demoPersons, seed: o.seed, clock: systemClock, actor: 'system:demo', onProgress: (done) => bar.update(done) });
          bar.stop();
        }
        const apiToken = process.env.MOBILIZE_API_TOKEN || randomBytes(18).toString('base64url');
        const app = await buildApp({ db, clock: systemClock, apiToken });
        const port = o.port !== undefined ? Number(o.port) : config.port;
        const address = await app.listen({ port, host: config.host });
        const [sample] = await db.query<{ iin: string }>('SELECT iin FROM persons ORDER BY iin LIMIT 1');
        console.log(`Mobilize is running on ${address} (${db.engine}${db.engine === 'pglite' ? ` at ${config.dataDir}` : ''})`);
        console.log(`  health:   ${address}/healthz`);
        console.log(`  API token (this run): ${apiToken}`);
        if (sample) console.log(`  try:      curl -H 'Authorization: Bearer ${apiToken}' ${address}/api/persons/${sample.iin}`);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        console.error('stopping');
        await app.close();
      });
    });
}
