import type { Command } from 'commander';
import { isMs, isPort, isShare, numberOption as number, seedOption, untilSignal } from '../options.ts';
import { SmscSimulator } from '../../modules/sms/index.ts';

interface SmscSimOptions {
  host: string;
  port: string;
  fail: string;
  drop: string;
  delay: string;
  delayMs: string;
  respondDelayMs: string;
  seed: string;
}

export function smscSimCommand(program: Command): void {
  program
    .command('smsc-sim')
    .description('run an SMPP 3.4 SMSC simulator that returns delivery receipts and fails, drops or delays a seeded share of messages')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'TCP port (0 picks a free one)', '2775')
    .option('--fail <share>', 'share of messages reported undeliverable', '0')
    .option('--drop <share>', 'share of messages accepted and never reported on', '0')
    .option('--delay <share>', 'share of receipts held back by --delay-ms', '1')
    .option('--delay-ms <ms>', 'how long delayed receipts are held', '0')
    .option('--respond-delay-ms <ms>', 'hold every submit_sm_resp this long', '0')
    .option('--seed <seed>', 'seed for which messages fail, drop or are delayed', '1')
    .action(async (o: SmscSimOptions) => {
      const sim = await SmscSimulator.start({
        host: o.host,
        port: number('--port', o.port, isPort, 'a port number 0–65535'),
        failShare: number('--fail', o.fail, isShare, 'a share between 0 and 1'),
        dropShare: number('--drop', o.drop, isShare, 'a share between 0 and 1'),
        delayShare: number('--delay', o.delay, isShare, 'a share between 0 and 1'),
        delayMs: number('--delay-ms', o.delayMs, isMs, 'a whole number of milliseconds'),
        respondDelayMs: number('--respond-delay-ms', o.respondDelayMs, isMs, 'a whole number of milliseconds'),
        seed: seedOption(o.seed),
      });
      sim.onMessage((m) => {
        console.log(`${new Date().toISOString()} ${m.systemId} ${m.source} → ${m.destination} [${m.messageIds.length} part(s): ${m.outcomes.join(',')}] ${m.text}`);
      });
      console.log(`SMSC simulator listening on ${o.host}:${sim.port} (fail ${o.fail}, drop ${o.drop}, delay ${o.delay} × ${o.delayMs} ms, seed ${o.seed}); Ctrl-C stops it`);
      await untilSignal();
      await sim.close();
      console.log(`SMSC simulator stopped after ${sim.submissions.length} submit_sm, ${sim.messages.length} message(s)`);
    });
}
