/**
 * The evacuation capacity check, pure so it can be worked by hand:
 *   people to move = population of the evacuated districts;
 *   shelter places = capacity of the receiving shelters;
 *   seat-trips     = Σ over the evacuated districts' fleets of vehicles × seats × whole trips in the window,
 *                    whole trips = ⌊trips per day × window hours / 24⌋ (a trip not finished in the window moves nobody).
 * Each constraint's shortfall is what it leaves unmoved or unsheltered; the plan is feasible when both are zero.
 */
export interface Fleet {
  vehicles: number;
  seats: number;
  tripsPerDay: number;
}

export interface CapacityCheck {
  peopleToMove: number;
  shelterPlaces: number;
  seatTrips: number;
  windowHours: number;
  shortfall: { shelter: number; transport: number };
  feasible: boolean;
  /** The share of the people the tighter constraint lets through, in whole percent (100 when nobody is to move). */
  coveragePct: number;
  /** The tighter constraint, or null when feasible. */
  bottleneck: 'shelter' | 'transport' | null;
}

export function wholeTrips(tripsPerDay: number, windowHours: number): number {
  // Rounded to 1e-9 first so 1.5 trips/day over 16 h (exactly 1) is not floored to 0 by binary fractions.
  return Math.floor(Math.round((tripsPerDay * windowHours / 24) * 1e9) / 1e9);
}

export function seatTrips(fleets: readonly Fleet[], windowHours: number): number {
  return fleets.reduce((n, f) => n + f.vehicles * f.seats * wholeTrips(f.tripsPerDay, windowHours), 0);
}

export function capacityCheck(input: { peopleToMove: number; shelterPlaces: number; fleets: readonly Fleet[]; windowHours: number }): CapacityCheck {
  const trips = seatTrips(input.fleets, input.windowHours);
  const shelter = Math.max(0, input.peopleToMove - input.shelterPlaces);
  const transport = Math.max(0, input.peopleToMove - trips);
  const through = Math.min(input.peopleToMove, input.shelterPlaces, trips);
  return {
    peopleToMove: input.peopleToMove,
    shelterPlaces: input.shelterPlaces,
    seatTrips: trips,
    windowHours: input.windowHours,
    shortfall: { shelter, transport },
    feasible: shelter === 0 && transport === 0,
    coveragePct: input.peopleToMove === 0 ? 100 : Math.floor((100 * through) / input.peopleToMove),
    bottleneck: shelter === 0 && transport === 0 ? null : shelter >= transport ? 'shelter' : 'transport',
  };
}
