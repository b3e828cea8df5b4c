import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Db } from '../../db/client.ts';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { getPlan } from '../../modules/callup/index.ts';
import {
  failuresToAppear,
  issuePlan,
  kzDateTime,
  referDueFailures,
  referralCsv,
  rebuildSummonsState,
  referralList,
  recordOfficerAction,
  showSummons,
  summonsProof,
  verifySummonsCode,
  SummonsPurpose,
  type FailureFilter,
} from '../../modules/summons/index.ts';
import { appendAudit } from '../../modules/audit/index.ts';
import { withContext } from '../context.ts';
import { progress } from '../progress.ts';
import { summonsDispatchCommand } from './summons-dispatch.ts';
import { summonsPaperCommand } from './summons-paper.ts';

function format(v: string): 'text' | 'json' {
  if (v !== 'text' && v !== 'json') throw new DomainError('CLI_BAD_OPTION', `--format must be text or json, got ${v}`);
  return v;
}

async function filterOf(db: Db, o: { region?: string; district?: string; plan?: string }): Promise<FailureFilter> {
  return {
    ...(o.region ? { region: o.region } : {}),
    ...(o.district ? { district: o.district } : {}),
    ...(o.plan ? { planId: (await getPlan(db, o.plan)).id } : {}),
  };
}

