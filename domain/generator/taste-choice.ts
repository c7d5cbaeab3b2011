import type { Rng } from '../../platform/random.ts';
import type { Itinerary } from './catalogue.ts';
import { dot } from './latent-space.ts';

/**
 * Which itineraries a customer asks about: a multinomial logit over the catalogue,
 *   utility = beta · (preferences · factors) + ln(appeal) − durationPenalty · |ln(days / preferredDays)|,
 * so taste decides among what is popular, and tours far longer or shorter than the customer likes fall back.
 */
export const CHOICE = { beta: 1.2, durationPenalty: 0.8 };

export interface ChoiceTable {
  /** Cumulative choice probabilities over the catalogue. */
  cdf: Float64Array;
  /** Mean and standard deviation of the customer's fit over the catalogue, to express a fit as a z-score. */
  fitMean: number;
  fitSd: number;
}

export function choiceTable(preferences: Float32Array, offset: number, itineraries: readonly Itinerary[], preferredDays: number): ChoiceTable {
  const n = itineraries.length;
  const cdf = new Float64Array(n);
  let sum = 0;
  let sumSq = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const it = itineraries[i];
    const fit = dot(preferences, offset, it.factors);
    sum += fit;
    sumSq += fit * fit;
    cdf[i] = CHOICE.beta * fit + Math.log(it.appeal) - CHOICE.durationPenalty * Math.abs(Math.log(it.durationDays / preferredDays));
    if (cdf[i] > max) max = cdf[i];
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += Math.exp(cdf[i] - max);
    cdf[i] = total;
  }
  for (let i = 0; i < n; i++) cdf[i] /= total;
  const fitMean = sum / n;
  return { cdf, fitMean, fitSd: Math.sqrt(Math.max(1e-9, sumSq / n - fitMean * fitMean)) };
}

function draw(cdf: Float64Array, rng: Rng): number {
  const r = rng();
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One itinerary the party fits in (capacity) and not already among `exclude`; −1 when repeated draws find none
 * (a very large group and a catalogue of small tours).
 */
export function chooseItinerary(table: ChoiceTable, itineraries: readonly Itinerary[], party: number, rng: Rng, exclude: readonly number[] = []): number {
  for (let attempt = 0; attempt < 30; attempt++) {
    const i = draw(table.cdf, rng);
    if (itineraries[i].capacity >= party && !exclude.includes(i)) return i;
  }
  return -1;
}
