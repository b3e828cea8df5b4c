import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { EgovClient, EgovSimulator, type EgovChannelConfig } from '../egov/index.ts';
import { SmppClient, SmscSimulator, type SmsChannelConfig } from '../sms/index.ts';
import { startDispatcher, type DispatchCounts } from '../summons/index.ts';

/**
 * Exercise traffic goes to simulators only. The channels are made here and nowhere else in this module, always with
 * `exercise: true`: nothing an exercise sends can be configured onto a live route, and the gateways' own exercise
 * gate (checkExerciseGate) would refuse an EXERCISE message on a live channel anyway.
 */
export function exerciseSmsChannel(where: string): SmsChannelConfig {
  return { name: `exercise:${where}`, exercise: true };
}

export function exerciseEgovChannel(where: string): EgovChannelConfig {
  return { name: `exercise:${where}`, exercise: true };
}

export interface ExerciseDispatchOptions {
  clock: Clock;
  /** Seed of the simulators' fates (delivered, undeliverable, unread). */
  seed?: string | number;
  /** Shares the SMSC simulator fails or loses, and the e-Gov simulator reports unread. */
  smsFailShare?: number;
  egovUnreadShare?: number;
  /** Most time to wait for every message of the plan to be sent and reported on. */
  timeoutMs?: number;
  pollMs?: number;
}

export interface ExerciseDispatchResult {
  sms: DispatchCounts;
  egov: DispatchCounts & { readReports: number };
  /** What reached the simulators: each message with its text, to show the EXERCISE mark went out with it. */
  smsMessages: { destination: string; text: string }[];
  egovMessages: { recipientIin: string; title: string; exercise: boolean }[];
  /** True when everything was sent and reported on before the timeout. */
  finished: boolean;
}

async function settled(db: Db, planId: number): Promise<boolean> {
  const [open] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM summons_outbox o JOIN summonses s ON s.id = o.summons_id WHERE s.plan_id = $1 AND o.state IN ('pending', 'sending')",
    [planId],
  );
  const [waiting] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM summons_sms_messages m JOIN summonses s ON s.id = m.summons_id
      WHERE s.plan_id = $1 AND NOT EXISTS (SELECT 1 FROM sms_receipts r WHERE r.smsc = m.smsc AND r.message_id = m.message_id AND r.applied_seq IS NOT NULL)`,
    [planId],
  );
  return Number(open?.n) === 0 && Number(waiting?.n) === 0;
}

/**
 * Sends an exercise's queued EXERCISE messages through an SMSC simulator and an e-Gov simulator started for the
 * purpose, with a dispatcher that claims exercise traffic only; returns when the plan's messages are all sent and
 * their receipts are in the ledger (or at the timeout). Live traffic is left where it is, for the live dispatcher.
 */
export async function runExerciseDispatch(db: Db, planId: number, opts: ExerciseDispatchOptions): Promise<ExerciseDispatchResult> {
  // The simulators date their receipts and read reports by the exercise's clock, as the real services date theirs.
  const smsc = await SmscSimulator.start({ seed: opts.seed ?? 1, failShare: opts.smsFailShare ?? 0, delayShare: 0, clock: opts.clock });
  const token = randomBytes(18).toString('base64url');
  const egov = await EgovSimulator.start({ seed: opts.seed ?? 1, token, readDelayMs: 200, unreadShare: opts.egovUnreadShare ?? 0, clock: opts.clock });
  try {
    const client = await SmppClient.open({
      host: '127.0.0.1', port: smsc.port, systemId: 'mobilize-exercise', password: '', sourceAddr: 'MOBILIZE',
      channel: exerciseSmsChannel(`smsc-sim:${smsc.port}`), window: 50,
    });
    const dispatcher = startDispatcher(
      db,
      { sms: { client, smsc: `exercise-sim:${smsc.port}` }, egov: { client: new EgovClient({ url: egov.url, token, channel: exerciseEgovChannel('egov-sim') }), service: 'egov-sim-exercise' } },
      { batch: 200, clock: opts.clock, actor: 'system:dispatcher:exercise', traffic: 'exercise', pollMs: opts.pollMs ?? 100, readPollMs: 100 },
    );
    const end = Date.now() + (opts.timeoutMs ?? 60_000);
    let finished = false;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
      if (await settled(db, planId)) {
        finished = true;
        break;
      }
    }
    // e-Gov read reports come on the next poll after the simulator decides; give them one round.
    await new Promise((r) => setTimeout(r, 400));
    await dispatcher.stop();
    return {
      sms: dispatcher.totals,
      egov: dispatcher.egovTotals,
      smsMessages: smsc.messages.map((m) => ({ destination: m.destination, text: m.text })),
      egovMessages: egov.messages.map((m) => ({ recipientIin: m.recipientIin, title: m.title, exercise: m.exercise })),
      finished,
    };
  } finally {
    await smsc.close();
    await egov.close();
  }
}
