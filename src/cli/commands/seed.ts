import type { Command } from 'commander';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { seedRegistry } from '../../modules/registry/seed.ts';
import { withContext } from '../context.ts';
import { progress } from '../progress.ts';

export function seedCommand(program: Command): void {
  program
    .command('seed')
    .description('write a realistic synthetic registry (deterministic for a seed)')
    .requiredOption('--persons <n>', 'how many persons', (v) => Number(v))
    .option('--seed <n>', 'random seed', (v) => Number(v), 1)
    .action(async (o: { persons: number; seed: number }) => {
      if (!Number.isInteger(o.persons) || o.persons < 1) throw new DomainError('CLI_BAD_OPTION', '--persons must be a positive whole number');
      if (!Number.isInteger(o.seed)) throw new DomainError('CLI_BAD_OPTION', '--seed must be a whole number');
      await withContext(async ({ db, actor }) => {
        const bar = progress('seed', o.persons, 'persons');
        const r = await seedRegistry(db, { persons: o.persons, seed: o.seed, clock: systemClock, actor, onProgress: (done) => bar.update(done) });
        bar.stop();
        console.log(`seeded ${o.persons} persons (seed ${o.seed}) in ${r.seconds.toFixed(1)} s: ${r.inserted} inserted, ${r.updated} updated`);
      });
    });
}
