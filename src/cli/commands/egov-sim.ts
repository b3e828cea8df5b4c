import type { Command } from 'commander';
import { isMs, isPort, isShare, numberOption as number, seedOption, untilSignal } from '../options.ts';
import { EgovSimulator } from '../../modules/egov/index.ts';

interface EgovSimOptions {
  host: string;
  port: string;
  token?: string;
  fail: string;
  lostReply: string;
  unread: string;
  readDelayMs: string;
  respondDelayMs: string;
  seed: string;
}

export function egovSimCommand(program: Command): void {
  program
    .command('egov-sim')
    .description('run an e-Gov messaging API simulator (HTTP) that fails, loses the answer to, or leaves unread a seeded share of messages')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'TCP port (0 picks a free one)', '8480')
    .option('--token <token>', 'the only bearer token accepted (MOBILIZE_EGOV_TOKEN); any token when absent', process.env.MOBILIZE_EGOV_TOKEN || undefined)
    .option('--fail <share>', 'share of posts answered 503 without taking the message', '0')
    .option('--lost-reply <share>', 'share of posts taken but answered 502', '0')
    .option('--unread <share>', 'share of messages the person never opens (reported unread)', '0')
    .option('--read-delay-ms <ms>', 'how long a message stays posted before it is read or reported unread', '0')
    .option('--respond-delay-ms <ms>', 'hold every answer this long', '0')
    .option('--seed <seed>', 'seed for which posts fail and which messages stay unread', '1')
    .action(async (o: EgovSimOptions) => {
      const sim = await EgovSimulator.start({
        host: o.host,
        port: number('--port', o.port, isPort, 'a port number 0–65535'),
        ...(o.token ? { token: o.token } : {}),
        failShare: number('--fail', o.fail, isShare, 'a share between 0 and 1'),
        lostReplyShare: number('--lost-reply', o.lostReply, isShare, 'a share between 0 and 1'),
        unreadShare: number('--unread', o.unread, isShare, 'a share between 0 and 1'),
        readDelayMs: number('--read-delay-ms', o.readDelayMs, isMs, 'a whole number of milliseconds'),
        respondDelayMs: number('--respond-delay-ms', o.respondDelayMs, isMs, 'a whole number of milliseconds'),
        seed: seedOption(o.seed),
      });
      sim.onMessage((m) => {
        console.log(`${new Date().toISOString()} ${m.messageId} → e-Gov account ${m.recipientIin}${m.exercise ? ' [exercise]' : ''} (will be ${m.fate}) ${m.title}`);
      });
      console.log(`e-Gov simulator listening on ${sim.url} (fail ${o.fail}, lost reply ${o.lostReply}, unread ${o.unread}, read after ${o.readDelayMs} ms, seed ${o.seed}${o.token ? ', token required' : ''}); Ctrl-C stops it`);
      await untilSignal();
      await sim.close();
      console.log(`e-Gov simulator stopped after ${sim.posts.length} post(s), ${sim.messages.length} message(s), ${sim.statusChecks} status check(s)`);
    });
}
