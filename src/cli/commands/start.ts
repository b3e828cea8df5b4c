import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { buildApp } from '../../api/app.ts';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { createLogger } from '../../kernel/logger.ts';
import { createDemoUsers, type DemoUser } from '../../modules/access/index.ts';
import { SimulatedCellBroadcast, startAlertDispatcher } from '../../modules/alerts/index.ts';
import { EgovClient, EgovSimulator } from '../../modules/egov/index.ts';
import { seedInfrastructureDemo } from '../../modules/infrastructure/index.ts';
import { seedEconomyDemo } from '../../modules/economy/index.ts';
import { seedRegistry } from '../../modules/registry/seed.ts';
import { seedTerritorialDemo } from '../../modules/territorial/index.ts';
import { seedCivilDemo } from '../../modules/civil/index.ts';
import { SmppClient, SmscSimulator } from '../../modules/sms/index.ts';
import { ensureSummonsState, startDispatcher } from '../../modules/summons/index.ts';
import { withContext } from '../context.ts';
import { progress } from '../progress.ts';
import { parseHostPort } from './summons-dispatch.ts';

interface StartOptions {
  port?: string;
  demoPersons: number;
  seed: number;
  smsc?: string;
  publicUrl?: string;
  secureCookies?: boolean;
}

/** Demo credentials live beside the data, outside the repository, so a later start can show them again. */
function demoUsersFile(dataDir: string): string {
  return join(dirname(dataDir), 'demo-users.json');
}

