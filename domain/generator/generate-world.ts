import type pg from 'pg';
import type { Logger } from '../../platform/log.ts';
import { InputError } from '../../platform/errors.ts';
import { startProgress } from '../../platform/progress.ts';
import { migrate } from '../migrate.ts';
import { BulkLoad } from './bulk-load.ts';
import { buildCatalogue, type Catalogue } from './catalogue.ts';
import { bool, money, text, textArray } from './copy-text.ts';
import { CustomerStore, CUSTOMER_PARAMS, drawCustomer, type CustomerContext, type CustomerTruth } from './customers.ts';
import { DepartureBook, planDepartures, SCHEDULE, type DeparturePlan } from './departures.ts';
import type { GroundTruth } from './ground-truth.ts';
import { DIMENSIONS } from './latent-space.ts';
import { GUIDE_LANGUAGE_PREMIUM, MARKETS } from './markets.ts';
import { NEGOTIATION, PRICING } from './pricing.ts';
import { CANCELLATION, CONVERSION, PAYMENT, RATING } from './sales-params.ts';
import { replayRequest, type SalesContext } from './sales.ts';
import { SeatEvents } from './seat-events.ts';
import { MONTHLY_SEASONALITY, SEASON_EVENTS, SeasonGrid } from './seasons.ts';
import { SEGMENTS } from './segments.ts';
import { stream } from './streams.ts';
import { RowBatch, type TableName } from './tables.ts';
import { CHOICE } from './taste-choice.ts';
import { DAY_MS, HOUR_MS, dateText, parseDay, timestampText } from './time.ts';
import { TripRequests } from './trip-requests.ts';
import { worldFrame, type WorldFrame } from './world-frame.ts';
import { WORKING_WEEK } from './working-week.ts';

/**
 * `generateWorld`: a seeded Spirit Tours world written into the booking system's PostgreSQL schema.
 *
 * 1. The catalogue (destinations, itineraries, components) from catalogue-data.ts.
 * 2. Customers one by one (customers.ts): their rows are streamed out, their trip requests kept as compact columns.
 * 3. Departures planned from that demand (departures.ts).
 * 4. Requests replayed in time order (sales.ts), so each price sees the departure's load at that moment and no
 *    departure is oversold; rows are streamed out in batches while the next batch is generated.
 * 5. Departures with their final seats sold; then indexes, foreign keys and sequences, and one commit.
 * The same seed and end date give byte-identical rows.
 */
export interface GenerateOptions {
  customers: number;
  years: number;
  seed: number;
  /** YYYY-MM-DD; sales are generated up to the day before. Default: today (UTC). */
  endDate?: string;
  log: Logger;
}

export interface GenerateResult {
  counts: Record<TableName, number>;
  truth: GroundTruth;
  seconds: number;
}

export const LIMITS = { customers: [1, 2_000_000], years: [1, 20], seed: [0, 2 ** 32 - 1] } as const;

/** Rows gathered before a batch is sent: large enough for COPY to be efficient, small enough to stay light. */
const BATCH_LINES = 150_000;
/** The catalogue and its sales start this long before the first day of data. */
const CATALOGUE_AGE_DAYS = 730;

function check(name: keyof typeof LIMITS, value: number): void {
  const [lo, hi] = LIMITS[name];
  if (!Number.isInteger(value) || value < lo || value > hi) throw new InputError(`${name} must be a whole number from ${lo} to ${hi}, got ${value}`, name);
}

export function resolveEndDay(endDate: string | undefined): number {
  if (endDate === undefined) return Math.floor(Date.now() / DAY_MS);
  const day = parseDay(endDate);
  if (day === undefined) throw new InputError(`endDate must be a date written YYYY-MM-DD, got "${endDate}"`, 'endDate');
  if (endDate < '2000-01-01' || endDate > '2100-12-31') throw new InputError(`endDate must be between 2000-01-01 and 2100-12-31, got ${endDate}`, 'endDate');
  return day;
}

const yieldToLoader = () => new Promise<void>((resolve) => setImmediate(resolve));

function catalogueRows(catalogue: Catalogue, frame: WorldFrame, batch: RowBatch): void {
  const created = timestampText((frame.startDay - CATALOGUE_AGE_DAYS) * DAY_MS + 14 * HOUR_MS);
  catalogue.destinations.forEach((d, i) => {
    batch.add('destinations', `${i + 1}\t${d.code}\t${text(d.name)}\t${d.country}\t${text(d.region)}\t${d.popularity}\t${created}\t${created}\n`);
  });
  let componentId = 0;
  for (const it of catalogue.itineraries) {
    const id = it.index + 1;
    batch.add('itineraries', `${id}\t${it.code}\t${text(it.name)}\t${it.destination + 1}\t${it.durationDays}\t${it.level}\t${textArray(it.themes)}\t${bool(true)}\t${created}\t${created}\n`);
    for (const c of it.components) {
      batch.add(
        'itinerary_components',
        `${++componentId}\t${id}\t${c.kind}\t${text(c.name)}\t${c.dayNumber}\t${c.nights}\t${c.unit}\t${money(c.unitCost)}\t${c.unitCapacity ?? '\\N'}\tUSD\t${created}\t${created}\n`,
      );
    }
  }
}

