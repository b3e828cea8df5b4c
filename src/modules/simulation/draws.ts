import { hashString, type Rng } from '../../kernel/rng.ts';
import type { Delay } from './scenario.ts';

/** Randomness and time windows of the engine: nothing here loads another module, so worker threads start fast. */

/** A delay in minutes from a uniform draw u in [0, 1). */
export type Sampler = (u: number) => number;

export function sampler(d: Delay): Sampler {
  if (typeof d === 'number') {
    const m = d * 60;
    return () => m;
  }
  if ('mean_h' in d) {
    const mean = d.mean_h * 60;
    return (u) => -mean * Math.log(1 - u);
  }
  const lo = d.min_h * 60;
  const span = d.max_h * 60 - lo;
  return (u) => lo + span * u;
}

/**
 * Counter-based draws: a uniform number in [0, 1) fixed by the run's key, the person and what it is drawn for
 * (two rounds of the murmur3 finaliser). Each person's luck is then the same whatever happens to anyone else, so
 * an injected event changes only what it touches, and two scenarios run with one seed are compared on the same
 * luck (common random numbers) rather than on reshuffled noise.
 */
export function draw(key: number, i: number, purpose: number): number {
  let h = (key ^ Math.imul(i, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = ((h ^ (h >>> 16)) + Math.imul(purpose + 1, 0x27d4eb2f)) | 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return ((h ^ (h >>> 15)) >>> 0) / 4294967296;
}

/** What each draw is for (the `purpose` of draw()). */
export const D = {
  smsDelivered: 0, smsDelay: 1, smsRead: 2, smsReadDelay: 3, egovPosted: 4, egovRead: 5, egovReadDelay: 6,
  paperTransit: 7, paperHanded: 8, paperRefused: 9, validReason: 10, noShow: 11, prepare: 12, tripJitter: 13, unfit: 14,
} as const;

/** The run's key for draw(), taken from its seeded generator. */
export function runKey(rng: Rng): number {
  return Math.floor(rng.next() * 4294967296) >>> 0;
}

/** A time window [from, until) in minutes, limited to some regions (mask) or everywhere (null). */
export interface Window {
  from: number;
  until: number;
  mask: Uint8Array | null;
  factor: number;
}

/** Product of the factors of the windows open at minute m for region r. */
export function factorAt(ws: readonly Window[], r: number, m: number): number {
  let f = 1;
  for (let k = 0; k < ws.length; k++) {
    const w = ws[k] as Window;
    if (m >= w.from && m < w.until && (w.mask === null || w.mask[r] === 1)) f *= w.factor;
  }
  return f;
}

/** The seed of Monte Carlo run k: fixed by the scenario's seed and k alone, so results do not depend on how runs are spread over threads. */
export function runSeed(seed: string | number, k: number): number {
  return hashString(`${seed}#${k}`);
}
