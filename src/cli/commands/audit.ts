import type { Command } from 'commander';
import { verifyAudit } from '../../modules/audit/index.ts';
import { withContext } from '../context.ts';

export function auditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('re-derive every hash; report every edited, inserted or missing entry')
    .action(async () => {
      await withContext(async ({ db }) => {
        const r = await verifyAudit(db);
        if (r.ok) console.log(`audit log intact: ${r.entries} entries`);
        else {
          for (const p of r.problems) console.log(`audit log BROKEN at entry ${p.seq}: ${p.reason}`);
          if (r.moreProblems > 0) console.log(`… and ${r.moreProblems} more breaks`);
          console.log(`${r.entries} entries read`);
          process.exitCode = 4;
        }
      });
    });
}