/** Published a year ahead; departed, cancelled (nobody on board), closed (full) or scheduled as of the end date. */
function departureRows(book: DepartureBook, frame: WorldFrame, from: number, to: number, batch: RowBatch): void {
  for (let d = from; d < to; d++) {
    const day = book.day[d];
    const createdMs = (day - 365) * DAY_MS + 14 * HOUR_MS;
    const sold = book.confirmed[d];
    let status: string;
    let updatedMs = Math.max(createdMs, book.lastChangeMs[d]);
    if (day < frame.endDay) {
      status = sold > 0 ? 'departed' : 'cancelled';
      updatedMs = Math.max(updatedMs, sold > 0 ? day * DAY_MS + 13 * HOUR_MS : (day - 7) * DAY_MS + 14 * HOUR_MS);
    } else status = sold >= book.capacity[d] ? 'closed' : 'scheduled';
    batch.add('departures', `${d + 1}\t${book.itinerary[d] + 1}\t${dateText(day)}\t${book.capacity[d]}\t${sold}\t${status}\t${timestampText(createdMs)}\t${timestampText(updatedMs)}\n`);
  }
}

function truthOf(
  options: GenerateOptions,
  frame: WorldFrame,
  catalogue: Catalogue,
  plans: DeparturePlan[],
  customers: CustomerTruth[],
  stats: Record<string, number>,
): GroundTruth {
  const round = (x: number) => Number(x.toFixed(4));
  return {
    version: 1,
    seed: options.seed,
    customersRequested: options.customers,
    years: options.years,
    startDate: dateText(frame.startDay),
    endDate: dateText(frame.endDay),
    lastDepartureDate: dateText(frame.horizonDay),
    latentDimensions: [...DIMENSIONS],
    segments: SEGMENTS.map((s) => ({ ...s })),
    pricing: {
      formula:
        'price_v1 = max(cost * exp(base + season*ln(seasonIndex) + load*loadFactor + scarcity*max(0, loadFactor - scarcityFrom) + leadTime*ln(1 + leadDays/30) + groupSize*ln(partySize) + level[serviceLevel] + segment[segment] + N(0, noiseSd^2)), cost*(1 + marginFloor)); loadFactor = seats held by bookings made and not cancelled at quoted_at / capacity; leadDays = departure_date - quoted_at::date',
      params: PRICING,
      negotiation: NEGOTIATION,
      cost: 'hotel rooms ceil(pax/2) per night + vehicles ceil(pax/seats) + guide per group (x language premium) + per-person fees, rides and meals',
      guideLanguagePremium: GUIDE_LANGUAGE_PREMIUM,
    },
    behaviour: {
      choice: { ...CHOICE, formula: 'P(itinerary) ∝ exp(beta * preferences·factors + ln(appeal) - durationPenalty * |ln(days / preferredDays)|), among itineraries whose capacity fits the party' },
      customers: { ...CUSTOMER_PARAMS, existingShare: CUSTOMER_PARAMS.existingShare(options.years) },
      conversion: CONVERSION,
      cancellation: CANCELLATION,
      payment: PAYMENT,
      rating: RATING,
      schedule: SCHEDULE,
      workingWeek: WORKING_WEEK,
    },
    sourceMarkets: MARKETS.map((m) => ({ ...m })),
    seasonEvents: SEASON_EVENTS.map((e) => ({ ...e })),
    stats,
    destinations: catalogue.destinations.map((d, i) => ({
      id: i + 1,
      code: d.code,
      country: d.country,
      seasonProfile: d.season,
      monthlySeasonality: [...MONTHLY_SEASONALITY[d.season]],
      events: SEASON_EVENTS.filter((e) => e.where === 'ALL' || (e.where === 'PE' ? d.country === 'PE' : e.where.includes(d.code))).map((e) => ({ name: e.name, uplift: e.uplift })),
    })),
    itineraries: catalogue.itineraries.map((it, i) => ({
      id: it.index + 1,
      code: it.code,
      destination: catalogue.destinations[it.destination].code,
      serviceLevel: it.level,
      durationDays: it.durationDays,
      themes: it.themes,
      factors: Array.from(it.factors, round),
      appeal: round(it.appeal),
      quality: round(it.quality),
      capacity: plans[i].capacity,
      departuresPerWeek: round(plans[i].perWeek),
      departureWeekdays: plans[i].weekdays,
    })),
    customers,
  };
}

