import type { Rng } from '../../kernel/rng.ts';
import { CH_EGOV, CH_PAPER, CH_PORTAL, CH_SMS, EV_EGOV_POSTED, EV_EGOV_READ, EV_EGOV_UNREAD, EV_PAPER_RECEIVED, EV_PAPER_REFUSED, EV_PORTAL_NUMBER, EV_SMS_DELIVERED, EV_SMS_SENT } from './codes.ts';
import { D, draw, factorAt, runKey, sampler, type Window } from './draws.ts';
import { summariseRun, type RunResult } from './outcome.ts';
import type { Compiled } from './params.ts';
import type { Population } from './population.ts';
import { orderByMinute, serveGroups } from './servers.ts';
import { ST_EXCUSED, ST_NO_SHOW, ST_QUEUED, ST_REPORTED, ST_UNEQUIPPED, ST_UNFIT, ST_UNSET } from './states.ts';
import type { ServerStats } from './servers.ts';

/** Per-person flags the outcome pass reads. */
export const F_SMS_LATE = 1;
export const F_EGOV_LATE = 2;
export const F_PAPER_LATE = 4;
export const F_PAPER_WANTED = 8;
export const F_ROAD = 16;
export const F_REFUSED = 32;
export const F_HELD_LEGAL = 64;
export const F_SMS_OK = 128;
/** A courier took the paper summons out (handed over, not found, or found too late). */
export const F_PAPER_OUT = 256;

/** Everything one run leaves per person; times in minutes from the start, NaN when it never happened. */
export interface Trace {
  smsAt: Float64Array;
  egovAt: Float64Array;
  paperAt: Float64Array;
  delivered: Float64Array;
  legalAt: Float64Array;
  learn: Float64Array;
  depart: Float64Array;
  arrive: Float64Array;
  done: Float64Array;
  held: Float32Array;
  ev: Uint8Array;
  flags: Uint16Array;
  state: Uint8Array;
  point: Uint8Array;
  servers: { sms?: ServerStats; egov?: ServerStats; paper?: ServerStats; assembly?: ServerStats };
  /** Per assembly point: minute the stockpile first ran dry (NaN: never), people left unequipped. */
  stockOut: Float64Array;
}

/**
 * One run of a mobilization, a pure function of the population, the compiled scenario and the random stream:
 * summons dispatch (channel throughput, delivery by channel and region, the notice period, paper by courier with
 * an optional fallback after an undelivered SMS) → the person learns of it, has a valid reason, does not come,
 * or gets ready and travels → the assembly point processes arrivals up to its capacity, with a medical check and
 * equipment from its stockpile → reported strength. Stages run in time order, each over typed arrays; every random
 * draw comes from draw() (params.ts), keyed by the run, the person and its purpose.
 */
export function simulate(pop: Population, c: Compiled, rng: Rng, opts: { keepStates?: boolean } = {}): RunResult {
  const trace = runTrace(pop, c, rng);
  return summariseRun(pop, c, trace, opts.keepStates === true);
}

