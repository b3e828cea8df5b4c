import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import {
  SimulatedCellBroadcast,
  alertsFeed,
  approveAlert,
  capTime,
  composeAlert,
  discardAlert,
  draftMessage,
  issueStatement,
  listAlerts,
  previewCap,
  publishAlert,
  publishedCap,
  showAlert,
  startAlertDispatcher,
  validateCap,
  type AlertContext,
  type AlertDetail,
} from '../../modules/alerts/index.ts';
import { SmppClient } from '../../modules/sms/index.ts';
import { withContext } from '../context.ts';
import { parseHostPort } from './summons-dispatch.ts';

/** A YAML or JSON file (JSON is YAML). */
function readDoc(file: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DomainError('CLI_BAD_FILE', `cannot read ${file}: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object') throw new DomainError('CLI_BAD_FILE', `${file} must hold a YAML/JSON object`);
  return v as Record<string, unknown>;
}

/** --expires-hours N: the content's expiry N hours from now, written with Kazakhstan's offset. */
function withExpiry(content: unknown, hours?: string): unknown {
  if (hours === undefined) return content;
  const h = Number(hours);
  if (!(h > 0)) throw new DomainError('CLI_BAD_OPTION', `--expires-hours must be a positive number, not "${hours}"`);
  return { ...(content as object), expires: capTime(new Date(systemClock.now().getTime() + h * 3600_000)) };
}

function render(a: AlertDetail): string {
  const s = a.state;
  const c = s.pending?.content ?? s.published.at(-1)?.content;
  const lines = [
    `alert #${a.id} [${a.status}] — ${s.phase.toUpperCase()}${s.pending ? ` (${s.pending.kind} ${s.pending.stage}, version ${s.version})` : ''}`,
    `  ${c?.info.kk.headline ?? ''}`,
    `  ${c?.info.ru.headline ?? ''}`,
    `  ${c?.severity}/${c?.urgency}/${c?.certainty} · regions ${c?.regions.join(', ')}`,
    'messages:',
    ...a.messages.map((m) => `  ${m.n}. ${m.msgType}${m.kind === 'all_clear' ? ' (all-clear)' : ''} ${m.identifier} sent ${m.sent}`),
    'distribution:',
    ...a.distribution.map((d) => `  message ${d.n} ${d.channel} ${d.state}: ${d.rows}${d.channel === 'sms' ? `, delivered ${d.delivered}` : ''}`),
    'actions:',
    ...a.log.map((e, i) => `  ${i + 1}. ${e.at} ${e.kind}${e.kind === 'draft' ? ` ${e.message}` : ''} by ${e.actor}`),
    ...(a.statements.length ? ['statements:', ...a.statements.map((st) => `  ${st.issuedAt} ${st.words.ru?.title ?? ''} (claim: ${st.claim})`)] : []),
  ];
  return lines.join('\n');
}