export async function generateWorld(pool: pg.Pool, options: GenerateOptions): Promise<GenerateResult> {
  check('customers', options.customers);
  check('years', options.years);
  check('seed', options.seed);
  const { log } = options;
  const started = performance.now();
  const frame = worldFrame(options.seed, options.years, resolveEndDay(options.endDate));
  await migrate(pool, log);
  const load = await BulkLoad.begin(pool, log);
  let pending: Promise<void> = Promise.resolve();
  let waitedMs = 0;
  // A batch is sent while the next one is generated; a failed send surfaces at the next flush.
  const flush = async (batch: RowBatch) => {
    const waiting = performance.now();
    await pending;
    waitedMs += performance.now() - waiting;
    pending = load.copy(batch);
    pending.catch(() => undefined);
  };
  try {
    const catalogue = buildCatalogue(stream(frame.seed, 'catalogue'));
    const grid = new SeasonGrid(catalogue.destinations, frame.startDay - 400, frame.horizonDay);
    let batch = new RowBatch();
    catalogueRows(catalogue, frame, batch);

    const store = new CustomerStore(options.customers);
    const requests = new TripRequests();
    const ctx: CustomerContext = { frame, catalogue, grid, store, requests, densityBound: SEGMENTS.map((s) => grid.densityBound(s.holidayBinding)) };
    const customerTruth: CustomerTruth[] = new Array(options.customers);
    const customerProgress = startProgress('generate customers', options.customers, log, 'customers');
    for (let i = 0; i < options.customers; i++) {
      customerTruth[i] = drawCustomer(i, ctx, batch);
      if (batch.lines >= BATCH_LINES) {
        await flush(batch);
        batch = new RowBatch();
      }
      if ((i & 1023) === 1023) {
        customerProgress.add(1024);
        await yieldToLoader();
      }
    }
    customerProgress.add(options.customers & 1023);
    customerProgress.done();

    const weeks = (frame.horizonDay - frame.startDay) / 7;
    const plans = planDepartures(catalogue.itineraries, requests, weeks, stream(frame.seed, 'departures'));
    const departures = new DepartureBook(plans, frame.startDay, frame.horizonDay);
    const sales: SalesContext = {
      frame,
      catalogue,
      grid,
      customers: store,
      requests,
      departures,
      events: new SeatEvents(),
      ids: { quotation: 0, booking: 0, history: 0, payment: 0, rating: 0 },
      stats: { requests: 0, soldOut: 0, lost: 0, booked: 0, cancelled: 0 },
    };
    const order = requests.timeOrder();
    const salesProgress = startProgress('generate sales', order.length, log, 'requests');
    for (let n = 0; n < order.length; n++) {
      replayRequest(sales, order[n], batch);
      if (batch.lines >= BATCH_LINES) {
        await flush(batch);
        batch = new RowBatch();
      }
      if ((n & 511) === 511) {
        salesProgress.add(512);
        await yieldToLoader();
      }
    }
    salesProgress.add(order.length & 511);
    salesProgress.done();

    for (let d = 0; d < departures.count; d += 20_000) {
      departureRows(departures, frame, d, Math.min(departures.count, d + 20_000), batch);
      await flush(batch);
      batch = new RowBatch();
    }
    await flush(batch);
    await pending;
    const committing = performance.now();
    await load.commit();
    log.info('world loaded', { seconds: Number(((performance.now() - committing) / 1000).toFixed(2)), step: 'indexes, foreign keys, analyze' });

    const stats = {
      tripRequests: requests.count,
      // Options with no departure that had room within ±14 days of the wanted date (sold out, or none scheduled).
      optionsWithoutDeparture: sales.stats.soldOut,
      requestsWithoutDeparture: sales.stats.lost,
      bookings: sales.stats.booked,
      bookingsCancelledByEndDate: sales.stats.cancelled,
      bookingsPerCustomer: Number((sales.stats.booked / options.customers).toFixed(3)),
      departures: departures.count,
    };
    const truth = truthOf(options, frame, catalogue, plans, customerTruth, stats);
    const seconds = (performance.now() - started) / 1000;
    // Time spent waiting for PostgreSQL to take the previous batch: the load, not the generation, set the pace.
    log.info('world generated', { ...load.counts, seconds: Number(seconds.toFixed(2)), waitedForDatabaseSeconds: Number((waitedMs / 1000).toFixed(2)) });
    return { counts: { ...load.counts }, truth, seconds };
  } catch (err) {
    await pending.catch(() => undefined);
    await load.rollback();
    throw err;
  }
}
