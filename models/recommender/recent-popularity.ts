import { timeDecay } from './confidence.ts';
import { toMillis, type Interaction } from './interactions.ts';

/**
 * Recency-aware popularity, the baseline to beat on purchase data: what everyone interacted with lately. Each
 * interaction counts `0.5^(age / halfLifeDays)`, its age taken from the newest interaction in the data (the day the
 * model learns from), so a burst of bookings last month outranks a catalogue classic booked mostly years ago.
 * The weights come back as interactions, so popularity by segment and home market decay the same way.
 */
const DAY_MS = 86_400_000;

export function recencyWeighted(interactions: readonly Interaction[], halfLifeDays: number): Interaction[] {
  let newest = -Infinity;
  const at = interactions.map((it, r) => {
    const ms = toMillis(it.ts, 'ts', r);
    if (ms > newest) newest = ms;
    return ms;
  });
  return interactions.map((it, r) => ({ ...it, weight: it.weight * timeDecay((newest - at[r]) / DAY_MS, halfLifeDays) }));
}
