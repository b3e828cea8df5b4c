import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's Kannel (package `kannel`: bearerbox + smsbox) run as an SMPP client of our SMSC simulator, the independent
 * peer the issue asks for. Each instance gets its own config, log files and free ports in a temp dir; the Debian
 * service is never used (.ci/run keeps it from starting).
 */
export const BEARERBOX = '/usr/sbin/bearerbox';
export const SMSBOX = '/usr/sbin/smsbox';

export function kannelInstalled(): boolean {
  return existsSync(BEARERBOX) && existsSync(SMSBOX);
}

/** A port free on 127.0.0.1 right now (the OS picks it; Kannel cannot be told to listen on port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface KannelOptions {
  smscPort: number;
  systemId?: string;
  password?: string;
  /** SMPP submit_sm in flight at once (Kannel's max-pending-submits). */
  window?: number;
  /** Kannel log level: 0 debug … 4 panic. 1 (info) keeps a PDU-free trail for a failed test. */
  logLevel?: number;
  /** One line per message in access.log (default true; a bench turns it off). */
  accessLog?: boolean;
  /** How long to wait for the bind and for smsbox (default 15 s). */
  startTimeoutMs?: number;
}

export interface SendSmsParams {
  to: string;
  text: string;
  from?: string;
  /** Kannel's coding: 0 GSM 7-bit, 2 UCS-2. */
  coding?: 0 | 2;
  dlrMask?: number;
  dlrUrl?: string;
}

class KannelBindRefused extends Error {}

export class Kannel {
  private readonly procs: ChildProcess[] = [];
  private readonly exited = new Map<ChildProcess, Promise<void>>();

  private constructor(
    readonly dir: string,
    readonly adminPort: number,
    readonly sendsmsPort: number,
    private readonly adminPassword: string,
  ) {}