export function summonsCommands(program: Command): Command {
  const summons = program.command('summons').description('summonses: issue, dispatch, evidence, appearance, referrals');

  summons
    .command('issue')
    .description('issue an approved plan: one summons per person, SMS and e-Gov messages queued, paper for the rest')
    .argument('<plan>', 'plan number, ORDER@vN, or ORDER for its latest version')
    .requiredOption('--appearance <datetime>', 'appearance date and time with its offset, e.g. 2026-12-01T09:00+05:00')
    .option('--purpose <purpose>', `one of ${SummonsPurpose.options.join(', ')}`, 'dispatch_to_unit')
    .action(async (ref: string, o: { appearance: string; purpose: string }) => {
      const purpose = SummonsPurpose.safeParse(o.purpose);
      if (!purpose.success) throw new DomainError('CLI_BAD_OPTION', `--purpose must be one of ${SummonsPurpose.options.join(', ')}, got ${o.purpose}`);
      if (!/(Z|[+-]\d\d:\d\d)$/.test(o.appearance)) throw new DomainError('CLI_BAD_OPTION', `--appearance needs an explicit offset (e.g. +05:00), got ${o.appearance}`);
      await withContext(async ({ db, actor }) => {
        const r = await issuePlan(db, ref, { actor, clock: systemClock, appearanceAt: new Date(o.appearance), purpose: purpose.data });
        console.log(`plan #${r.planId}: ${r.summonses} summonses issued${r.exercise ? ' [EXERCISE]' : ''}`);
        console.log(`  by channel: sms ${r.byChannel.sms}, e-Gov ${r.byChannel.egov}, paper ${r.byChannel.paper}; ${r.queuedSms} SMS queued`);
      });
    });

  summonsDispatchCommand(summons);
  summonsPaperCommand(summons);

  summons
    .command('show')
    .description('a summons, its legal state derived from the evidence, its sends and its evidence')
    .argument('<id>', 'summons number')
    .option('--format <format>', 'text or json', 'text')
    .action(async (id: string, o: { format: string }) => {
      const f = format(o.format);
      await withContext(async ({ db, actor }) => {
        const r = await showSummons(db, id, { actor, at: systemClock.now() });
        if (f === 'json') return void console.log(JSON.stringify(r, null, 2));
        const s = r.summons;
        console.log(`summons #${s.id}${s.exercise ? '  [EXERCISE]' : ''} — ${r.state.legal.toUpperCase()}`);
        console.log(`  person ${s.iin}; ${s.purpose} at ${s.lmaOffice} on ${kzDateTime(s.appearanceAt)}; code ${s.verificationCode}`);
        console.log(`  channels ${s.channels.join(', ')}; plan #${s.planId}; issued ${s.createdAt.toISOString()} by ${s.createdBy}`);
        for (const g of r.state.grounds) console.log(`  notified: ${g.detail} (${g.at})`);
        for (const n of r.state.notes) console.log(`  note: ${n}`);
        if (r.state.pendingReason) console.log(`  reason under review: ${r.state.pendingReason.reason}${r.state.pendingReason.details ? ` — ${r.state.pendingReason.details}` : ''}`);
        for (const x of r.sends) console.log(`  send ${x.channel} → ${x.destination}: ${x.state} after ${x.attempts} attempt(s)${x.lastError ? ` (${x.lastError})` : ''}`);
        for (const e of r.entries) console.log(`  ${e.seq}. ${e.action.at} ${e.action.kind}`);
        if (!r.evidence.ok) {
          for (const p of r.evidence.problems) console.log(`  WARNING: the evidence does not verify at seq ${p.seq}: ${p.reason}; the legal state above is derived from it`);
          process.exitCode = 3;
        }
      });
    });

  summons
    .command('proof')
    .description("print a summons' chain of evidence and verify the ledger it is part of")
    .argument('<id>', 'summons number')
    .action(async (id: string) => {
      await withContext(async ({ db, actor }) => {
        const { entries, ledger } = await summonsProof(db, id, { actor, at: systemClock.now() });
        for (const e of entries) {
          console.log(`seq ${e.seq}  recorded ${e.recordedAt}  ${e.action.kind}`);
          console.log(`  ${JSON.stringify(e.action)}`);
          console.log(`  prev ${e.prevHash}\n  hash ${e.hash}`);
        }
        if (ledger.ok) console.log(`ledger verified: ${ledger.entries} entries, head seq ${ledger.head.seq} ${ledger.head.hash}`);
        else {
          for (const p of ledger.problems) console.log(`LEDGER BROKEN at seq ${p.seq}: ${p.reason}`);
          if (ledger.moreProblems > 0) console.log(`… and ${ledger.moreProblems} more breaks`);
          process.exitCode = 3;
        }
      });
    });

  summons
    .command('rebuild-state')
    .description('re-derive the summons read model from the evidence ledger; --verify only reports the rows that differ')
    .option('--verify', 'write nothing; name every row that differs from the ledger (exit code 3 if any)')
    .action(async (o: { verify?: boolean }) => {
      await withContext(async ({ db, actor }) => {
        const verify = Boolean(o.verify);
        const bar = progress(verify ? 'verify' : 'rebuild', Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM summonses'))[0]?.n ?? 0), 'summonses');
        const r = await rebuildSummonsState(db, { verify, onProgress: (n) => bar.update(n) });
        bar.stop();
        await db.transaction((tx) => appendAudit(tx, { at: systemClock.now(), actor, action: verify ? 'summons.state.verify' : 'summons.state.rebuild', details: { summonses: r.summonses, differing: r.differing.length, missing: r.missing.length } }));
        for (const id of r.missing) console.log(`summons ${id}: no row in the read model`);
        for (const d of r.differing) console.log(`summons ${d.summonsId}: ${d.columns.join(', ')} ${verify ? 'differ' : 'rewritten'} from the ledger`);
        const off = r.differing.length + r.missing.length;
        console.log(`${r.summonses} summonses ${verify ? 'verified' : 'rebuilt'}: ${off === 0 ? 'every row agrees with the ledger' : `${off} row(s) ${verify ? 'differ' : 'rewritten'}`}`);
        if (verify && off > 0) process.exitCode = 3;
      });
    });

  summons
    .command('verify')
    .description('check that a summons with this verification code was really issued')
    .argument('<code>', 'the code printed on the summons or in the SMS')
    .action(async (code: string) => {
      await withContext(async ({ db }) => {
        const r = await verifySummonsCode(db, code);
        if (r.genuine) {
          console.log(`GENUINE${r.exercise ? ' [EXERCISE]' : ''}: summons ${r.code} issued ${r.issuedOn}; appear at ${r.lmaOffice} on ${kzDateTime(new Date(r.appearanceAt))}`);
        } else {
          console.log(`NOT GENUINE: ${r.code} — ${r.reason}`);
          process.exitCode = 3;
        }
      });
    });

  summons
    .command('record')
    .description('record what happened: appeared, failed_to_appear, reason_reported, reason_accepted, reason_rejected, paper_received, paper_refused')
    .argument('<id>', 'summons number')
    .argument('<kind>', 'what happened')
    .option('--at <datetime>', 'when it happened (default now), with its offset')
    .option('--reason <reason>', 'reason_reported: the valid reason')
    .option('--details <text>', 'reason_reported: what the person said')
    .option('--marriage-date <date>', 'reason_reported: date of the marriage registration')
    .option('--why <text>', 'reason_rejected: why')
    .option('--place <place>', 'paper: residence, stay, work or lma')
    .option('--via <via>', 'paper_received: hand or mail', 'hand')
    .option('--signed-by <name>', 'paper_received: who signed')
    .option('--noted-by <name>', 'paper_refused: who noted the refusal')
    .action(async (id: string, kind: string, o: Record<string, string | undefined>) => {
      const body: Record<string, unknown> = { kind };
      const take: [string, string][] = [['at', 'at'], ['reason', 'reason'], ['details', 'details'], ['marriageDate', 'marriageDate'], ['why', 'why'], ['place', 'place'], ['signedBy', 'signedBy'], ['notedBy', 'notedBy']];
      for (const [opt, field] of take) if (o[opt] !== undefined) body[field] = o[opt];
      if (kind === 'paper_received') body.via = o.via;
      await withContext(async ({ db, actor }) => {
        const state = await recordOfficerAction(db, id, body, { actor, clock: systemClock });
        console.log(`summons #${id}: ${kind} recorded; legal state ${state.legal}`);
      });
    });

  const scope = (c: Command) =>
    c.option('--region <code>', 'region ISO code, e.g. KZ-75').option('--district <name>', 'district').option('--plan <plan>', 'only this plan');

  scope(summons.command('failures'))
    .description('failures to appear per district: due for referral, and already referred; --refer records the due ones')
    .option('--refer', 'record failed_to_appear on every summons due for referral')
    .option('--format <format>', 'text or json', 'text')
    .action(async (o: { region?: string; district?: string; plan?: string; refer?: boolean; format: string }) => {
      const f = format(o.format);
      await withContext(async ({ db, actor }) => {
        const filter = await filterOf(db, o);
        if (o.refer) {
          const r = await referDueFailures(db, filter, { actor, clock: systemClock });
          console.log(`${r.referred.length} referred${r.skipped.length ? `, ${r.skipped.length} skipped (changed since listed)` : ''}`);
          for (const s of r.skipped) console.log(`  #${s.summonsId}: ${s.why}`);
        }
        const groups = await failuresToAppear(db, filter, { actor, at: systemClock.now() });
        if (f === 'json') return void console.log(JSON.stringify(groups, null, 2));
        if (groups.length === 0) console.log('no failures to appear');
        for (const g of groups) {
          console.log(`${g.region} ${g.district ?? '(no district)'}: ${g.due} due for referral, ${g.referred} referred`);
          for (const s of g.summonses) console.log(`  #${s.summonsId} ${s.iin} ${s.status}${s.exercise ? ' [EXERCISE]' : ''} — appearance ${kzDateTime(s.appearanceAt)}${s.referralUnsupported ? ' — REFERRAL NO LONGER SUPPORTED BY EVIDENCE' : ''}`);
        }
      });
    });

  scope(summons.command('referrals'))
    .description('export the referral list for internal affairs as CSV')
    .requiredOption('--out <file>', 'CSV file to write')
    .option('--purpose <text>', 'why the list is exported (kept in the audit log)', 'referral to internal affairs')
    .action(async (o: { region?: string; district?: string; plan?: string; out: string; purpose: string }) => {
      await withContext(async ({ db, actor }) => {
        const list = await referralList(db, await filterOf(db, o), { actor, at: systemClock.now(), purpose: o.purpose });
        writeFileSync(o.out, referralCsv(list));
        console.log(`${list.length} referral(s) written to ${o.out}`);
      });
    });

  return summons;
}