export function alertCommands(program: Command): void {
  const alert = program.command('alert').description('public alerts (CAP 1.2): compose, approve, publish, update, cancel, all-clear');
  // The CLI is the national operators' tool: no regional confinement; the two-person rule holds by user name.
  const ctxOf = (actor: string): AlertContext => ({ actor, clock: systemClock, scope: { region: null } });

  alert.command('compose').description('compose an alert from a YAML/JSON file {status, content} (see examples/alerts/)')
    .argument('<file>').option('--expires-hours <n>', 'set the expiry this many hours from now')
    .action(async (file: string, o: { expiresHours?: string }) => {
      const doc = readDoc(file);
      await withContext(async ({ db, actor }) => {
        const a = await composeAlert(db, { ...doc, content: withExpiry(doc.content, o.expiresHours) }, ctxOf(actor));
        console.log(`alert #${a.id} drafted (${a.status}); a second person approves it: mobilize alert approve ${a.id} --seen ${a.state.version}`);
      });
    });

  alert.command('list').description('the latest alerts').action(async () => {
    await withContext(async ({ db }) => {
      for (const a of await listAlerts(db, { region: null })) {
        console.log(`#${a.id} ${a.status.padEnd(8)} ${a.phase.padEnd(10)} ${a.severity.padEnd(8)} ${a.regions.join(',').padEnd(20)} ${a.headline.ru ?? ''}`);
      }
    });
  });

  alert.command('show').description('an alert: state, messages, distribution, log; --cap prints CAP XML')
    .argument('<id>').option('--cap [n]', 'print the CAP XML of published message n (default: latest), or the preview of the message in hand')
    .option('--format <format>', 'text or json', 'text')
    .action(async (id: string, o: { cap?: string | boolean; format: string }) => {
      await withContext(async ({ db }) => {
        if (o.cap !== undefined) {
          const a = await showAlert(db, id, { region: null });
          const xml = typeof o.cap === 'string' ? await publishedCap(db, id, Number(o.cap)) : a.state.pending ? await previewCap(db, id, { region: null }, systemClock.now()) : await publishedCap(db, id);
          process.stdout.write(xml);
          return;
        }
        const a = await showAlert(db, id, { region: null });
        console.log(o.format === 'json' ? JSON.stringify(a, null, 2) : render(a));
      });
    });

  alert.command('approve').description('approve the message in hand (for an Actual alert, not by anyone who wrote it)')
    .argument('<id>').option('--seen <version>', 'the version you read (refused if it changed since)')
    .action(async (id: string, o: { seen?: string }) => {
      await withContext(async ({ db, actor }) => {
        const a = await approveAlert(db, id, { ...ctxOf(actor), ...(o.seen ? { seen: Number(o.seen) } : {}) });
        console.log(`alert #${a.id}: ${a.state.pending?.kind} approved by ${actor}; publish with: mobilize alert publish ${a.id}`);
      });
    });

  alert.command('publish').description('publish the approved message: CAP stored, SMS and cell broadcast queued').argument('<id>')
    .action(async (id: string) => {
      await withContext(async ({ db, actor }) => {
        const r = await publishAlert(db, id, ctxOf(actor));
        console.log(`alert #${id} published as ${r.identifier}: ${r.queued.sms} SMS and ${r.queued.cellBroadcast} cell broadcast(s) queued`);
      });
    });

  for (const [verb, kind, what] of [
    ['update', 'update', 'draft an update from a file {content}'],
    ['cancel', 'cancel', 'draft a cancellation from a file {reason, text: {kk, ru, en?}}'],
    ['all-clear', 'all_clear', 'draft the all-clear from a file {text: {kk, ru, en?}}'],
  ] as const) {
    alert.command(verb).description(what).argument('<id>').argument('<file>').action(async (id: string, file: string) => {
      const doc = readDoc(file);
      await withContext(async ({ db, actor }) => {
        const a = await draftMessage(db, id, { ...doc, kind }, ctxOf(actor));
        console.log(`alert #${a.id}: ${kind} drafted (version ${a.state.version}); a second person approves it`);
      });
    });
  }

  alert.command('revise').description('new words for the message in hand, from a file ({content} or {reason?, text})').argument('<id>').argument('<file>')
    .action(async (id: string, file: string) => {
      const doc = readDoc(file);
      await withContext(async ({ db, actor }) => {
        const a = await draftMessage(db, id, doc, { ...ctxOf(actor), revise: true });
        console.log(`alert #${a.id}: revised (version ${a.state.version}); it needs approving again`);
      });
    });

  alert.command('discard').description('discard the message in hand').argument('<id>').option('--reason <text>')
    .action(async (id: string, o: { reason?: string }) => {
      await withContext(async ({ db, actor }) => {
        const a = await discardAlert(db, id, { ...ctxOf(actor), ...(o.reason ? { reason: o.reason } : {}) });
        console.log(`alert #${a.id}: message discarded; the alert is ${a.state.phase}`);
      });
    });

  alert.command('statement').description('issue an official statement rebutting a false claim, from a file {claim, words: {kk, ru, en?}}').argument('<id>').argument('<file>')
    .action(async (id: string, file: string) => {
      const doc = readDoc(file);
      await withContext(async ({ db, actor }) => {
        const s = await issueStatement(db, id, doc, { actor, at: systemClock.now(), scope: { region: null } });
        console.log(`statement #${s.id} issued for alert #${id}`);
      });
    });

  alert.command('feed').description('print the Atom feed of current alerts')
    .option('--lang <lang>', 'kk, ru or en', 'kk').option('--status <status>', 'Actual, Exercise or Test', 'Actual').option('--base <url>', 'origin written into links', 'http://127.0.0.1:8080')
    .action(async (o: { lang: string; status: string; base: string }) => {
      if (!['kk', 'ru', 'en'].includes(o.lang) || !['Actual', 'Exercise', 'Test'].includes(o.status)) throw new DomainError('CLI_BAD_OPTION', '--lang kk|ru|en, --status Actual|Exercise|Test');
      await withContext(async ({ db }) => {
        process.stdout.write(await alertsFeed(db, { base: o.base, lang: o.lang as 'kk', status: o.status as 'Actual', now: systemClock.now() }));
      });
    });

  alert.command('validate').description('validate CAP XML files against the OASIS CAP 1.2 schema (exit 1 if any is invalid)').argument('<files...>')
    .action((files: string[]) => {
      let bad = 0;
      for (const f of files) {
        const r = validateCap(readFileSync(f, 'utf8'));
        console.log(`${f}: ${r.valid ? 'valid CAP 1.2' : `INVALID\n  ${r.errors.join('\n  ')}`}`);
        if (!r.valid) bad++;
      }
      if (bad) process.exitCode = 1;
    });

  alert.command('dispatch').description('send queued alert SMS through an SMSC and cell broadcasts through the simulated gateway; Ctrl-C stops')
    .option('--smsc <host:port>', 'SMPP server (MOBILIZE_SMSC)', process.env.MOBILIZE_SMSC || '127.0.0.1:2775')
    .option('--system-id <id>', 'SMPP system id', process.env.MOBILIZE_SMSC_SYSTEM_ID || 'mobilize')
    .option('--password <password>', 'SMPP password', process.env.MOBILIZE_SMSC_PASSWORD || '')
    .option('--exercise-channel', 'these are exercise channels: only exercise and test alerts go through them')
    .option('--cell-broadcast-log <file>', 'append what the simulated cell broadcast sends to this file')
    .action(async (o: { smsc: string; systemId: string; password: string; exerciseChannel?: boolean; cellBroadcastLog?: string }) => {
      const { host, port } = parseHostPort(o.smsc);
      const exercise = Boolean(o.exerciseChannel);
      await withContext(async ({ db, actor }) => {
        const client = await SmppClient.open({ host, port, systemId: o.systemId, password: o.password, sourceAddr: 'ALERT', channel: { name: `${exercise ? 'exercise' : 'live'}:${host}:${port}`, exercise }, window: 50 });
        const log = o.cellBroadcastLog ? (line: string) => writeFileSync(o.cellBroadcastLog as string, `${line}\n`, { flag: 'a' }) : (line: string) => console.log(line);
        const d = startAlertDispatcher(db, { sms: { client, smsc: `${host}:${port}` }, cellBroadcast: new SimulatedCellBroadcast(exercise ? 'cell-broadcast:exercise' : 'cell-broadcast:simulated', exercise, log) }, {
          batch: 500, clock: systemClock, actor: `${actor}:alert-dispatch`, traffic: exercise ? 'exercise' : 'live', pollMs: 250,
        });
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await d.stop();
        console.log(`SMS ${JSON.stringify(d.totals.sms)}; cell broadcast ${JSON.stringify(d.totals.cell_broadcast)}`);
      });
    });
}