  static async start(opts: KannelOptions): Promise<Kannel> {
    const dir = mkdtempSync(join(tmpdir(), 'mobilize-kannel-'));
    const [adminPort, boxPort, sendsmsPort] = [await freePort(), await freePort(), await freePort()];
    const k = new Kannel(dir, adminPort, sendsmsPort, 'admin-secret');
    const level = opts.logLevel ?? 1;
    writeFileSync(join(dir, 'kannel.conf'), `
group = core
admin-port = ${adminPort}
admin-password = admin-secret
admin-allow-ip = "127.0.0.1"
smsbox-port = ${boxPort}
box-allow-ip = "127.0.0.1"
log-file = "${join(dir, 'bearerbox.log')}"
log-level = ${level}
${opts.accessLog === false ? '# no access-log' : `access-log = "${join(dir, 'access.log')}"`}
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = sim
host = 127.0.0.1
port = ${opts.smscPort}
transceiver-mode = true
smsc-username = "${opts.systemId ?? 'kannel'}"
smsc-password = "${opts.password ?? 'kannel'}"
system-type = ""
source-addr-ton = 5
source-addr-npi = 0
dest-addr-ton = 1
dest-addr-npi = 1
max-pending-submits = ${opts.window ?? 50}
enquire-link-interval = 30
reconnect-delay = 1
log-file = "${join(dir, 'smsc.log')}"
log-level = ${level}

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = ${sendsmsPort}
sendsms-interface = 127.0.0.1
log-file = "${join(dir, 'smsbox.log')}"
log-level = ${level}
max-pending-requests = 2048

group = sendsms-user
username = mobilize
password = mobilize-secret
max-messages = 20
concatenation = true

group = sms-service
keyword = default
text = "no service here"
`);
    try {
      k.spawn(BEARERBOX);
      await k.waitFor('the SMSC connection to come online', async () => {
        // A refused bind is retried by Kannel for ever; its log line is the answer, so stop there.
        const refused = k.log('smsc.log').match(/ERROR: SMPP\[sim\]: SMSC rejected login.*/)?.[0];
        if (refused) throw new KannelBindRefused(refused);
        return /\(online /.test(await k.status());
      }, opts.startTimeoutMs ?? 15_000);
      k.spawn(SMSBOX);
      await k.waitFor('smsbox to take HTTP requests', async () => (await fetch(`http://127.0.0.1:${sendsmsPort}/`).catch(() => null)) !== null, opts.startTimeoutMs ?? 15_000);
      return k;
    } catch (e) {
      const logs = k.logTail();
      await k.stop();
      throw new Error(`${(e as Error).message}\n${logs}`);
    }
  }

  private spawn(bin: string): void {
    // -v sets the console log level; the config's log files hold the trail.
    const p = spawn(bin, ['-v', '4', join(this.dir, 'kannel.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    this.procs.push(p);
    this.exited.set(p, new Promise((resolve) => p.once('exit', () => resolve())));
    p.once('exit', (code, signal) => {
      if (code !== 0 && signal === null) writeFileSync(join(this.dir, `${bin.split('/').pop()}.stderr`), stderr);
    });
  }

  private async waitFor(what: string, ok: () => Promise<boolean>, ms: number): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      const dead = this.procs.find((p) => p.exitCode !== null || p.signalCode !== null);
      if (dead) throw new Error(`Kannel ${dead.spawnfile} exited (${dead.exitCode ?? dead.signalCode}) while waiting for ${what}`);
      if (await ok().catch((e: unknown) => {
        if (e instanceof KannelBindRefused) throw e;
        return false;
      })) return;
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Process ids of bearerbox and smsbox (for CPU accounting). */
  get pids(): number[] {
    return this.procs.flatMap((p) => (p.pid === undefined ? [] : [p.pid]));
  }

  /** bearerbox's plain-text status page (its SMSC connections and message counters). */
  async status(): Promise<string> {
    const r = await fetch(`http://127.0.0.1:${this.adminPort}/status.txt?password=${this.adminPassword}`);
    return r.text();
  }

  sendsmsUrl(p: SendSmsParams): string {
    const q = new URLSearchParams({ username: 'mobilize', password: 'mobilize-secret', from: p.from ?? 'MOBILIZE', to: p.to, text: p.text, charset: 'UTF-8' });
    if (p.coding !== undefined) q.set('coding', String(p.coding));
    if (p.dlrMask !== undefined) q.set('dlr-mask', String(p.dlrMask));
    if (p.dlrUrl !== undefined) q.set('dlr-url', p.dlrUrl);
    return `http://127.0.0.1:${this.sendsmsPort}/cgi-bin/sendsms?${q}`;
  }

  /** One sendsms request; Kannel answers 202 "0: Accepted for delivery" once it has queued the message. */
  async sendSms(p: SendSmsParams): Promise<{ status: number; body: string }> {
    const r = await fetch(this.sendsmsUrl(p));
    return { status: r.status, body: await r.text() };
  }

  log(file: string): string {
    return existsSync(join(this.dir, file)) ? readFileSync(join(this.dir, file), 'utf8') : '';
  }

  /** The last lines of every log, for a failure message. */
  logTail(lines = 30): string {
    return ['bearerbox.log', 'smsc.log', 'smsbox.log', 'bearerbox.stderr', 'smsbox.stderr']
      .filter((f) => existsSync(join(this.dir, f)))
      .map((f) => `--- ${f}\n${readFileSync(join(this.dir, f), 'utf8').split('\n').slice(-lines).join('\n')}`)
      .join('\n');
  }

  /** SIGTERM to smsbox then bearerbox (bearerbox unbinds from the SMSC), SIGKILL to whichever outlives 5 s. */
  async stop(opts: { keepDir?: boolean } = {}): Promise<void> {
    for (const p of [...this.procs].reverse()) {
      if (p.exitCode !== null || p.signalCode !== null) continue;
      p.kill('SIGTERM');
      const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
      await this.exited.get(p);
      clearTimeout(timer);
    }
    if (!opts.keepDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface DlrReceiver {
  /** dlr-url for a message; Kannel fills %d (report type: 1 delivered, 2 undelivered, …) and %F (the SMSC's message id). */
  urlFor(tag: string): string;
  readonly reports: { tag: string; type: number; smscId: string }[];
  /** Reports received, kept or not. */
  readonly count: number;
  /** Resolves when `count` reports have arrived in all. */
  waitFor(count: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** A local HTTP endpoint that takes Kannel's delivery-report callbacks (smsbox fetches dlr-url with GET). */
export async function dlrReceiver(opts: { keep?: boolean } = {}): Promise<DlrReceiver> {
  const reports: DlrReceiver['reports'] = [];
  let count = 0;
  const waiters = new Set<() => void>();
  const server = createHttpServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    count++;
    if (opts.keep !== false) reports.push({ tag: q.get('tag') ?? '', type: Number(q.get('type')), smscId: q.get('fid') ?? '' });
    res.end('ok');
    for (const w of waiters) w();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    urlFor: (tag) => `http://127.0.0.1:${port}/dlr?tag=${encodeURIComponent(tag)}&type=%d&fid=%F`,
    reports,
    get count() {
      return count;
    },
    waitFor(n, timeoutMs) {
      if (count >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${count} of ${n} delivery reports arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (count < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
