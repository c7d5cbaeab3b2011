import { normal, poisson, randInt, type Rng } from '../../platform/random.ts';
import type { SegmentName } from './segments.ts';

/**
 * Who travels with a customer, by segment: backpackers alone or in pairs, families with children (sometimes a
 * grandparent), couples, groups of friends, senior couples or organised senior groups, and company groups.
 * Each trip's party is the usual group give or take a person (companies vary more).
 */
export interface TravelGroup {
  ages: number[];
  specialNeeds: string[];
}

function ages(rng: Rng, n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => randInt(rng, lo, hi));
}

export function drawGroup(segment: SegmentName, rng: Rng, specialNeeds: ReadonlyArray<readonly [string, number]>): TravelGroup {
  let group: number[];
  switch (segment) {
    case 'budget_backpackers': {
      const r = rng();
      group = ages(rng, r < 0.55 ? 1 : r < 0.9 ? 2 : randInt(rng, 3, 4), 19, 33);
      break;
    }
    case 'culture_families': {
      const children = randInt(rng, 1, 3);
      group = [...ages(rng, 2, 33, 50), ...ages(rng, children, 2, 16)];
      if (rng() < 0.15) group.push(randInt(rng, 62, 76));
      break;
    }
    case 'luxury_couples':
      group = ages(rng, rng() < 0.85 ? 2 : 4, 30, 68);
      break;
    case 'adventure_groups':
      group = ages(rng, Math.min(10, 4 + poisson(rng, 2)), 22, 45);
      break;
    case 'senior_culture':
      group = ages(rng, rng() < 0.4 ? 2 : Math.min(16, 6 + poisson(rng, 4)), 62, 82);
      break;
    case 'corporate_incentive':
      group = ages(rng, Math.max(8, Math.min(24, Math.round(Math.exp(normal(rng, Math.log(12), 0.3))))), 25, 60);
      break;
  }
  const needs = specialNeeds.filter(([, p]) => rng() < p).map(([name]) => name);
  return { ages: group.sort((a, b) => b - a), specialNeeds: needs };
}

/** Size of the party on one trip, around the usual group. */
export function tripParty(segment: SegmentName, usual: number, rng: Rng): number {
  if (segment === 'corporate_incentive') return Math.max(6, Math.min(24, Math.round(usual * Math.exp(normal(rng, 0, 0.25)))));
  const r = rng();
  if (segment === 'culture_families') return r < 0.9 ? usual : usual + 1;
  if (r < 0.8) return usual;
  return Math.max(1, usual + (r < 0.9 ? -1 : 1));
}

export function ageBands(ages: readonly number[]): { adults: number; children: number; seniors: number } {
  let children = 0;
  let seniors = 0;
  for (const a of ages) {
    if (a < 18) children++;
    else if (a >= 65) seniors++;
  }
  return { adults: ages.length - children - seniors, children, seniors };
}