export function runTrace(pop: Population, c: Compiled, rng: Rng): Trace {
  const n = pop.n;
  const H = c.minutes;
  const R = pop.regions.length;
  const { home, channels } = pop;
  const nan = () => new Float64Array(n).fill(NaN);
  const t: Trace = {
    smsAt: nan(), egovAt: nan(), paperAt: nan(), delivered: nan(), legalAt: nan(), learn: nan(), depart: nan(), arrive: nan(), done: nan(),
    held: new Float32Array(n), ev: new Uint8Array(n), flags: new Uint16Array(n), state: new Uint8Array(n).fill(ST_UNSET), point: c.assembly.unit ? pop.serve : pop.home,
    servers: {}, stockOut: new Float64Array(R).fill(NaN),
  };
  const { smsAt, egovAt, paperAt, delivered, legalAt, learn, ev, flags } = t;
  const key = runKey(rng);
  const smsDelay = sampler(c.sms.delay);
  const smsReadDelay = sampler(c.sms.readDelay);
  const egovReadDelay = sampler(c.egov.readDelay);
  const transit = sampler(c.paper.transit);
  const notice = c.notice;
  const appearance = c.appearanceMin;
  const W = c.windows;
  // Everyone of a national channel is queued at the issue minute, in queue order.
  const atIssue = new Float64Array(n).fill(c.issueMin);
  const list = new Int32Array(n);

  // SMS: one national queue at the SMSC contract's rate; the dispatcher refuses a send that is now too late.
  let len = 0;
  for (let i = 0; i < n; i++) if ((channels[i] as number) & CH_SMS) list[len++] = i;
  t.servers.sms = serveGroups(list.slice(0, len), atIssue, null, 1, H, (_g, m) => c.sms.perHour * factorAt(W.throughput.sms, 0, m), 60, (i, m) => {
    if (notice && !notice.sms[m]) {
      flags[i] = (flags[i] as number) | F_SMS_LATE;
      return false;
    }
    smsAt[i] = m + 1;
    return true;
  });
  for (let i = 0; i < n; i++) {
    const sent = smsAt[i] as number;
    if (!(sent <= H)) continue;
    const r = home[i] as number;
    ev[i] = EV_SMS_SENT | ((channels[i] as number) & CH_PORTAL ? EV_PORTAL_NUMBER : 0);
    if (draw(key, i, D.smsDelivered) >= (c.sms.delivery[r] as number) * factorAt(W.delivery.sms, r, sent)) continue;
    const at = sent + smsDelay(draw(key, i, D.smsDelay));
    if (at > H) continue;
    delivered[i] = at;
    flags[i] = (flags[i] as number) | F_SMS_OK;
    if (!(at > appearance)) {
      ev[i] = (ev[i] as number) | EV_SMS_DELIVERED;
      legalAt[i] = at;
    }
    if (draw(key, i, D.smsRead) < c.sms.read) {
      const read = at + smsReadDelay(draw(key, i, D.smsReadDelay));
      if (read <= H) learn[i] = read;
    }
  }

  // e-Gov: a national queue too; a message is posted, then read (or reported unread) by the person.
  len = 0;
  for (let i = 0; i < n; i++) if ((channels[i] as number) & CH_EGOV) list[len++] = i;
  t.servers.egov = serveGroups(list.slice(0, len), atIssue, null, 1, H, (_g, m) => c.egov.perHour * factorAt(W.throughput.egov, 0, m), 60, (i, m) => {
    if (notice && !notice.egov[m]) {
      flags[i] = (flags[i] as number) | F_EGOV_LATE;
      return false;
    }
    egovAt[i] = m + 1;
    return true;
  });
  for (let i = 0; i < n; i++) {
    const posted = egovAt[i] as number;
    if (!(posted <= H)) continue;
    const r = home[i] as number;
    if (draw(key, i, D.egovPosted) >= c.egov.delivery * factorAt(W.delivery.egov, r, posted)) continue;
    ev[i] = (ev[i] as number) | EV_EGOV_POSTED;
    if (draw(key, i, D.egovRead) < c.egov.read) {
      const read = posted + egovReadDelay(draw(key, i, D.egovReadDelay));
      if (read <= H) {
        ev[i] = (ev[i] as number) | EV_EGOV_READ;
        if (!(read >= (delivered[i] as number))) delivered[i] = read;
        if (!(read >= (learn[i] as number))) learn[i] = read;
      }
    } else ev[i] = (ev[i] as number) | EV_EGOV_UNREAD;
  }

  // Paper: people without a mobile, and (if the scenario says so) people whose SMS was not delivered and who have
  // not read the e-Gov message by then, queue for their region's couriers.
  const paperDue = new Float64Array(n); // the minute each person's paper summons is ready for a courier
  len = 0;
  for (let i = 0; i < n; i++) {
    const ch = channels[i] as number;
    let due = NaN;
    if (ch & CH_PAPER) due = c.issueMin + c.paper.prepareMin;
    else if (c.paper.fallbackMin === c.paper.fallbackMin && (smsAt[i] as number) <= H && !((flags[i] as number) & F_SMS_OK)) {
      due = (smsAt[i] as number) + c.paper.fallbackMin;
      if ((learn[i] as number) <= due) due = NaN;
    }
    paperDue[i] = due;
    if (due === due) {
      flags[i] = (flags[i] as number) | F_PAPER_WANTED;
      list[len++] = i;
    }
  }
  const paperCap = c.paper.perDay;
  t.servers.paper = serveGroups(orderByMinute(list, len, paperDue, H), paperDue, home, R, H, (g, m) => (paperCap[g] as number) * factorAt(W.throughput.paper, g, m), 1440, (i, m) => {
    const r = home[i] as number;
    const hand = m + 1 + transit(draw(key, i, D.paperTransit));
    flags[i] = (flags[i] as number) | F_PAPER_OUT;
    paperAt[i] = hand;
    if (hand > H) return true;
    if (notice && !notice.paper[Math.floor(hand)]) {
      flags[i] = (flags[i] as number) | F_PAPER_LATE;
      paperAt[i] = NaN;
      return true;
    }
    if (draw(key, i, D.paperHanded) >= (c.paper.delivery[r] as number) * factorAt(W.delivery.paper, r, m)) {
      paperAt[i] = NaN;
      return true;
    }
    const refused = draw(key, i, D.paperRefused) < c.paper.refuse;
    ev[i] = (ev[i] as number) | (refused ? EV_PAPER_REFUSED : EV_PAPER_RECEIVED);
    if (refused) flags[i] = (flags[i] as number) | F_REFUSED;
    if (!(hand >= (legalAt[i] as number))) legalAt[i] = hand;
    if (!(hand >= (delivered[i] as number))) delivered[i] = hand;
    if (!(hand >= (learn[i] as number))) learn[i] = hand;
    return true;
  });

  respond(pop, c, key, t);
  assemble(pop, c, key, t);
  return t;
}

