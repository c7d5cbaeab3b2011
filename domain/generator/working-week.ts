import type { Rng } from '../../platform/random.ts';
import type { Channel } from './segments.ts';
import { DAY_MS, HOUR_MS, LIMA_OFFSET_MS, weekday } from './time.ts';

/**
 * When sales events happen within a week: agents, phone and email work office hours in Lima, Monday to Friday,
 * so most of what falls on a weekend waits until Monday; web customers also book in the evening and at weekends.
 * This is the weekly pattern of quotation and booking days.
 */
export const WORKING_WEEK = {
  /** Chance that an event due on a weekend still happens that day. */
  weekendKept: { web: 0.55, other: 0.12 },
  /** Lima office hours [from, to). */
  officeHours: [9, 18] as const,
  /** Share of web events in the evening (19–23 h Lima). */
  webEvening: 0.4,
};

export function salesMoment(day: number, channel: Channel, rng: Rng): number {
  const web = channel === 'web';
  const wd = weekday(day);
  if (wd >= 5 && rng() >= (web ? WORKING_WEEK.weekendKept.web : WORKING_WEEK.weekendKept.other)) day += 7 - wd;
  const [from, to] = WORKING_WEEK.officeHours;
  const hour = web && rng() < WORKING_WEEK.webEvening ? 19 + 4 * rng() : from + (to - from) * rng();
  return day * DAY_MS + hour * HOUR_MS - LIMA_OFFSET_MS;
}
