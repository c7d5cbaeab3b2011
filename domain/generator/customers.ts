import { normal, pickWeighted, poisson, type Rng } from '../../platform/random.ts';
import type { Catalogue } from './catalogue.ts';
import { SERVICE_LEVELS, THEMES, REGIONS } from './catalogue-data.ts';
import { json, intArray, text, textArray } from './copy-text.ts';
import { ageBands, drawGroup, tripParty } from './group-profiles.ts';
import { DIMS, segmentCentre } from './latent-space.ts';
import { GUIDE_LANGUAGE_PREMIUM, MARKETS } from './markets.ts';
import { organisationName, personName } from './names.ts';
import type { SeasonGrid } from './seasons.ts';
import { AGENCY, CHANNELS, SEGMENTS, type Channel, type CustomerType } from './segments.ts';
import { stream } from './streams.ts';
import type { RowBatch } from './tables.ts';
import { chooseItinerary, choiceTable } from './taste-choice.ts';
import { DAY_MS, dayOf, timestampText, toSecond } from './time.ts';
import type { TripRequests } from './trip-requests.ts';
import type { WorldFrame } from './world-frame.ts';
import { salesMoment } from './working-week.ts';

/**
 * Customers, one at a time: segment, market, taste (the segment's centre plus a personal deviation), travel
 * group and stated preferences go to the customers and customer_group_profiles rows; how often they travel and
 * what they ask for become trip requests, replayed later in time order by sales.ts. Only the few numbers the
 * replay needs stay in memory (typed arrays), never the rows.
 */
export const CUSTOMER_PARAMS = {
  /** Trip requests per active year of an average customer. */
  requestsPerYear: 4.6,
  /** Spread of personal travel frequency (log-normal sigma), so some customers come back often. */
  frequencySigma: 0.6,
  /** Personal taste deviation from the segment centre (per axis). */
  tasteSd: 0.55,
  /** Share of customers who joined before the data starts; the rest join evenly over the years (growth). */
  existingShare: (years: number) => 1 - Math.min(0.5, 0.08 * years),
  /** Log-normal sigma of the lead time; its median comes from the segment, service level and party size. */
  leadSigma: 0.7,
  leadLevelFactor: { standard: 0.85, superior: 1, luxury: 1.25 } as Record<string, number>,
  leadPartyExponent: 0.12,
  minLeadDays: 2,
  maxLeadDays: 330,
};

const CUSTOMER_TYPES: readonly CustomerType[] = ['individual', 'family', 'group', 'agency', 'corporate'];

export class CustomerStore {
  readonly segment: Uint8Array;
  readonly market: Uint8Array;
  readonly agency: Uint8Array;
  readonly preferences: Float32Array;
  readonly fitMean: Float32Array;
  readonly fitSd: Float32Array;

  constructor(readonly count: number) {
    this.segment = new Uint8Array(count);
    this.market = new Uint8Array(count);
    this.agency = new Uint8Array(count);
    this.preferences = new Float32Array(count * DIMS);
    this.fitMean = new Float32Array(count);
    this.fitSd = new Float32Array(count);
  }

  guidePremium(c: number): number {
    return GUIDE_LANGUAGE_PREMIUM[MARKETS[this.market[c]].language] ?? 1;
  }
}

export interface CustomerTruth {
  id: number;
  segment: string;
  customerType: CustomerType;
  country: string;
  /** Taste over latent-space DIMENSIONS. */
  preferences: number[];
  /** Expected trip requests per active year. */
  requestRate: number;
}

const SEGMENT_CENTRES = SEGMENTS.map(segmentCentre);
const SEGMENT_SHARES = SEGMENTS.map((s) => s.share);
const MARKET_WEIGHTS = SEGMENTS.map((s) => MARKETS.map((m) => m.share * (s.markets[m.country] ?? 1)));

function weightsOf<K extends string>(keys: readonly K[], table: Partial<Record<K, number>>): number[] {
  return keys.map((k) => table[k] ?? 0);
}

function leadDays(rng: Rng, segment: number, level: string, party: number): number {
  const median = SEGMENTS[segment].leadMedianDays * CUSTOMER_PARAMS.leadLevelFactor[level] * Math.pow(party / 2, CUSTOMER_PARAMS.leadPartyExponent);
  const days = Math.round(Math.exp(normal(rng, Math.log(median), CUSTOMER_PARAMS.leadSigma)));
  return Math.max(CUSTOMER_PARAMS.minLeadDays, Math.min(CUSTOMER_PARAMS.maxLeadDays, days));
}

/**
 * A travel date for a trip to the destination, drawn from the destination's season index times the market's
 * travel propensity raised to the segment's holiday binding (rejection sampling on the day grid).
 */
function travelDay(rng: Rng, grid: SeasonGrid, destination: number, market: number, binding: number, from: number, to: number, bound: number): number {
  for (let attempt = 0; attempt < 200; attempt++) {
    const day = from + Math.floor(rng() * (to - from + 1));
    const density = grid.season(destination, day) * Math.pow(grid.propensity(market, day), binding);
    if (rng() * bound < density) return day;
  }
  return from + Math.floor(rng() * (to - from + 1));
}

export interface CustomerContext {
  frame: WorldFrame;
  catalogue: Catalogue;
  grid: SeasonGrid;
  /** Upper bound of season × propensity^binding per segment, for the rejection sampler. */
  densityBound: number[];
  store: CustomerStore;
  requests: TripRequests;
}

