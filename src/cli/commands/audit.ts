import type { Command } from 'commander';
import { verifyAudit } from '../../modules/audit/index.ts';
import { withContext } from '../context.ts';

export function auditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('re-derive every hash; report the first edited, inserted or missing entry')
    .action(async () => {
      await withContext(async ({ db }) => {
        const r = await verifyAudit(db);
        if (r.ok) console.log(`audit log intact: ${r.entries} entries`);
        else {
          console.log(`audit log BROKEN at entry ${r.problem?.seq}: ${r.problem?.reason} (${r.entries} entries verified before it)`);
          process.exitCode = 4;
        }
      });
    });
}
