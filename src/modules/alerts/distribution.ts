import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { checkExerciseGate, encodeSms, EXERCISE_MARK } from '../sms/index.ts';
import type { AlertContent, CapStatus } from './content.ts';

/** At most this many SMS parts per alert (6 UCS-2 parts, ~400 Cyrillic characters): longer texts drop instructions. */
export const ALERT_SMS_MAX_PARTS = 6;

/** Exercise and test alerts travel as exercise traffic only: exercise channels, never a citizen's phone. */
export const isExerciseTraffic = (status: CapStatus) => status !== 'Actual';

/**
 * The SMS (and cell-broadcast) text of a message: Kazakh, then Russian — headline and instruction of each — after
 * the exercise mark for drills and tests. When that is too long for ALERT_SMS_MAX_PARTS the instructions are left
 * out (the headlines are capped at 160 characters, so that always fits); the full words are in the CAP message.
 */
export function alertSmsText(status: CapStatus, content: AlertContent): string {
  const mark = status === 'Actual' ? '' : `${EXERCISE_MARK}${status === 'Test' ? ' · TEST' : ''}\n`;
  const line = (l: 'kk' | 'ru', withInstruction: boolean) => {
    const w = content.info[l];
    return withInstruction && w.instruction ? `${w.headline}. ${w.instruction}` : w.headline;
  };
  for (const full of [true, false]) {
    const text = `${mark}${line('kk', full)}\n${line('ru', full)}`;
    if (encodeSms(text, 0).parts.length <= ALERT_SMS_MAX_PARTS) return text;
  }
  throw new DomainError('ALERT_SMS_TOO_LONG', `the headlines are too long for ${ALERT_SMS_MAX_PARTS} SMS parts; shorten them`);
}

/** One region's broadcast of one message. */
export interface CellBroadcastMessage {
  identifier: string;
  region: string;
  /** The CAP polygons of the region, for a network that broadcasts by shape rather than by cell list. */
  polygons: string[];
  text: string;
  exercise: boolean;
}

/**
 * The national cell-broadcast system ("National Alert", rolled out region by region) behind an interface: the
 * operator's gateway is plugged in here when there is one. Each implementation is one channel, live or exercise.
 */
export interface CellBroadcast {
  readonly name: string;
  readonly exercise: boolean;
  broadcast(m: CellBroadcastMessage): Promise<{ broadcastId: string }>;
  close?(): Promise<void>;
}

/** The exercise gate of SMS applies unchanged: a drill only on an exercise channel and marked, a real alert never. */
export function checkBroadcastGate(cb: CellBroadcast, m: CellBroadcastMessage): void {
  checkExerciseGate({ name: cb.name, exercise: cb.exercise }, { to: m.region, text: m.text, exercise: m.exercise });
}

/** A cell-broadcast channel that records (and optionally logs) what it would broadcast: demos, drills and tests. */
export class SimulatedCellBroadcast implements CellBroadcast {
  readonly sent: (CellBroadcastMessage & { broadcastId: string })[] = [];
  constructor(readonly name: string, readonly exercise: boolean, private readonly log?: (line: string) => void) {}

  async broadcast(m: CellBroadcastMessage): Promise<{ broadcastId: string }> {
    checkBroadcastGate(this, m);
    const broadcastId = randomUUID();
    this.sent.push({ ...m, broadcastId });
    this.log?.(`cell broadcast ${broadcastId} to ${m.region} (${m.polygons.length} polygon(s)) on ${this.name}: ${m.text.replace(/\n/g, ' / ')}`);
    return { broadcastId };
  }
}

/**
 * Queues the distribution of a published message in the publishing transaction: an SMS to every distinct mobile
 * number of the registry's people in the target regions (the registry's region, not the polygon, decides), and one
 * cell-broadcast row per region. Returns the counts queued.
 */
export async function enqueueDistribution(
  tx: Tx,
  m: { alertId: string; n: number; regions: readonly string[]; text: string; exercise: boolean; at: Date },
): Promise<{ sms: number; cellBroadcast: number }> {
  const sms = await tx.query(
    `INSERT INTO alert_outbox (alert_id, message_n, channel, destination, text, exercise, available_at)
     SELECT $1, $2, 'sms', p.mobile, $3, $4, $5 FROM persons p
      WHERE p.region = ANY($6::text[]) AND coalesce(p.mobile, '') <> '' AND NOT p.resides_abroad
      GROUP BY p.mobile
     ON CONFLICT DO NOTHING`,
    [m.alertId, m.n, m.text, m.exercise, m.at, m.regions],
  );
  const cb = await tx.query(
    `INSERT INTO alert_outbox (alert_id, message_n, channel, destination, text, exercise, available_at)
     SELECT $1, $2, 'cell_broadcast', r, $3, $4, $5 FROM unnest($6::text[]) AS r ON CONFLICT DO NOTHING`,
    [m.alertId, m.n, m.text, m.exercise, m.at, m.regions],
  );
  return { sms: sms.affected, cellBroadcast: cb.affected };
}
