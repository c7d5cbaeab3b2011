import { InputError } from '../../platform/errors.ts';

/**
 * Demand signals for pricing, as pure functions: how full a departure is expected to be, and whether bookings
 * run ahead of or behind the same window last year by the same date. Load factors are unconstrained demand over capacity,
 * so a value above 1 says demand exceeds the seats (a reason to price up), not that the departure overbooks.
 */
export interface LoadFactor {
  /** Expected travellers at departure / capacity. */
  expected: number;
  lo80: number;
  hi80: number;
  /** Expected travellers at departure: already booked plus the forecast still to come. */
  expectedTravellers: number;
}

export function expectedLoadFactor(departure: {
  capacity: number;
  bookedTravellers: number;
  /** Forecast of travellers still to book before departure (e.g. the sum of a demand forecast's steps). */
  remaining: { mean: number; lo80: number; hi80: number };
}): LoadFactor {
  const { capacity, bookedTravellers, remaining } = departure;
  if (!(capacity > 0)) throw new InputError(`capacity must be positive, got ${capacity}`, 'capacity');
  if (!(bookedTravellers >= 0)) throw new InputError(`bookedTravellers must be zero or more, got ${bookedTravellers}`, 'bookedTravellers');
  if (![remaining.mean, remaining.lo80, remaining.hi80].every(Number.isFinite)) throw new InputError('remaining forecast has a non-finite bound', 'remaining');
  const travellers = (extra: number) => bookedTravellers + Math.max(0, extra);
  return {
    expected: travellers(remaining.mean) / capacity,
    lo80: travellers(remaining.lo80) / capacity,
    hi80: travellers(remaining.hi80) / capacity,
    expectedTravellers: travellers(remaining.mean),
  };
}

/** Sum of a forecast's steps as a total with approximate bounds (bounds of the steps added: a conservative range). */
export function totalOfSteps(forecast: { mean: ArrayLike<number>; lo80: ArrayLike<number>; hi80: ArrayLike<number> }, steps: number): { mean: number; lo80: number; hi80: number } {
  let mean = 0;
  let lo80 = 0;
  let hi80 = 0;
  for (let h = 0; h < Math.min(steps, forecast.mean.length); h++) {
    mean += forecast.mean[h];
    lo80 += forecast.lo80[h];
    hi80 += forecast.hi80[h];
  }
  return { mean, lo80, hi80 };
}

export interface BookingPace {
  /**
   * (Bookings so far + 1) / (bookings by the same date last year + 1): 1 = same pace. The one added to both
   * sides keeps the pace finite when last year had sold nothing by now, and keeps a window of a few travellers from
   * swinging it; with the counts of a selling window it is the plain ratio to within a few percent.
   */
  pace: number;
  leadTimeDays: number;
  bookedNow: number;
  bookedLastYear: number;
  /** Last year's final bookings scaled by the pace: a naive projection of the final count. */
  projectedFinal: number;
}

/**
 * Pace of a window's bookings against the same window a year (or more) earlier, counted on the same calendar day:
 * `bookedThen` is what that window had by the date as many years before today, `finalThen` what it had in the end.
 * The same day rather than the same number of days before the window starts: a window already under way has no
 * lead time left, and counting its earlier year "at lead 0" compared the bookings so far with a final total.
 */
export function bookingPace(input: { leadTimeDays: number; bookedNow: number; bookedThen: number; finalThen: number }): BookingPace {
  const { leadTimeDays, bookedNow, bookedThen, finalThen } = input;
  if (!Number.isInteger(leadTimeDays) || leadTimeDays < 0) throw new InputError(`leadTimeDays must be a whole number of days ≥ 0, got ${leadTimeDays}`, 'leadTimeDays');
  if (!(bookedNow >= 0)) throw new InputError(`bookedNow must be zero or more, got ${bookedNow}`, 'bookedNow');
  if (!(bookedThen >= 0) || !(finalThen >= bookedThen)) {
    throw new InputError(`bookedThen must be zero or more and at most finalThen, got ${bookedThen} of ${finalThen}`, 'bookedThen');
  }
  const pace = (bookedNow + 1) / (bookedThen + 1);
  return { pace, leadTimeDays, bookedNow, bookedLastYear: bookedThen, projectedFinal: Math.max(bookedNow, finalThen * pace) };
}