export function startCommand(program: Command): void {
  program
    .command('start')
    .description('start the platform; an empty database is first seeded with a demo registry and demo users')
    .option('--port <port>', 'HTTP port (default: MOBILIZE_PORT or 8080)')
    .option('--demo-persons <n>', 'size of the demo registry seeded into an empty database', (v) => Number(v), 100_000)
    .option('--seed <n>', 'seed of the demo registry', (v) => Number(v), 1)
    .option('--smsc <host:port>', 'a live SMSC to send through instead of the built-in SMSC simulator (MOBILIZE_SMSC)', process.env.MOBILIZE_SMSC)
    .option('--public-url <url>', 'public base URL of the alert feed and CAP links, e.g. https://alerts.example.kz (MOBILIZE_PUBLIC_URL; default http://localhost:PORT)', process.env.MOBILIZE_PUBLIC_URL)
    .option('--secure-cookies', 'mark the session cookie Secure, for a platform reached over HTTPS (MOBILIZE_SECURE_COOKIES=1)')
    .action(async (o: StartOptions) => {
      if (!Number.isInteger(o.demoPersons) || o.demoPersons < 0) throw new DomainError('CLI_BAD_OPTION', '--demo-persons must be a whole number');
      const external = o.smsc ? parseHostPort(o.smsc) : null;
      await withContext(async ({ config, db }) => {
        const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM persons');
        if (n === 0 && o.demoPersons > 0) {
          console.error(`empty database: seeding a demo registry of ${o.demoPersons} persons (seed ${o.seed})`);
          const bar = progress('seed', o.demoPersons, 'persons');
          await seedRegistry(db, { persons: o.demoPersons, seed: o.seed, clock: systemClock, actor: 'system:demo', onProgress: (done) => bar.update(done) });
          bar.stop();
        }
        // The cyber/infrastructure tier gets its demo objects, units (from the registry just seeded) and incidents.
        const [{ objects } = { objects: 0 }] = await db.query<{ objects: number }>('SELECT count(*)::int AS objects FROM infrastructure_objects');
        if (objects === 0 && o.demoPersons > 0) await seedInfrastructureDemo(db, { seed: o.seed, clock: systemClock, actor: 'system:demo' });
        const [{ units } = { units: 0 }] = await db.query<{ units: number }>('SELECT count(*)::int AS units FROM td_units');
        if (units === 0 && (n > 0 || o.demoPersons > 0)) {
          const td = await seedTerritorialDemo(db, { seed: o.seed, clock: systemClock, actor: 'system:demo' });
          console.error(`territorial defence demo: ${td.units} units (${td.members} members), ${td.shelters} shelters, ${td.fleets} fleets, ${td.guarded} objects guarded, evacuation plan #${td.planId ?? '-'} (draft)`);
        }
        if (o.demoPersons > 0) {
          // Does nothing once the economic tier has capacities; its enterprises are the registry's largest employers.
          const economy = await seedEconomyDemo(db, { seed: o.seed, clock: systemClock, actor: 'system:demo' });
          if (economy.enterprises) console.error(`seeded ${economy.enterprises} demo enterprises with ${economy.capacityLines} capacity lines`);
        }
        const built = await ensureSummonsState(db);
        if (built) console.error(`summons read model: built ${built} rows from the evidence ledger`);
        const civil = await seedCivilDemo(db, { seed: o.seed, clock: systemClock, actor: 'system:demo' });
        if (civil.tasks || civil.reservations) console.error(`civil tier demo: ${civil.tasks} tasks, ${civil.reservations} reservations`);
        const usersFile = demoUsersFile(config.dataDir);
        const created = await createDemoUsers(db, { clock: systemClock, actor: 'system:demo' });
        if (created) {
          mkdirSync(dirname(usersFile), { recursive: true });
          writeFileSync(usersFile, JSON.stringify(created, null, 2), { mode: 0o600 });
        }
        const demoUsers: DemoUser[] = created ?? (existsSync(usersFile) ? (JSON.parse(readFileSync(usersFile, 'utf8')) as DemoUser[]) : []);

        // Without a live SMSC the platform sends to its own simulators, which deliver and report like the real ones.
        // Exercise traffic always goes to the simulators, through a dispatcher of its own that claims only exercise
        // rows; the live one claims only live rows, and each gateway's exercise gate refuses the other kind anyway.
        const smsc = await SmscSimulator.start({ seed: o.seed, delayShare: 1, delayMs: 2000 });
        const egovToken = randomBytes(18).toString('base64url');
        const egov = await EgovSimulator.start({ seed: o.seed, token: egovToken, readDelayMs: 5000, unreadShare: 0.05 });
        const smsAt = external ?? { host: '127.0.0.1', port: smsc.port };
        // Summonses and alerts bind with accounts of their own: an SMSC hands a delivery receipt to any bind of the
        // account that sent the message, so a shared account would give one dispatcher the other's receipts.
        const sms = async (at: { host: string; port: number }, exercise: boolean, purpose: 'summons' | 'alert' = 'summons') => ({
          client: await SmppClient.open({
            host: at.host, port: at.port,
            systemId: purpose === 'alert'
              ? (exercise ? 'mobilize-alert-exercise' : process.env.MOBILIZE_ALERT_SMSC_SYSTEM_ID || 'mobilize-alerts')
              : (exercise ? 'mobilize-exercise' : process.env.MOBILIZE_SMSC_SYSTEM_ID || 'mobilize'),
            password: exercise ? '' : (purpose === 'alert' ? process.env.MOBILIZE_ALERT_SMSC_PASSWORD : process.env.MOBILIZE_SMSC_PASSWORD) || '', sourceAddr: 'MOBILIZE',
            channel: { name: `${exercise ? 'exercise' : 'live'}:${at.host}:${at.port}`, exercise }, window: 50,
          }),
          smsc: `${at.host}:${at.port}`,
        });
        const egovGateway = (exercise: boolean) => ({ client: new EgovClient({ url: egov.url, token: egovToken, channel: { name: exercise ? 'exercise:egov-sim' : 'egov-sim', exercise } }), service: 'egov-sim' });
        const live = await sms(smsAt, false);
        const common = { batch: 500, clock: systemClock, pollMs: 500 };
        const dispatchers = [
          startDispatcher(db, { sms: live, egov: egovGateway(false) }, { ...common, actor: 'system:dispatcher', traffic: 'live' }),
          startDispatcher(db, { sms: await sms({ host: '127.0.0.1', port: smsc.port }, true), egov: egovGateway(true) }, { ...common, actor: 'system:dispatcher:exercise', traffic: 'exercise' }),
        ];
        const smsClient = live.client;
        // Public alerts have dispatchers of their own (each owns its SMPP bind), live and exercise apart as above.
        const alertDispatchers = [
          startAlertDispatcher(db, { sms: await sms(smsAt, false, 'alert'), cellBroadcast: new SimulatedCellBroadcast('cell-broadcast-sim', false) }, { ...common, actor: 'system:alerts', traffic: 'live' }),
          startAlertDispatcher(db, { sms: await sms({ host: '127.0.0.1', port: smsc.port }, true, 'alert'), cellBroadcast: new SimulatedCellBroadcast('exercise:cell-broadcast-sim', true) }, { ...common, actor: 'system:alerts:exercise', traffic: 'exercise' }),
        ];

        const app = await buildApp({ db, clock: systemClock, ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}), logger: createLogger(config.logLevel), ...(config.trustProxy ? { trustProxy: config.trustProxy } : {}), secureCookies: Boolean(o.secureCookies) || config.secureCookies, codeSender: { sendCode: async (to, text) => void (await smsClient.send({ to, text, exercise: false })) } });
        const port = o.port !== undefined ? Number(o.port) : config.port;
        const address = await app.listen({ port, host: config.host });
        console.log(`Mobilize is running on ${address} (${db.engine}${db.engine === 'pglite' ? ` at ${config.dataDir}` : ''})`);
        console.log(`  health:   ${address}/healthz`);
        console.log(`  SMS:      ${external ? `live SMSC ${smsAt.host}:${smsAt.port}, exercises to the ` : ''}SMSC simulator on 127.0.0.1:${smsc.port}; e-Gov simulator on ${egov.url}`);
        if (demoUsers.length > 0) {
          console.log(`  demo users (${created ? 'created now' : `from ${usersFile}`}):`);
          for (const u of demoUsers) console.log(`    ${u.username.padEnd(20)} ${u.password.padEnd(18)} ${u.role}${u.scope ? ` ${u.scope}` : ''}`);
          const first = demoUsers[0] as DemoUser;
          console.log(`  try:      curl -c /tmp/mobilize.cookies -H 'content-type: application/json' -d '{"username":"${first.username}","password":"${first.password}"}' ${address}/api/session`);
        }
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        console.error('stopping');
        await app.close();
        // Every dispatcher is stopped and the simulators closed even if one stop fails; the failures are said after.
        const stopped = await Promise.allSettled([...dispatchers, ...alertDispatchers].map((d) => d.stop()));
        await egov.close();
        await smsc.close();
        const failed = stopped.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
        for (const e of failed) console.error(`stopping a dispatcher: ${e.message}`);
        if (failed.length > 0) process.exitCode = 1;
      });
    });
}
