import { readFileSync } from 'node:fs';
import pg from 'pg';
import smpp from 'smpp';
import type { Db } from '../src/db/client.ts';
import { parseOrderText, type CallupOrder } from '../src/modules/callup/index.ts';
import { OneInFlight } from '../src/kernel/one-in-flight.ts';
import { PERSON_COLUMNS, copyCsvLine } from '../src/modules/registry/index.ts';
import { generatePersons } from '../src/modules/registry/synthetic.ts';

/** Creates a scratch database on the PostgreSQL server named by DATABASE_URL (or the local default). */
export async function scratchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `${prefix}_${process.pid}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, value };
}

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Writes a synthetic registry with plain COPY, one chunk in flight while the next is generated. */
export async function loadSyntheticRegistry(db: Db, opts: { count: number; seed: number; today: string }): Promise<void> {
  const writer = new OneInFlight();
  let lines: string[] = [];
  const flush = async () => {
    const csv = lines.join('\n') + '\n';
    lines = [];
    await writer.submit(() => db.transaction((tx) => tx.copyCsv('persons', PERSON_COLUMNS, csv)));
  };
  for (const p of generatePersons(opts)) {
    lines.push(copyCsvLine(p));
    if (lines.length === 50_000) await flush();
  }
  if (lines.length > 0) await flush();
  await writer.drain();
}

export interface RawSmppPart {
  dataCoding: number;
  esmClass: number;
  shortMessage: Buffer;
}

/**
 * A reference SMPP sender with nothing of ours around it: the `smpp` package, one transceiver with setNoDelay,
 * `window` submit_sm in flight, each message split by `encode`; done when every part's receipt has arrived.
 */
export async function rawSmppSend(opts: {
  port: number;
  window: number;
  messages: readonly { to: string; text: string }[];
  encode: (text: string, ref: number) => RawSmppPart[];
}): Promise<{ seconds: number; parts: number; receipts: number }> {
  const session = smpp.connect({ host: '127.0.0.1', port: opts.port });
  session.socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    session.on('error', reject);
    session.on('connect', () =>
      session.bind_transceiver({ system_id: 'raw', password: 'x' }, (r) => (r.command_status === 0 ? resolve() : reject(new Error(`bind refused: ${r.command_status}`)))),
    );
  });
  let parts = 0;
  let receipts = 0;
  let sentAll = false;
  const run = await timed(
    () =>
      new Promise<void>((resolve, reject) => {
        const finish = () => sentAll && receipts === parts && resolve();
        session.on('deliver_sm', (pdu: smpp.Pdu) => {
          session.send(pdu.response());
          if (((pdu.esm_class ?? 0) & 0x3c) === 0x04) receipts++;
          finish();
        });
        let next = 0;
        let queue: RawSmppPart[] = [];
        let to = '';
        let inFlight = 0;
        const pump = () => {
          while (inFlight < opts.window) {
            if (queue.length === 0) {
              const m = opts.messages[next];
              if (!m) break;
              queue = opts.encode(m.text, next++);
              to = m.to.replace(/^\+/, '');
            }
            const p = queue.shift() as RawSmppPart;
            parts++;
            inFlight++;
            session.submit_sm(
              { source_addr: 'MOBILIZE', source_addr_ton: 5, destination_addr: to, dest_addr_ton: 1, dest_addr_npi: 1, esm_class: p.esmClass, data_coding: p.dataCoding, registered_delivery: 1, short_message: p.shortMessage },
              (resp) => {
                inFlight--;
                if (resp.command_status !== 0) return reject(new Error(`submit_sm refused: ${resp.command_status}`));
                pump();
              },
            );
          }
          if (queue.length === 0 && next >= opts.messages.length) sentAll = true;
          finish();
        };
        pump();
      }),
  );
  await new Promise<void>((resolve) => {
    session.socket.once('close', () => resolve());
    session.unbind(() => session.close());
  });
  return { seconds: run.seconds, parts, receipts };
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where that cannot be read. */
export function processCpuSeconds(pid: number): number | null {
  try {
    // Fields after the command name: state is the 1st, utime the 12th, stime the 13th, in clock ticks (100 a second).
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * A bench call-up order: the given agencies (all serving in Astana) and quota lines, under the reserve-mobilization
 * rule set, appearing 27 November to 10 December 2026; refused loudly if it does not parse.
 */
export function benchOrder(o: { id: string; title: string; referenceDate: string; agencies: readonly string[]; quotas: readonly string[] }): CallupOrder {
  const { order, issues } = parseOrderText(`id: ${o.id}
title: ${o.title}
legal_basis: { document: bench }
rule_set: reserve-mobilization
reference_date: ${o.referenceDate}
appearance: { from: 2026-11-27, to: 2026-12-10 }
seed: bench
agencies:
${o.agencies.map((a) => `  ${a}: { name: ${a}, region: KZ-71 }`).join('\n')}
quotas:
${o.quotas.join('\n')}
`);
  if (!order) throw new Error(JSON.stringify(issues));
  return order;
}
