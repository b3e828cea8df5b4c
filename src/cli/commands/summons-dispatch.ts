import type { Command } from 'commander';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { EgovClient } from '../../modules/egov/index.ts';
import { SmppClient } from '../../modules/sms/index.ts';
import { dispatchStatus, startDispatcher } from '../../modules/summons/index.ts';
import { withContext } from '../context.ts';

interface DispatchOptions {
  smsc: string;
  systemId: string;
  password: string;
  source: string;
  exerciseChannel?: boolean;
  batch: string;
  window: string;
  rate?: string;
  receiptWait: string;
  watch?: boolean;
  egov?: string;
  egovToken: string;
}

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new DomainError('CLI_BAD_OPTION', `${name} must be a positive whole number, not "${v}"`);
  return n;
}

export function parseHostPort(v: string): { host: string; port: number } {
  const m = /^([^:\s]+):(\d{1,5})$/.exec(v);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) throw new DomainError('CLI_BAD_OPTION', `expected HOST:PORT, e.g. 127.0.0.1:2775, not "${v}"`);
  return { host: m[1] as string, port };
}

export function summonsDispatchCommand(summons: Command): void {
  summons
    .command('dispatch')
    .description('send the queued summons messages through an SMSC and record submits and delivery receipts as evidence')
    .option('--smsc <host:port>', 'SMPP server (MOBILIZE_SMSC)', process.env.MOBILIZE_SMSC || '127.0.0.1:2775')
    .option('--system-id <id>', 'SMPP system id (MOBILIZE_SMSC_SYSTEM_ID)', process.env.MOBILIZE_SMSC_SYSTEM_ID || 'mobilize')
    .option('--password <password>', 'SMPP password (MOBILIZE_SMSC_PASSWORD)', process.env.MOBILIZE_SMSC_PASSWORD || '')
    .option('--source <addr>', 'sender shown on the handset', 'MOBILIZE')
    .option('--exercise-channel', 'this SMSC is an exercise channel: only EXERCISE messages go through it')
    .option('--batch <n>', 'messages claimed per round', '500')
    .option('--window <n>', 'SMPP window: submits awaiting their response at once', '50')
    .option('--rate <n>', 'most messages per second (the SMSC contract)')
    .option('--egov <url>', 'e-Gov messaging service to post e-Gov summonses to (MOBILIZE_EGOV_URL); without it they stay queued', process.env.MOBILIZE_EGOV_URL)
    .option('--egov-token <token>', 'bearer credentials for the e-Gov service (MOBILIZE_EGOV_TOKEN)', process.env.MOBILIZE_EGOV_TOKEN || '')
    .option('--receipt-wait <s>', 'after the last send, how long to wait for outstanding delivery receipts', '30')
    .option('--watch', 'keep running and send new messages as they are queued (Ctrl-C stops)')
    .action(async (o: DispatchOptions) => {
      const { host, port } = parseHostPort(o.smsc);
      const exercise = Boolean(o.exerciseChannel);
      await withContext(async ({ db, actor }) => {
        const client = await SmppClient.open({
          host, port, systemId: o.systemId, password: o.password, sourceAddr: o.source,
          channel: { name: `${exercise ? 'exercise' : 'live'}:${host}:${port}`, exercise },
          window: positive('--window', o.window),
          ...(o.rate !== undefined ? { ratePerSecond: positive('--rate', o.rate) } : {}),
        });
        if (o.egov !== undefined && !/^https?:\/\/\S+$/.test(o.egov)) throw new DomainError('CLI_BAD_OPTION', `--egov must be an http(s) URL, not "${o.egov}"`);
        const egov = o.egov ? { client: new EgovClient({ url: o.egov, token: o.egovToken, channel: { name: `${exercise ? 'exercise' : 'live'}:egov`, exercise } }), service: 'egov' } : undefined;
        const dispatcher = startDispatcher(db, { sms: { client, smsc: `${host}:${port}` }, ...(egov ? { egov } : {}) }, {
          batch: positive('--batch', o.batch), clock: systemClock, actor: `${actor}:dispatch`, pollMs: 250, traffic: exercise ? 'exercise' : 'live',
        });
        const stopped = new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        const waitMs = Number(o.receiptWait) * 1000;
        if (!(waitMs >= 0)) throw new DomainError('CLI_BAD_OPTION', `--receipt-wait must be a number of seconds, not "${o.receiptWait}"`);
        let quietSince: number | null = null;
        let interrupted = false;
        void stopped.then(() => (interrupted = true));
        while (!interrupted) {
          await new Promise((r) => setTimeout(r, 500));
          if (o.watch) continue;
          const s = await dispatchStatus(db);
          // Only what this run sends: e-Gov rows wait for a run with --egov, exercise rows for an exercise channel.
          const traffic = exercise ? 'exercise' : 'live';
          const open = (s.openBy[`sms:${traffic}`] ?? 0) + (egov ? (s.openBy[`egov:${traffic}`] ?? 0) : 0);
          if (open > 0) quietSince = null;
          else if (s.awaitingReceipt === 0) break;
          else if ((quietSince ??= Date.now()) + waitMs < Date.now()) break;
        }
        await dispatcher.stop();
        const s = await dispatchStatus(db);
        const t = dispatcher.totals;
        console.log(`sent ${t.submitted}, retried ${t.retry}, failed ${t.failed}, refused by the exercise gate ${t.refused}, too late ${t.too_late}`);
        if (egov) {
          const e = dispatcher.egovTotals;
          console.log(`e-Gov: posted ${e.submitted}, retried ${e.retry}, failed ${e.failed}, refused ${e.refused}, too late ${e.too_late}, read reports ${e.readReports}`);
        }
        console.log(`outbox: ${JSON.stringify(s.outbox)}; ${s.awaitingReceipt} SMS part(s) still without a delivery receipt`);
      });
    });
}