/** Draws customer i (id i + 1): writes its two rows, records its latent state and pushes its trip requests. */
export function drawCustomer(i: number, ctx: CustomerContext, batch: RowBatch): CustomerTruth {
  const { frame, catalogue, grid, store, requests } = ctx;
  const rng = stream(frame.seed, 'customer', i);
  const id = i + 1;
  const segment = pickWeighted(rng, SEGMENT_SHARES);
  const spec = SEGMENTS[segment];
  const market = pickWeighted(rng, MARKET_WEIGHTS[segment]);
  const m = MARKETS[market];
  const type = CUSTOMER_TYPES[pickWeighted(rng, weightsOf(CUSTOMER_TYPES, spec.customerTypes))];
  store.segment[i] = segment;
  store.market[i] = market;
  store.agency[i] = type === 'agency' ? 1 : 0;

  const offset = i * DIMS;
  const centre = SEGMENT_CENTRES[segment];
  for (let d = 0; d < DIMS; d++) store.preferences[offset + d] = centre[d] + normal(rng, 0, CUSTOMER_PARAMS.tasteSd);

  const existing = rng() < CUSTOMER_PARAMS.existingShare(frame.years);
  const createdMs = toSecond(
    existing ? (frame.startDay - 3 * 365 * rng()) * DAY_MS : frame.startDay * DAY_MS + rng() * (frame.endMs - frame.startDay * DAY_MS),
  );

  const who = type === 'corporate' || type === 'agency' ? organisationName(rng, type) : personName(rng, m.language);
  const email = `${who.email}.${id}@example.${type === 'corporate' || type === 'agency' ? 'org' : 'com'}`;
  const created = timestampText(createdMs);
  batch.add('customers', `${id}\tC${String(id).padStart(7, '0')}\t${text(who.name)}\t${email}\t${m.country}\t${m.language}\t${type}\t${created}\t${created}\n`);

  const group = drawGroup(spec.name, rng, spec.specialNeeds);
  const bands = ageBands(group.ages);
  const prefs = Array.from(store.preferences.subarray(offset, offset + DIMS));
  const themeOrder = THEMES.map((t, k) => [t, prefs[k]] as const).sort((a, b) => b[1] - a[1]);
  const levelPref = SERVICE_LEVELS.map((l, k) => [l, prefs[THEMES.length + REGIONS.length + k]] as const).sort((a, b) => b[1] - a[1])[0][0];
  const regionPref = REGIONS.map((r, k) => [r, prefs[THEMES.length + k]] as const).sort((a, b) => b[1] - a[1])[0][0];
  const stated = {
    themes: themeOrder.slice(0, 2).map(([t]) => t),
    service_level: levelPref,
    region: regionPref,
    budget_per_pax_day: Math.round((spec.budgetPerPaxDay * Math.exp(normal(rng, 0, 0.25))) / 10) * 10,
    pace: spec.pace,
  };
  batch.add(
    'customer_group_profiles',
    `${id}\t${group.ages.length}\t${bands.adults}\t${bands.children}\t${bands.seniors}\t${intArray(group.ages)}\t${textArray(group.specialNeeds)}\t${json(stated)}\t${created}\t${created}\n`,
  );

  const table = choiceTable(store.preferences, offset, catalogue.itineraries, spec.preferredDays);
  store.fitMean[i] = table.fitMean;
  store.fitSd[i] = table.fitSd;

  // Requests come from their own stream, so the profile can gain a field without moving anyone's trips.
  const trips = stream(frame.seed, 'trip requests', i);
  const sigma = CUSTOMER_PARAMS.frequencySigma;
  const rate = CUSTOMER_PARAMS.requestsPerYear * spec.tripRate * (type === 'agency' ? AGENCY.tripRateMultiplier : 1) * Math.exp(normal(trips, -sigma * sigma / 2, sigma));
  const channelWeights = weightsOf(CHANNELS, type === 'agency' ? AGENCY.channels : spec.channels);
  const firstTravel = Math.max(frame.startDay, dayOf(createdMs));
  const span = frame.horizonDay - firstTravel + 1;
  const n = span > 0 ? poisson(trips, (rate * span) / 365.25) : 0;
  const usual = group.ages.length;
  for (let k = 0; k < n; k++) {
    const party = tripParty(spec.name, usual, trips);
    const quotes = 1 + pickWeighted(trips, spec.quotesPerRequest);
    const first = chooseItinerary(table, catalogue.itineraries, party, trips);
    if (first < 0) continue;
    const options = [first];
    for (let q = 1; q < quotes; q++) {
      const other = chooseItinerary(table, catalogue.itineraries, party, trips, options);
      if (other >= 0) options.push(other);
    }
    const it = catalogue.itineraries[first];
    const travel = travelDay(trips, grid, it.destination, market, spec.holidayBinding, firstTravel, frame.horizonDay, ctx.densityBound[segment]);
    const lead = leadDays(trips, segment, it.level, party);
    const channel = CHANNELS[pickWeighted(trips, channelWeights)] as Channel;
    const requestMs = toSecond(salesMoment(travel - lead, channel, trips));
    // Not observed: asked before the customer existed or the data starts, or after the end date.
    if (requestMs < createdMs || requestMs < frame.startDay * DAY_MS || requestMs >= frame.endMs) continue;
    if (dayOf(requestMs) > travel - CUSTOMER_PARAMS.minLeadDays) continue;
    requests.push(i, requestMs, travel, party, CHANNELS.indexOf(channel), options);
  }

  return {
    id,
    segment: spec.name,
    customerType: type,
    country: m.country,
    preferences: prefs.map((v) => Number(v.toFixed(4))),
    requestRate: Number(rate.toFixed(4)),
  };
}
