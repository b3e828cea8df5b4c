/** The API alone on a database prepared by bench/api.ts, in its own process so the load generator does not share its event loop. */
import { buildApp } from '../../src/api/app.ts';
import { openDb } from '../../src/db/client.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { loadReferenceData } from '../../src/modules/registry/index.ts';

const db = await openDb({ databaseUrl: process.argv[2] as string, poolSize: Number(process.argv[3] ?? 8) });
await loadReferenceData(db);
const app = await buildApp({ db, clock: systemClock });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`listening ${address}`);
process.once('SIGTERM', () => void app.close().then(() => db.close()).then(() => process.exit(0)));
