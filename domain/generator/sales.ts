import { normal, pick, pickWeighted, type Rng } from '../../platform/random.ts';
import { partyCost, type Catalogue } from './catalogue.ts';
import { NULL, money, nullableText, text } from './copy-text.ts';
import type { CustomerStore } from './customers.ts';
import type { DepartureBook } from './departures.ts';
import { dot, DIMS } from './latent-space.ts';
import { MARKETS } from './markets.ts';
import { SALES_AGENTS } from './names.ts';
import { NEGOTIATION, PRICING, cents, floorPrice, trueLogMarkup } from './pricing.ts';
import { CANCELLATION, CONVERSION, PAYMENT, RATING, RATING_COMMENTS } from './sales-params.ts';
import { HOLD, RELEASE, type SeatEvents } from './seat-events.ts';
import type { SeasonGrid } from './seasons.ts';
import { CHANNELS, SEGMENTS } from './segments.ts';
import { stream } from './streams.ts';
import type { RowBatch } from './tables.ts';
import { DAY_MS, HOUR_MS, dateText, dayOf, timestampText, toSecond } from './time.ts';
import { MAX_OPTIONS, type TripRequests } from './trip-requests.ts';
import type { WorldFrame } from './world-frame.ts';
import { salesMoment } from './working-week.ts';

/**
 * The replay of one trip request, at its moment: quotations for the options that still have a departure with
 * room (priced by the true pricing rule at the departure's current load), their versions as the customer
 * negotiates, the customer's decision, and for a booking its whole life — status history, deposit and balance
 * (some failing), cancellation and refund, and a rating after the trip. Everything is timed, and only what
 * happened before the end date is written; later events stay unobserved, as in a live system.
 */
export interface SalesContext {
  frame: WorldFrame;
  catalogue: Catalogue;
  grid: SeasonGrid;
  customers: CustomerStore;
  requests: TripRequests;
  departures: DepartureBook;
  events: SeatEvents;
  ids: { quotation: number; booking: number; history: number; payment: number; rating: number };
  stats: { requests: number; soldOut: number; lost: number; booked: number; cancelled: number };
}

