import { randomInt } from 'node:crypto';
import type { Rng } from '../../kernel/rng.ts';

/**
 * Verification codes must not be guessable: a seeded generator (whose seed may be published, as a plan's lottery
 * seed is) would let anyone compute valid codes. Production draws them from the OS; tests pass a seeded Rng.
 */
export const cryptoRng: Rng = {
  next: () => randomInt(0, 2 ** 48) / 2 ** 48,
  int: (min, max) => randomInt(min, max + 1),
  chance: (p) => randomInt(0, 2 ** 48) / 2 ** 48 < p,
  pick: (items) => {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[randomInt(0, items.length)] as (typeof items)[number];
  },
  weighted: () => {
    throw new Error('cryptoRng.weighted is not used for verification codes');
  },
};
