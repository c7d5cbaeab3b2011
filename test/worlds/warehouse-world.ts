import type { ClickHouseClient } from '@clickhouse/client';
import { normal, pick, pickWeighted, poisson, randInt, substream, type Rng } from '../../platform/random.ts';
import { chDateTime } from '../../features/warehouse-query.ts';
import { ESTIMATED_OPERATIONAL_PER_PAX, ESTIMATED_OPERATIONAL_RATE, PAX_PER_GUIDE } from '../../features/cost-basis.ts';

/**
 * A small booking world written straight into the warehouse tables, for the tests of features and pipeline steps
 * (they need data with known structure, in seconds, without PostgreSQL and the ingest). What is known:
 * - customers belong to one of three segments (backpackers, families, luxury seniors) that differ in age, party
 *   size, lead time, budget (service level), cancellations and ratings: `truth.segmentOf`;
 * - each customer prefers two destinations, so who booked what carries personal taste beyond popularity;
 * - prices are cost × a markup that rises with the service level, in busy months, at short notice, and falls for
 *   groups of 5 or more (`truth.markup`), with 2.5% noise;
 * - bookings follow each destination's seasons and fall on weekends.
 */
export interface WorldOptions {
  customers: number;
  years: number;
  seed: number;
  /** Last day of history (UTC midnight). */
  endDate: string;
}

export interface WorldTruth {
  segmentOf: Map<number, number>;
  start: Date;
  end: Date;
  counts: Record<string, number>;
}

const DAY = 86_400_000;
const LEVELS = ['standard', 'superior', 'luxury'] as const;

const DESTINATIONS = [
  { code: 'cusco', name: 'Cusco', region: 'Andes', popularity: 3, peak: [5, 6, 7, 8, 9] },
  { code: 'lima', name: 'Lima', region: 'Coast', popularity: 2, peak: [12, 1, 2, 3] },
  { code: 'arequipa', name: 'Arequipa', region: 'Andes', popularity: 1.2, peak: [6, 7, 8] },
  { code: 'puno', name: 'Puno', region: 'Andes', popularity: 1, peak: [6, 7, 8, 9] },
  { code: 'iquitos', name: 'Iquitos', region: 'Amazon', popularity: 1.1, peak: [7, 8, 9, 10] },
  { code: 'paracas', name: 'Paracas', region: 'Coast', popularity: 0.9, peak: [12, 1, 2] },
];

/** Busy months book 2.2 times as much as quiet ones. */
function seasonFactor(destination: number, month: number): number {
  return DESTINATIONS[destination].peak.includes(month) ? 2.2 : 1;
}

const SEGMENTS = [
  { name: 'backpackers', age: [22, 32], party: [1, 2], lead: [8, 30], level: 0, cancel: 0.04, rating: 4.2, tripsPerYear: 1.4 },
  { name: 'families', age: [38, 50], party: [3, 6], lead: [60, 120], level: 1, cancel: 0.15, rating: 3.4, tripsPerYear: 1.1 },
  { name: 'luxury seniors', age: [62, 76], party: [2, 2], lead: [120, 200], level: 2, cancel: 0.02, rating: 4.7, tripsPerYear: 1.2 },
];

interface Component {
  id: number;
  itinerary: number;
  kind: string;
  day: number;
  nights: number;
  unit: string;
  unitCost: number;
  capacity: number | null;
}

function componentCost(c: Component, pax: number): number {
  const n =
    c.unit === 'per_person' ? pax : c.unit === 'per_room' ? Math.ceil(pax / (c.capacity ?? 2)) : c.unit === 'per_vehicle' ? Math.ceil(pax / (c.capacity ?? pax)) : c.kind === 'guide' ? Math.ceil(pax / PAX_PER_GUIDE) : 1;
  return c.unitCost * n * Math.max(c.nights, 1);
}

/** The markup rules of the world: what a good price model should recover. */
export function markup(level: number, season: number, leadDays: number, pax: number): number {
  const byLevel = [1.28, 1.36, 1.5][level];
  const bySeason = season > 1 ? 1.12 : 1;
  const byLead = leadDays < 21 ? 1.07 : leadDays > 150 ? 0.97 : 1;
  const byGroup = pax >= 5 ? 0.94 : 1;
  return byLevel * bySeason * byLead * byGroup;
}

