/**
 * One platform process for the multi-process test: an API and a summons dispatcher on the PostgreSQL database and
 * SMSC given in argv, on a pinned clock. Prints its address, then serves until SIGTERM, when it stops cleanly.
 */
import { buildApp } from '../../src/api/app.ts';
import { openDb } from '../../src/db/client.ts';
import { fixedClock } from '../../src/kernel/clock.ts';
import { loadReferenceData } from '../../src/modules/registry/index.ts';
import { SmppClient } from '../../src/modules/sms/index.ts';
import { startDispatcher } from '../../src/modules/summons/index.ts';

const [url, smscPort, at, name] = process.argv.slice(2) as [string, string, string, string];
const clock = fixedClock(at);
const db = await openDb({ databaseUrl: url, poolSize: 4 });
await loadReferenceData(db);
const client = await SmppClient.open({ host: '127.0.0.1', port: Number(smscPort), systemId: 'mobilize', password: '', sourceAddr: 'MOBILIZE', channel: { name: `live:${name}`, exercise: false }, window: 10 });
const dispatcher = startDispatcher(db, { client, smsc: `127.0.0.1:${smscPort}` }, { batch: 5, clock, pollMs: 20, workerId: name, leaseMs: 60_000, actor: `system:${name}`, traffic: 'live' });
const app = await buildApp({ db, clock });
console.log(`listening ${await app.listen({ port: 0, host: '127.0.0.1' })}`);
process.once('SIGTERM', () => {
  void (async () => {
    await app.close();
    await dispatcher.stop();
    await client.close();
    await db.close();
    console.log(`stopped ${JSON.stringify(dispatcher.totals)}`);
    process.exit(0);
  })();
});
