import { DAY_MS } from './time.ts';

/**
 * The span a world covers: requests and sales up to the end date (exclusive), departures from the first day of
 * data until about nine months after it, so that future departures are partly sold and can be forecast.
 */
export interface WorldFrame {
  seed: number;
  years: number;
  /** First day of sales data. */
  startDay: number;
  /** The end date: everything observed happened before its midnight (UTC). */
  endDay: number;
  endMs: number;
  /** Last departure date scheduled. */
  horizonDay: number;
}

export const FORWARD_DAYS = 270;

export function worldFrame(seed: number, years: number, endDay: number): WorldFrame {
  return {
    seed,
    years,
    startDay: endDay - Math.round(365.25 * years),
    endDay,
    endMs: endDay * DAY_MS,
    horizonDay: endDay + FORWARD_DAYS,
  };
}
