import type { Db, Tx } from '../../db/client.ts';

/** One turn of the event loop: setImmediate runs after the I/O that is waiting (sockets, timers). */
export const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A transaction that lets pending I/O run first. PGlite runs on the main thread and a chain of its queries never
 * gives timers or sockets a turn (measured: 2,000 queries in a row took 474 ms and a 0 ms timer had still not fired);
 * its FIFO mutex hands the database from one waiting transaction straight to the next, so waiting *after* a
 * transaction does not help when another is queued — waiting before taking the database does: SMPP answers and
 * /healthz are served between any two of the dispatcher's transactions.
 */
export async function inTurn<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  await yieldToIo();
  return db.transaction(fn);
}