const iso = (t: number) => chDateTime(new Date(t));
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

export async function writeWarehouseWorld(client: ClickHouseClient, options: WorldOptions): Promise<WorldTruth> {
  const { customers, years, seed } = options;
  const end = Date.parse(`${options.endDate}T00:00:00Z`);
  const start = end - Math.round(years * 365.25) * DAY;
  const rng = (label: string): Rng => substream(seed, label);
  const stamp = iso(start);

  const destinations = DESTINATIONS.map((d, i) => ({ id: i + 1, code: d.code, name: d.name, country: 'PE', region: d.region, popularity: d.popularity, created_at: stamp, updated_at: stamp }));

  const itineraryRng = rng('itineraries');
  const itineraries: Array<{ id: number; destination: number; level: number; duration: number; weekday: number; name: string; code: string }> = [];
  DESTINATIONS.forEach((d, di) => {
    for (let k = 0; k < 9; k++) {
      const id = itineraries.length + 1;
      const duration = randInt(itineraryRng, 2, 9);
      const level = k % 3;
      itineraries.push({ id, destination: di, level, duration, weekday: randInt(itineraryRng, 0, 6), name: `${d.name} ${['Highlights', 'Classic', 'Explorer', 'Discovery', 'Essentials', 'Grand', 'Hidden', 'Heritage', 'Panorama'][k]} ${duration}D ${LEVELS[level]}`, code: `IT${String(id).padStart(4, '0')}` });
    }
  });

  const components: Component[] = [];
  for (const it of itineraries) {
    const add = (kind: string, day: number, nights: number, unit: string, unitCost: number, capacity: number | null) =>
      components.push({ id: components.length + 1, itinerary: it.id, kind, day, nights, unit, unitCost, capacity });
    add('hotel', 1, Math.max(1, it.duration - 1), 'per_room', [70, 120, 240][it.level] * (0.8 + 0.4 * itineraryRng()), 2);
    add('transport', 1, 0, 'per_vehicle', 180 * it.duration * (0.8 + 0.4 * itineraryRng()), 10);
    for (let day = 1; day <= it.duration; day += 3) add('guide', day, 0, 'per_group', 110, null);
    add('service', 2, 0, 'per_person', (40 + 15 * it.duration) * (0.8 + 0.4 * itineraryRng()) * [1, 1.2, 1.5][it.level], null);
  }
  const componentsOf = new Map<number, Component[]>();
  for (const c of components) componentsOf.set(c.itinerary, [...(componentsOf.get(c.itinerary) ?? []), c]);
  const costFor = (itinerary: number, pax: number) => {
    const direct = (componentsOf.get(itinerary) ?? []).reduce((s, c) => s + componentCost(c, pax), 0);
    return Math.round((direct * (1 + ESTIMATED_OPERATIONAL_RATE) + ESTIMATED_OPERATIONAL_PER_PAX * pax) * 100) / 100;
  };

  // Weekly departures on each itinerary's weekday, from the start to half a year after the end.
  const departureRng = rng('departures');
  const departures: Array<{ id: number; itinerary_id: number; departure_date: string; capacity: number; seats_sold: number; status: string; created_at: string; updated_at: string }> = [];
  const departureIndex = new Map<string, number>();
  for (const it of itineraries) {
    const firstDay = start + (((it.weekday - new Date(start).getUTCDay()) % 7) + 7) % 7 * DAY;
    for (let t = firstDay; t < end + 180 * DAY; t += 7 * DAY) {
      const id = departures.length + 1;
      departures.push({ id, itinerary_id: it.id, departure_date: isoDay(t), capacity: randInt(departureRng, 12, 20), seats_sold: 0, status: t < end ? 'departed' : 'scheduled', created_at: stamp, updated_at: stamp });
      departureIndex.set(`${it.id}/${isoDay(t)}`, id);
    }
  }

  const customerRng = rng('customers');
  const segmentOf = new Map<number, number>();
  const customerRows = [];
  const profileRows = [];
  const tastes: number[][] = [];
  for (let c = 1; c <= customers; c++) {
    const segment = Math.floor(customerRng() * SEGMENTS.length);
    segmentOf.set(c, segment);
    const s = SEGMENTS[segment];
    const party = randInt(customerRng, s.party[0], s.party[1]);
    const ages = Array.from({ length: party }, (_, k) => (k === 0 ? randInt(customerRng, s.age[0], s.age[1]) : segment === 1 ? randInt(customerRng, 4, 16) : randInt(customerRng, s.age[0], s.age[1])));
    const first = pickWeighted(customerRng, DESTINATIONS.map((d) => d.popularity));
    let second = pickWeighted(customerRng, DESTINATIONS.map((d) => d.popularity));
    if (second === first) second = (first + 1 + Math.floor(customerRng() * 5)) % DESTINATIONS.length;
    tastes.push([first, second]);
    customerRows.push({ id: c, external_ref: null, name: `Customer ${c}`, email: null, country: pick(customerRng, ['US', 'GB', 'DE', 'FR', 'PE', 'BR']), language: 'en', customer_type: ['individual', 'family', 'individual'][segment], created_at: stamp, updated_at: stamp });
    profileRows.push({ customer_id: c, group_size: party, adults: party, children: 0, seniors: 0, ages_json: JSON.stringify(ages), special_needs_json: '[]', preferences: '{}', created_at: stamp, updated_at: stamp });
  }

  const tripRng = rng('trips');
  const bookings: object[] = [];
  const quotations: object[] = [];
  const history: object[] = [];
  const ratings: object[] = [];
  const seatsSold = new Map<number, number>();
  for (let c = 1; c <= customers; c++) {
    const s = SEGMENTS[segmentOf.get(c)!];
    const party = profileRows[c - 1].group_size;
    const trips = poisson(tripRng, s.tripsPerYear * years);
    for (let k = 0; k < trips; k++) {
      const taste = tastes[c - 1];
      const destination = tripRng() < 0.9 ? taste[tripRng() < 0.6 ? 0 : 1] : pickWeighted(tripRng, DESTINATIONS.map((d) => d.popularity));
      const options = itineraries.filter((it) => it.destination === destination);
      const preferred = options.filter((it) => it.level === s.level);
      const itinerary = tripRng() < 0.75 ? pick(tripRng, preferred) : pick(tripRng, options);
      const month = 1 + pickWeighted(tripRng, Array.from({ length: 12 }, (_, m) => seasonFactor(destination, m + 1)));
      const lead = randInt(tripRng, s.lead[0], s.lead[1]);
      // A departure in that month of a random year of the window, booked `lead` days before.
      const year = new Date(start).getUTCFullYear() + Math.floor(tripRng() * (years + 1));
      const inMonth = Date.UTC(year, month - 1, randInt(tripRng, 1, 28));
      const departureDay = inMonth + ((((itinerary.weekday - new Date(inMonth).getUTCDay()) % 7) + 7) % 7) * DAY;
      let bookedAt = departureDay - lead * DAY + randInt(tripRng, 8, 20) * 3_600_000;
      // Fewer bookings are made at weekends: most of them move to the Monday.
      const weekday = new Date(bookedAt).getUTCDay();
      if ((weekday === 0 || weekday === 6) && tripRng() < 0.6) bookedAt += (weekday === 6 ? 2 : 1) * DAY;
      if (bookedAt < start || bookedAt >= end) continue;
      const departureId = departureIndex.get(`${itinerary.id}/${isoDay(departureDay)}`) ?? null;
      const quotedAt = bookedAt - randInt(tripRng, 1, 72) * 3_600_000;
      const cost = costFor(itinerary.id, party);
      const price = Math.round(cost * markup(itinerary.level, seasonFactor(destination, month), Math.floor((departureDay - quotedAt) / DAY), party) * Math.exp(normal(tripRng, 0, 0.025)) * 100) / 100;
      const quotationId = quotations.length + 1;
      quotations.push({ id: quotationId, customer_id: c, itinerary_id: itinerary.id, departure_id: departureId, departure_date: isoDay(departureDay), party_size: party, channel: 'web', status: 'converted', current_version: 1, cost_total: cost, price_total: price, currency: 'USD', quoted_at: iso(quotedAt), created_at: iso(quotedAt), updated_at: iso(bookedAt) });
      const bookingId = bookings.length + 1;
      const cancelled = tripRng() < s.cancel;
      const cancelledAt = bookedAt + randInt(tripRng, 1, Math.max(2, Math.floor(lead / 2))) * DAY;
      const cancelKnown = cancelled && cancelledAt < end;
      bookings.push({ id: bookingId, quotation_id: quotationId, customer_id: c, itinerary_id: itinerary.id, departure_id: departureId, destination_id: destination + 1, departure_date: isoDay(departureDay), party_size: party, status: cancelKnown ? 'cancelled' : 'confirmed', channel: 'web', country: customerRows[c - 1].country, total_price: price, total_cost: cost, currency: 'USD', booked_at: iso(bookedAt), source: 'generated', created_at: iso(bookedAt), updated_at: iso(cancelKnown ? cancelledAt : bookedAt) });
      history.push({ id: history.length + 1, booking_id: bookingId, status: 'confirmed', reason: null, changed_at: iso(bookedAt), created_at: iso(bookedAt), updated_at: iso(bookedAt) });
      if (cancelKnown) {
        history.push({ id: history.length + 1, booking_id: bookingId, status: 'cancelled', reason: 'customer', changed_at: iso(cancelledAt), created_at: iso(cancelledAt), updated_at: iso(cancelledAt) });
      } else if (departureId !== null) {
        seatsSold.set(departureId, (seatsSold.get(departureId) ?? 0) + party);
      }
      const ratedAt = departureDay + (itinerary.duration + randInt(tripRng, 1, 14)) * DAY;
      if (!cancelled && ratedAt < end && tripRng() < 0.6) {
        const score = Math.min(5, Math.max(1, Math.round(normal(tripRng, s.rating, 0.6))));
        ratings.push({ id: ratings.length + 1, booking_id: bookingId, customer_id: c, itinerary_id: itinerary.id, score, comment: null, rated_at: iso(ratedAt), created_at: iso(ratedAt), updated_at: iso(ratedAt) });
      }
      // Most customers also asked about another tour of the same destination and did not take it.
      if (tripRng() < 0.5) {
        const other = pick(tripRng, options);
        const otherCost = costFor(other.id, party);
        const at = quotedAt - randInt(tripRng, 1, 10) * DAY;
        if (at >= start) {
          quotations.push({ id: quotations.length + 1, customer_id: c, itinerary_id: other.id, departure_id: null, departure_date: isoDay(departureDay), party_size: party, channel: 'web', status: 'rejected', current_version: 1, cost_total: otherCost, price_total: Math.round(otherCost * markup(other.level, seasonFactor(destination, month), Math.floor((departureDay - at) / DAY), party) * 1.05 * 100) / 100, currency: 'USD', quoted_at: iso(at), created_at: iso(at), updated_at: iso(at) });
        }
      }
    }
  }
  for (const d of departures) d.seats_sold = seatsSold.get(d.id) ?? 0;

  const insert = async (table: string, values: readonly object[]) => {
    for (let i = 0; i < values.length; i += 20_000) await client.insert({ table, values: values.slice(i, i + 20_000) as object[], format: 'JSONEachRow' });
  };
  await insert('destinations', destinations);
  await insert('itineraries', itineraries.map((it) => ({ id: it.id, code: it.code, name: it.name, destination_id: it.destination + 1, duration_days: it.duration, service_level: LEVELS[it.level], themes_json: '["culture"]', active: 1, created_at: stamp, updated_at: stamp })));
  await insert('itinerary_components', components.map((c) => ({ id: c.id, itinerary_id: c.itinerary, kind: c.kind, name: `${c.kind} ${c.id}`, day_number: c.day, nights: c.nights, unit: c.unit, unit_cost: Math.round(c.unitCost * 100) / 100, unit_capacity: c.capacity, currency: 'USD', created_at: stamp, updated_at: stamp })));
  await insert('departures', departures);
  await insert('customers', customerRows);
  await insert('customer_group_profiles', profileRows);
  await insert('quotations', quotations);
  await insert('bookings', bookings);
  await insert('booking_status_history', history);
  await insert('ratings', ratings);
  return {
    segmentOf,
    start: new Date(start),
    end: new Date(end),
    counts: { customers, itineraries: itineraries.length, departures: departures.length, quotations: quotations.length, bookings: bookings.length, ratings: ratings.length },
  };
}
