/**
 * The SMSC simulator in a process of its own, as an SMSC would be, so it does not share the sender's event loop.
 * `startSmsc` forks this file; run as that child it starts the simulator and answers stats requests.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { SmscSimulator } from '../../src/modules/sms/index.ts';

const CHILD_FLAG = 'MOBILIZE_BENCH_SMSC_CHILD';

export interface SimStats { submissions: number; messages: number; binds: number; cpuSeconds: number }
export interface SimProcess { port: number; stats(): Promise<SimStats>; stop(): Promise<void> }

export async function startSmsc(): Promise<SimProcess> {
  const child: ChildProcess = fork(import.meta.filename, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, [CHILD_FLAG]: '1' } });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the SMSC simulator process exited (${code}) before listening`)));
  });
  return {
    port,
    stats: () => new Promise((resolve) => {
      child.once('message', (m) => resolve(m as SimStats));
      child.send({ stats: true });
    }),
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.disconnect();
    }),
  };
}

if (process.env[CHILD_FLAG]) {
  const sim = await SmscSimulator.start({ seed: 7 });
  process.send?.({ port: sim.port });
  process.on('message', (m: { stats?: boolean }) => {
    if (!m.stats) return;
    const cpu = process.cpuUsage();
    process.send?.({ submissions: sim.submissions.length, messages: sim.messages.length, binds: sim.binds, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  });
  process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
}