/** Earliest minute ≥ at when neither region is behind a road closure. */
function roadsOpen(roads: readonly Window[], a: number, b: number, at: number): number {
  let t = at;
  for (let changed = true, guard = 0; changed && guard < 100; guard++) {
    changed = false;
    for (const w of roads) {
      if (t >= w.from && t < w.until && (w.mask === null || w.mask[a] === 1 || w.mask[b] === 1)) {
        t = w.until;
        changed = true;
      }
    }
  }
  return t;
}

/** Who comes: a valid reason, a no-show, or preparation, the wait for the appearance time, and the trip. */
function respond(pop: Population, c: Compiled, key: number, t: Trace): void {
  const { home, urban } = pop;
  const R = pop.regions.length;
  const { learn, depart, arrive, held, flags, state, point } = t;
  const tr = c.travel;
  const prepare = sampler(c.response.prepare);
  const H = c.minutes;
  const appearance = c.appearanceMin;
  for (let i = 0; i < pop.n; i++) {
    const L = learn[i] as number;
    if (!(L <= H)) continue;
    const r = home[i] as number;
    if ((flags[i] as number) & F_REFUSED) {
      state[i] = ST_NO_SHOW;
      continue;
    }
    if (draw(key, i, D.validReason) < (c.response.valid[r] as number)) {
      state[i] = ST_EXCUSED;
      continue;
    }
    if (draw(key, i, D.noShow) < (c.response.noShow[r] as number) * factorAt(c.windows.noShow, r, L)) {
      state[i] = ST_NO_SHOW;
      continue;
    }
    const p = point[i] as number;
    const ready = L + prepare(draw(key, i, D.prepare));
    const inter = c.assembly.unit ? (tr.interKm[r * R + p] as number) : 0;
    let trip = ((urban[i] ? tr.localCity : tr.localRural) / tr.roadKmh) * 60 + (inter > 0 ? tr.longWaitMin + (inter / tr.longKmh) * 60 : 0);
    if (tr.jitter > 0) trip *= 1 - tr.jitter + 2 * tr.jitter * draw(key, i, D.tripJitter);
    let leave = ready;
    if (appearance === appearance && appearance - trip > leave) {
      leave = appearance - trip;
      flags[i] = (flags[i] as number) | F_HELD_LEGAL;
    }
    const open = roadsOpen(c.windows.roads, r, p, leave);
    if (open > leave) {
      leave = open;
      flags[i] = (flags[i] as number) | F_ROAD;
    }
    held[i] = leave - ready;
    depart[i] = leave;
    arrive[i] = leave + trip;
  }
}

/** Assembly points: first come, first processed, up to each point's daily capacity; equipment from its stockpile. */
function assemble(pop: Population, c: Compiled, key: number, t: Trace): void {
  const { arrive, done, state, point } = t;
  const R = pop.regions.length;
  const H = c.minutes;
  const a = c.assembly;
  const list = new Int32Array(pop.n);
  let len = 0;
  for (let i = 0; i < pop.n; i++) if ((arrive[i] as number) <= H) list[len++] = i;
  const stock = Float64Array.from(a.stock);
  const losses = c.windows.stockLoss;
  const onMinute = (m: number) => {
    for (let g = 0; g < R; g++) stock[g] = (stock[g] as number) + (a.resupplyPerMin[g] as number);
    for (const l of losses) if (l.at === m) for (let g = 0; g < R; g++) if (l.mask[g] === 1) stock[g] = Math.floor((stock[g] as number) * (1 - l.share));
  };
  t.servers.assembly = serveGroups(orderByMinute(list, len, arrive, H), arrive, point, R, H, (g, m) => (a.perDay[g] as number) * factorAt(c.windows.capacity, g, m), 1440, (i, m) => {
    const end = m + 1 + a.processMin;
    done[i] = end;
    const g = point[i] as number;
    let outcome = ST_REPORTED;
    if (draw(key, i, D.unfit) < a.unfit) outcome = ST_UNFIT;
    else if ((stock[g] as number) >= 1) stock[g] = (stock[g] as number) - 1;
    else {
      outcome = ST_UNEQUIPPED;
      if (!((t.stockOut[g] as number) <= m)) t.stockOut[g] = m;
    }
    state[i] = end <= H ? outcome : ST_QUEUED;
    return true;
  }, onMinute);
}
