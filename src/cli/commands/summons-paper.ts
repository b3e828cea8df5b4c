import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { assertVerifyBase, DEFAULT_VERIFY_BASE, PAPER_LANGS, paperSummonses, renderSummonsPdf, type PaperLang } from '../../modules/paper/index.ts';
import { withContext } from '../context.ts';

interface PaperOptions {
  summons?: string;
  plan?: string;
  out: string;
  lang: string;
  verifyBase: string;
}

export function summonsPaperCommand(summons: Command): void {
  summons
    .command('paper')
    .description('print paper summonses (for people with no mobile number) as PDF, one file per summons, in Kazakh and Russian')
    .option('--summons <id>', 'one summons')
    .option('--plan <plan>', 'every paper summons of this plan (number, ORDER@vN, or ORDER)')
    .requiredOption('--out <dir>', 'directory to write the PDF files to (created if missing)')
    .option('--lang <lang>', `language of the paper: ${PAPER_LANGS.join(', ')}`, 'both')
    .option('--verify-base <url>', 'where the QR code sends people to check the summons (MOBILIZE_VERIFY_BASE)', process.env.MOBILIZE_VERIFY_BASE || DEFAULT_VERIFY_BASE)
    .action(async (o: PaperOptions) => {
      if ((o.summons === undefined) === (o.plan === undefined)) throw new DomainError('CLI_BAD_OPTION', 'give either --summons ID or --plan PLAN, not both and not neither');
      if (!PAPER_LANGS.includes(o.lang as PaperLang)) throw new DomainError('CLI_BAD_OPTION', `--lang must be one of ${PAPER_LANGS.join(', ')}, got "${o.lang}"`);
      const lang = o.lang as PaperLang;
      assertVerifyBase(o.verifyBase);
      await withContext(async ({ db, actor }) => {
        const target = o.summons !== undefined ? { summonsId: o.summons } : { planRef: o.plan as string };
        const list = await paperSummonses(db, target, { actor, at: systemClock.now() });
        mkdirSync(o.out, { recursive: true });
        for (const s of list) {
          const file = join(o.out, `summons-${s.id}.pdf`);
          writeFileSync(file, await renderSummonsPdf(s, { lang, verifyBase: o.verifyBase }));
          console.log(`${file}  ${s.code}${s.exercise ? '  [EXERCISE]' : ''}`);
        }
        const exercise = list.some((s) => s.exercise) ? ' [EXERCISE]' : '';
        console.log(`${list.length} paper summons${list.length === 1 ? '' : 'es'} written to ${o.out}${exercise}`);
      });
    });
}