interface Quote {
  itinerary: number;
  departure: number;
  quotedMs: number;
  cost: number;
  prices: number[];
  versionMs: number[];
  sources: string[];
  reasons: string[];
  /** Who wrote the first version (the tariff engine for web requests) and who negotiated the rest. */
  firstBy: string;
  agent: string;
  fitZ: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const gumbel = (rng: Rng) => -Math.log(-Math.log(Math.max(rng(), 1e-12)));
const DISCOUNT_REASONS = ['customer asked for a better price', 'matched a competitor offer', 'loyalty discount', 'group discount approved'];
/** Departures leave at 08:00 in Lima. */
const DEPARTURE_HOUR_UTC = 13;

function applySeat(departures: DepartureBook) {
  return (d: number, seats: number, kind: number) => {
    if (kind === HOLD) departures.held[d] += seats;
    else {
      departures.held[d] -= seats;
      departures.committed[d] -= seats;
    }
  };
}

/** All options of a request are quoted together, at the request's moment, on the departures' load at that moment. */
function quote(ctx: SalesContext, k: number, itinerary: number, departure: number, rng: Rng): Quote {
  const { catalogue, customers, departures, requests, grid } = ctx;
  const c = requests.customer[k];
  const segment = SEGMENTS[customers.segment[c]];
  const it = catalogue.itineraries[itinerary];
  const party = requests.party[k];
  const quotedMs = requests.requestMs[k];
  const departureDay = departures.day[departure];
  const cost = partyCost(it, party, customers.guidePremium(c));
  const logMarkup = trueLogMarkup({
    seasonIndex: grid.season(it.destination, departureDay),
    loadFactor: departures.held[departure] / departures.capacity[departure],
    leadDays: departureDay - dayOf(quotedMs),
    partySize: party,
    level: it.level,
    segment: segment.name,
  });
  const floor = floorPrice(cost);
  const prices = [cents(Math.max(floor, cost * Math.exp(logMarkup + normal(rng, 0, PRICING.noiseSd))))];
  const channel = CHANNELS[requests.channel[k]];
  const agent = pick(rng, SALES_AGENTS);
  const sources = ['tariff'];
  const reasons = ['initial quotation'];
  const versionMs = [quotedMs];
  let versions = 1 + pickWeighted(rng, NEGOTIATION.versions);
  if (segment.priceSensitivity > 1 && versions < 4 && rng() < 0.25) versions++;
  // Negotiation has to end well before departure: at most a third of the time left.
  const window = ((departureDay * DAY_MS + DEPARTURE_HOUR_UTC * HOUR_MS - quotedMs) / 3) / versions;
  for (let v = 1; v < versions; v++) {
    const gap = Math.min(window, DAY_MS * (0.2 + 2 * -Math.log(Math.max(rng(), 1e-9)) * 0.75));
    versionMs.push(toSecond(versionMs[v - 1] + Math.max(60_000, gap)));
    const previous = prices[v - 1];
    if (rng() < NEGOTIATION.increaseShare) {
      prices.push(cents(previous * Math.exp(NEGOTIATION.increase[0] + (NEGOTIATION.increase[1] - NEGOTIATION.increase[0]) * rng())));
      sources.push('supplier_rate_update');
      reasons.push('supplier rate update');
    } else {
      prices.push(cents(Math.max(floor, previous * Math.exp(-(NEGOTIATION.discount[0] + (NEGOTIATION.discount[1] - NEGOTIATION.discount[0]) * rng())))));
      // A cumulative discount beyond 8% needs a manager.
      sources.push(prices[v] < prices[0] * 0.92 ? 'manager_override' : 'manual');
      reasons.push(pick(rng, DISCOUNT_REASONS));
    }
  }
  const fit = dot(customers.preferences, c * DIMS, it.factors);
  return {
    itinerary,
    departure,
    quotedMs,
    cost,
    prices,
    versionMs,
    sources,
    reasons,
    firstBy: channel === 'web' ? 'system' : agent,
    agent,
    fitZ: (fit - customers.fitMean[c]) / customers.fitSd[c],
  };
}

function writeQuotation(ctx: SalesContext, k: number, q: Quote, id: number, status: string, statusMs: number, batch: RowBatch): void {
  const { frame, requests, departures } = ctx;
  const end = frame.endMs;
  let shown = 0;
  for (let v = 0; v < q.prices.length && q.versionMs[v] < end; v++) {
    shown = v + 1;
    const at = timestampText(q.versionMs[v]);
    batch.add('quotation_versions', `${id}\t${v + 1}\t${money(q.cost)}\t${money(q.prices[v])}\tUSD\t${q.sources[v]}\t${v === 0 ? q.firstBy : q.agent}\t${text(q.reasons[v])}\t${at}\t${at}\n`);
  }
  const lastVersionMs = q.versionMs[shown - 1];
  const updatedMs = statusMs < end ? Math.max(statusMs, lastVersionMs) : lastVersionMs;
  const shownStatus = statusMs < end ? status : 'sent';
  const c = requests.customer[k];
  const created = timestampText(q.quotedMs);
  batch.add(
    'quotations',
    `${id}\t${c + 1}\t${q.itinerary + 1}\t${q.departure + 1}\t${dateText(departures.day[q.departure])}\t${requests.party[k]}\t${CHANNELS[requests.channel[k]]}\t${shownStatus}\t${shown}\t${money(q.cost)}\t${money(q.prices[shown - 1])}\tUSD\t${created}\t${created}\t${timestampText(updatedMs)}\n`,
  );
}

export function replayRequest(ctx: SalesContext, k: number, batch: RowBatch): void {
  const { frame, customers, requests, departures, events, ids, stats } = ctx;
  const requestMs = requests.requestMs[k];
  events.drain(requestMs, applySeat(departures));
  stats.requests++;
  const c = requests.customer[k];
  const segment = SEGMENTS[customers.segment[c]];
  const party = requests.party[k];
  const rng = stream(frame.seed, 'quotations', k);

  const quotes: Quote[] = [];
  for (let j = 0; j < MAX_OPTIONS; j++) {
    const itinerary = requests.options[k * MAX_OPTIONS + j];
    if (itinerary < 0) continue;
    const departure = departures.find(itinerary, requests.travelDay[k], party, dayOf(requestMs) + 2);
    if (departure < 0) {
      stats.soldOut++;
      continue;
    }
    quotes.push(quote(ctx, k, itinerary, departure, rng));
  }
  if (quotes.length === 0) {
    stats.lost++;
    return;
  }

  // The customer weighs fit against price; the best option is booked with a probability that falls with price.
  const sensitivity = segment.priceSensitivity * CONVERSION.price;
  let best = 0;
  let bestUtility = -Infinity;
  for (let j = 0; j < quotes.length; j++) {
    const q = quotes[j];
    const markup = Math.log(q.prices[q.prices.length - 1] / q.cost) - CONVERSION.referenceMarkup;
    const utility = q.fitZ - sensitivity * markup + gumbel(rng);
    if (utility > bestUtility) {
      bestUtility = utility;
      best = j;
    }
  }
  const chosen = quotes[best];
  const chosenMarkup = Math.log(chosen.prices[chosen.prices.length - 1] / chosen.cost) - CONVERSION.referenceMarkup;
  const books = rng() < sigmoid(CONVERSION.intercept + CONVERSION.fit * chosen.fitZ - sensitivity * chosenMarkup);

  const channel = CHANNELS[requests.channel[k]];
  const departureMs = departures.day[chosen.departure] * DAY_MS + DEPARTURE_HOUR_UTC * HOUR_MS;
  const lastVersionMs = chosen.versionMs[chosen.versionMs.length - 1];
  let decisionMs = toSecond(salesMoment(dayOf(lastVersionMs) + Math.floor(3 * rng()), channel, rng));
  if (decisionMs <= lastVersionMs || decisionMs > departureMs - DAY_MS) decisionMs = toSecond(lastVersionMs + HOUR_MS * (1 + rng()));
  // The agent enters the booking in the same working session.
  const bookedMs = toSecond(Math.min(decisionMs + (5 + 115 * rng()) * 60_000, departureMs - 12 * HOUR_MS));

  const quotationIds = quotes.map(() => ++ids.quotation);
  for (let j = 0; j < quotes.length; j++) {
    const q = quotes[j];
    const last = q.versionMs[q.versionMs.length - 1];
    let status: string;
    let statusMs: number;
    if (books && j === best) {
      // Accepted at the decision, converted when the booking is entered.
      if (decisionMs < frame.endMs && bookedMs >= frame.endMs) [status, statusMs] = ['approved', decisionMs];
      else [status, statusMs] = ['converted', bookedMs];
    } else if (books) [status, statusMs] = ['rejected', Math.max(decisionMs, last)];
    else if (rng() < CONVERSION.declinedShare) [status, statusMs] = ['rejected', toSecond(last + DAY_MS * (1 + 6 * rng()))];
    else [status, statusMs] = ['expired', last + NEGOTIATION.validityDays * DAY_MS];
    writeQuotation(ctx, k, q, quotationIds[j], status, statusMs, batch);
  }
  if (!books || bookedMs >= frame.endMs) return;
  stats.booked++;
  book(ctx, k, chosen, quotationIds[best], bookedMs, departureMs, batch);
}

function paymentMethod(ctx: SalesContext, c: number, rng: Rng): string {
  const market = MARKETS[ctx.customers.market[c]].country;
  const segment = SEGMENTS[ctx.customers.segment[c]].name;
  if (ctx.customers.agency[c] || segment === 'corporate_incentive') return ['transfer', 'card', 'paypal'][pickWeighted(rng, [0.6, 0.35, 0.05])];
  if (market === 'PE') return ['card', 'transfer', 'cash', 'paypal'][pickWeighted(rng, [0.5, 0.25, 0.15, 0.1])];
  return ['card', 'paypal', 'transfer'][pickWeighted(rng, [0.6, 0.2, 0.2])];
}

function paymentDelayMs(method: string, rng: Rng): number {
  if (method === 'transfer') return DAY_MS * (0.5 + 2.5 * rng());
  if (method === 'cash') return DAY_MS * (0.2 + 1.8 * rng());
  return 60_000 * (2 + 88 * rng());
}

function book(ctx: SalesContext, k: number, q: Quote, quotationId: number, bookedMs: number, departureMs: number, batch: RowBatch): void {
  const { frame, catalogue, customers, requests, departures, events, ids, stats } = ctx;
  const end = frame.endMs;
  const c = requests.customer[k];
  const segment = SEGMENTS[customers.segment[c]];
  const party = requests.party[k];
  const it = catalogue.itineraries[q.itinerary];
  const d = q.departure;
  const price = q.prices[q.prices.length - 1];
  const bookingId = ++ids.booking;
  const pay = stream(frame.seed, 'payments', k);
  const life = stream(frame.seed, 'bookings', k);

  departures.committed[d] += party;
  events.push(bookedMs, d, party, HOLD);

  const history: Array<[string, string | null, number]> = [['created', 'quotation accepted', bookedMs]];
  const payments: Array<[number, string, string, number]> = [];
  const method = paymentMethod(ctx, c, pay);
  const beforeDeparture = (ms: number) => toSecond(Math.min(ms, departureMs - 12 * HOUR_MS));
  const leadDays = (departureMs - bookedMs) / DAY_MS;
  const depositShare = leadDays <= PAYMENT.fullPaymentWithinDays ? 1 : PAYMENT.depositShare;
  const deposit = cents(price * depositShare);

  let attemptMs = beforeDeparture(bookedMs + paymentDelayMs(method, pay));
  let confirmedMs = -1;
  let cancelMs = -1;
  let cancelReason = '';
  if (pay() < PAYMENT.depositFailure) {
    payments.push([deposit, method, 'failed', attemptMs]);
    attemptMs = beforeDeparture(attemptMs + DAY_MS * (1 + 2 * pay()));
    if (pay() < PAYMENT.retryFailure) {
      payments.push([deposit, method, 'failed', attemptMs]);
      cancelMs = beforeDeparture(attemptMs + 2 * DAY_MS);
      cancelReason = 'deposit not received';
    }
  }
  let paid = 0;
  if (cancelMs < 0) {
    payments.push([deposit, method, 'received', attemptMs]);
    paid = deposit;
    confirmedMs = attemptMs;
    history.push(['confirmed', depositShare === 1 ? 'paid in full' : 'deposit received', confirmedMs]);
    const logit = CANCELLATION.intercept + CANCELLATION.lead * Math.log(Math.max(1, leadDays) / 60) + CANCELLATION.segment[segment.name];
    if (life() < 1 / (1 + Math.exp(-logit))) {
      const latest = departureMs - 2 * DAY_MS;
      if (latest > confirmedMs) {
        cancelMs = toSecond(confirmedMs + life() * (latest - confirmedMs));
        const reasons = segment.name === 'corporate_incentive' ? CANCELLATION.corporateReasons : CANCELLATION.reasons;
        cancelReason = pick(life, reasons);
      }
    }
    if (depositShare < 1) {
      const dueMs = toSecond(Math.max(confirmedMs + DAY_MS, departureMs - DAY_MS * (PAYMENT.balanceDueDays + 10 * pay())));
      if (cancelMs < 0 || cancelMs > dueMs) {
        const balance = cents(price - deposit);
        let balanceMs = dueMs;
        if (pay() < PAYMENT.balanceFailure) {
          payments.push([balance, method, 'failed', balanceMs]);
          balanceMs = toSecond(balanceMs + DAY_MS * (1 + 2 * pay()));
        }
        payments.push([balance, method, 'received', balanceMs]);
        if (cancelMs < 0 || cancelMs > balanceMs) paid += balance;
        else payments.pop();
      }
    }
  }
  if (cancelMs >= 0) {
    history.push(['cancelled', cancelReason, cancelMs]);
    events.push(cancelMs, d, party, RELEASE);
    const daysBefore = (departureMs - cancelMs) / DAY_MS;
    const share = CANCELLATION.refund.find((r) => daysBefore >= r.minDaysBefore)?.share ?? 0;
    if (paid > 0 && share > 0) payments.push([cents(paid * share), method, 'refunded', toSecond(cancelMs + DAY_MS * (1 + 9 * pay()))]);
  }

  // What the system shows at the end date.
  const seen = history.filter(([, , at]) => at < end);
  const [status, , statusMs] = seen[seen.length - 1];
  if (status === 'confirmed') departures.confirmed[d] += party;
  if (confirmedMs >= 0 && confirmedMs < end) departures.lastChangeMs[d] = Math.max(departures.lastChangeMs[d], confirmedMs);
  if (confirmedMs >= 0 && cancelMs >= 0 && cancelMs < end) departures.lastChangeMs[d] = Math.max(departures.lastChangeMs[d], cancelMs);
  if (status === 'cancelled') stats.cancelled++;

  const booked = timestampText(bookedMs);
  const market = MARKETS[customers.market[c]].country;
  batch.add(
    'bookings',
    `${bookingId}\t${quotationId}\t${c + 1}\t${q.itinerary + 1}\t${d + 1}\t${it.destination + 1}\t${dateText(departures.day[d])}\t${party}\t${status}\t${CHANNELS[requests.channel[k]]}\t${market}\t${money(price)}\t${money(q.cost)}\tUSD\t${booked}\tgenerated\t${booked}\t${timestampText(statusMs)}\n`,
  );
  for (const [s, reason, at] of seen) {
    const when = timestampText(at);
    batch.add('booking_status_history', `${++ids.history}\t${bookingId}\t${s}\t${nullableText(reason)}\t${when}\t${when}\t${when}\n`);
  }
  for (const [amount, m, s, at] of payments) {
    if (at >= end) continue;
    const when = timestampText(at);
    batch.add('payments', `${++ids.payment}\t${bookingId}\t${money(amount)}\tUSD\t${m}\t${s}\t${when}\t${when}\t${when}\n`);
  }

  if (status !== 'confirmed') return;
  const rate = stream(frame.seed, 'ratings', k);
  const tripEndMs = (departures.day[d] + it.durationDays) * DAY_MS + 12 * HOUR_MS;
  const ratedMs = toSecond(tripEndMs + DAY_MS * RATING.meanDelayDays * -Math.log(Math.max(rate(), 1e-9)));
  if (ratedMs >= end || rate() >= sigmoid(RATING.rateIntercept + RATING.rateFit * q.fitZ)) return;
  const raw = RATING.intercept + RATING.fit * q.fitZ + RATING.quality * it.quality + normal(rate, 0, RATING.noiseSd);
  const score = Math.max(1, Math.min(5, Math.round(raw)));
  const comment = rate() < 0.5 ? text(pick(rate, RATING_COMMENTS[score])) : NULL;
  const when = timestampText(ratedMs);
  batch.add('ratings', `${++ids.rating}\t${bookingId}\t${c + 1}\t${q.itinerary + 1}\t${score}\t${comment}\t${when}\t${when}\t${when}\n`);
}
