import { InputError } from '../../platform/errors.ts';
import { costQuotation, type CostComponent, type CostingRules } from './costing.ts';

/**
 * The flexible price table: the same itinerary priced per traveller for bands of group size (2–3, 4–6, 7–10,
 * 11+ by default), so a sales agent can answer "and if we are five?" without a new quotation. A band's price
 * must hold for every size in it, so each band is costed at the size where a traveller costs most (usually its
 * smallest: rooms, vehicles and guides are shared by fewer people) and priced there.
 */
export interface GroupSizeBand {
  minPax: number;
  /** null: open-ended (11+). */
  maxPax: number | null;
}

export const DEFAULT_BANDS: readonly GroupSizeBand[] = [
  { minPax: 2, maxPax: 3 },
  { minPax: 4, maxPax: 6 },
  { minPax: 7, maxPax: 10 },
  { minPax: 11, maxPax: null },
];

/** How far an open band is examined for its costliest size. */
export const OPEN_BAND_EXAMINED_UP_TO = 16;

export interface BandCost extends GroupSizeBand {
  /** The size the band is priced at: where a traveller costs most. */
  pricedAtPax: number;
  costPerPax: number;
  costTotal: number;
}

export function checkBands(bands: readonly GroupSizeBand[]): void {
  if (bands.length === 0) throw new InputError('a price table needs at least one group-size band', 'bands');
  bands.forEach((b, i) => {
    const at = `bands[${i}]`;
    if (!Number.isInteger(b.minPax) || b.minPax < 1 || b.minPax > 200) throw new InputError(`${at}.minPax must be a whole number from 1 to 200, got ${String(b.minPax)}`, `${at}.minPax`);
    if (b.maxPax !== null && (!Number.isInteger(b.maxPax) || b.maxPax < b.minPax || b.maxPax > 200)) {
      throw new InputError(`${at}.maxPax must be null or a whole number from minPax to 200, got ${String(b.maxPax)}`, `${at}.maxPax`);
    }
    const previous = bands[i - 1];
    if (previous && (previous.maxPax === null || previous.maxPax >= b.minPax)) {
      throw new InputError(`${at} overlaps the band before it; bands must be in increasing, disjoint order`, at);
    }
  });
}

export function bandCosts(
  components: readonly CostComponent[],
  language: string,
  rules: CostingRules,
  bands: readonly GroupSizeBand[] = DEFAULT_BANDS,
): BandCost[] {
  checkBands(bands);
  return bands.map((band) => {
    const last = band.maxPax ?? Math.max(band.minPax, OPEN_BAND_EXAMINED_UP_TO);
    let worst: BandCost | undefined;
    for (let partySize = band.minPax; partySize <= last; partySize++) {
      const costing = costQuotation(components, { partySize, language }, rules);
      const costPerPax = costing.costTotal / partySize;
      if (!worst || costPerPax > worst.costPerPax + 1e-9) {
        worst = { ...band, pricedAtPax: partySize, costPerPax: Math.round(costPerPax * 100) / 100, costTotal: costing.costTotal };
      }
    }
    return worst as BandCost;
  });
}
