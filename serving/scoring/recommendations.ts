import { NotFoundError } from '../../platform/errors.ts';
import { StoreUnavailableError } from '../../platform/http/api-errors.ts';
import type { BusinessRules } from '../../models/recommender/business-rules.ts';
import type { ServingContext } from '../context.ts';
import { featureSnapshotId } from '../request-log/feature-snapshot.ts';
import { SERVED_RULES } from '../../models/recommender/evaluation.ts';
import { itineraryCard, type ItineraryCard } from './itinerary-cards.ts';
import { customerCountryKey } from '../online/customer-profile-keys.ts';
import { firstAnswer } from './first-answer.ts';

/**
 * Itineraries for a customer from the served recommender, with the rules that change by the minute applied at
 * query time: only itineraries with free seats in the departure window, none the customer already took (in the
 * model's history — as the offline evaluation leaves them out — or booked since, whatever the departure date), within their budget
 * per traveller (the model's SERVED_RULES, which the offline evaluation ranks with too). Another length of a trip
 * already taken (the same trip for another number of days) is offered as such: `nearDuplicateOf` and an explanation saying so.
 * Each item is a card a sales agent can use (itinerary-cards.ts). Model ids are the warehouse's itinerary and customer ids as text (the
 * convention of the training step), answered as numbers.
 */
export interface RecommendationQuery {
  customerId: number;
  k: number;
  from: string;
  to: string;
  /** Budget per traveller, USD. */
  budget?: number;
  exclude?: number[];
}

export interface RecommendedItinerary extends ItineraryCard {
  score: number;
  explanation: string;
  basedOn: number | null;
  /** The itinerary already taken that this one is another length of (the same trip for another number of days), or null. */
  nearDuplicateOf: number | null;
}


export interface RecommendationAnswer {
  customerId: number;
  window: { from: string; to: string };
  /** False for a customer the model has not seen: they get what customers like them book (cold start). */
  personal: boolean;
  items: RecommendedItinerary[];
  modelVersion: string;
  featureSnapshotId: string;
  defaultedFeatures: string[];
}

export interface ScoredRecommendations {
  answer: RecommendationAnswer;
  /** What the answer was computed from; the availability list appears as its snapshot id (see `availability`). */
  features: Record<string, unknown>;
  /** The availability list and its id, for the log to keep once per id rather than with every answer. */
  availability: { snapshotId: string; itineraries: readonly string[] } | null;
}

interface AvailabilityView {
  set: ReadonlySet<string>;
  snapshotId: string;
}

const availabilityViews = new WeakMap<readonly string[], AvailabilityView>();

/**
 * A cached availability list as a set and a snapshot id, built once per list: the in-process cache hands back the
 * same array until it expires, so thousands of requests share the work.
 */
function viewOf(ids: readonly string[]): AvailabilityView {
  let view = availabilityViews.get(ids);
  if (!view) {
    view = { set: new Set(ids), snapshotId: featureSnapshotId([...ids].sort()) };
    availabilityViews.set(ids, view);
  }
  return view;
}

/** A user id no model knows (model ids are customer ids as digits): the recommender gives its cold-start list. */
const NOT_PERSONAL = 'not-personal';

/**
 * How long a request waits, past the feature timeout, for what the warehouse did not answer in time, from either
 * store. Leaving out what the customer took is a rule, not a feature with a default: without their booked list (or
 * without knowing they exist) there is no answer rather than one offering their own trips again.
 */
export const FALLBACK_WAIT_MS = 3000;

/**
 * Answers already computed, by model and by the customer's booked list as the in-process cache holds it: when that
 * list expires from the cache (or the model is swapped) its answers go with it, so a remembered answer never
 * outlives its inputs. Within, by the rest of the inputs, the catalogue's load among them (its cards' seats left).
 * A Redis cache hands out new lists each time: nothing is remembered then, and the answer is computed as before.
 */
const rememberedAnswers = new WeakMap<object, WeakMap<readonly string[], Map<string, ScoredRecommendations>>>();
const MAX_ANSWERS_PER_LIST = 64;

function answersFor(model: object, bookedList: readonly string[]): Map<string, ScoredRecommendations> {
  let byList = rememberedAnswers.get(model);
  if (!byList) rememberedAnswers.set(model, (byList = new WeakMap()));
  let answers = byList.get(bookedList);
  if (!answers) byList.set(bookedList, (answers = new Map()));
  return answers;
}

function sameItems(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const known = new Set(b);
  return a.every((id) => known.has(id));
}

export async function recommendItineraries(ctx: ServingContext, query: RecommendationQuery): Promise<ScoredRecommendations> {
  if (!ctx.catalogue.loaded) throw new StoreUnavailableError('the catalogue is not loaded yet; ask again shortly');
  const served = ctx.champions.get('recommender');
  const model = served.model;
  // An erased customer, or one without consent, gets what customers like them book: never their own history.
  const personalisable = ctx.consent.allows(query.customerId);
  const userId = personalisable ? String(query.customerId) : NOT_PERSONAL;
  const known = personalisable && model.interactedItems(userId).length > 0;
  const deadline = performance.now() + ctx.settings.featureTimeoutMs;
  // Departures that have left are not offered: a window reaching into the past starts today (Lima's day), so its
  // cached availability is keyed by the day too, and one wholly past (a quotation's alternatives for a past
  // departure) finds nothing. The route refuses the latter.
  const day = ctx.catalogue.today();
  const from = query.from < day ? day : query.from;

  const loadAvailable = () => ctx.sources.availableItineraries(from, query.to);
  const loadBooked = () => ctx.sources.bookedItineraries(query.customerId);
  // The warehouse's booked list is as of the last ingest (and cached on top): a trip booked since would be offered
  // again. The booking system's, one indexed read, is asked alongside, within the same budget, and decides.
  const bookedNow = ctx.bookingSystem.bookedNow(query.customerId).catch(() => undefined);
  const loadCountry = () => ctx.sources.customerCountry(query.customerId);
  const [available, bookedInTime, country] = await Promise.all([
    ctx.online.lookup('availability', `${from}|${query.to}`, loadAvailable, deadline - performance.now()),
    ctx.online.lookup('availability', `booked:${query.customerId}`, loadBooked, deadline - performance.now()),
    // Only a customer the model has not seen needs their home market (cold start by market).
    known ? undefined : ctx.online.lookup('profile', customerCountryKey(query.customerId), loadCountry, deadline - performance.now()),
  ]);
  // What the warehouse did not answer in time, the booking system it copies (newer) is asked for, while the
  // warehouse's own query, already running, may still answer: whichever is first (first-answer.ts). Nothing of an
  // answer needs the warehouse itself; its being away or slow is no reason to refuse one or fill it with defaults,
  // and the booking system's being away or slow no reason to refuse one the warehouse gives a moment later.
  const again = async <T>(kind: 'availability' | 'profile', key: string, load: () => Promise<T>): Promise<T | undefined> => {
    const second = await ctx.online.lookup(kind, key, load, FALLBACK_WAIT_MS);
    return second.source === 'default' ? undefined : second.value;
  };
  // A customer the warehouse answers it does not know was created since the last ingest (the quotation engine asks
  // right after creating one), or is nobody: the booking system says which, and holds their bookings, if any.
  const newToWarehouse = country !== undefined && country.source !== 'default' && country.value === null;
  const current = await firstAnswer([bookedNow], Math.max(0, deadline - performance.now()));
  const [seatsElsewhere, booked, homeCountry] = await Promise.all([
    available.source !== 'default'
      ? undefined
      : firstAnswer([ctx.bookingSystem.availableItineraries(from, query.to), again('availability', `${from}|${query.to}`, loadAvailable)], FALLBACK_WAIT_MS),
    bookedInTime.source !== 'default' && !newToWarehouse
      ? { value: bookedInTime.value }
      : firstAnswer([bookedNow, ...(newToWarehouse ? [] : [again('availability', `booked:${query.customerId}`, loadBooked)])], FALLBACK_WAIT_MS),
    country === undefined || (country.source !== 'default' && country.value !== null)
      ? { value: country?.value ?? undefined }
      : firstAnswer<string | null>(
          newToWarehouse
            ? [ctx.bookingSystem.newCustomerCountry(query.customerId)]
            : // The warehouse's "unknown" is no answer here: only the booking system can say nobody has the id.
              [ctx.bookingSystem.customerCountry(query.customerId), again('profile', customerCountryKey(query.customerId), loadCountry).then((c) => c ?? undefined)],
          FALLBACK_WAIT_MS,
        ),
  ]);
  if (!booked) throw new StoreUnavailableError("neither the warehouse nor the booking system answered with the customer's bookings, and none they took may be offered again; ask again shortly");
  if (!homeCountry) throw new StoreUnavailableError('neither the warehouse nor the booking system answered whether the customer exists; ask again shortly');
  if (homeCountry.value === null) throw new NotFoundError(`customer ${query.customerId} is not in the booking system`, 'id');
  const seatsInBookingSystem = seatsElsewhere?.value;
  // The booking system's list when it answered in time (the warehouse's object when they agree, so that answers
  // remembered by it still serve); else the warehouse's, said to be possibly behind.
  const bookedList = current === undefined || sameItems(current.value, booked.value) ? booked.value : current.value;
  const defaulted: string[] = [];
  if (current === undefined && bookedInTime.source !== 'default' && !newToWarehouse) defaulted.push('recent_bookings');
  if (available.source === 'default' && seatsInBookingSystem === undefined) defaulted.push('availability');
  // Consent not read yet (PostgreSQL away since the start): answered as for a customer without it.
  if (!ctx.consent.known) defaulted.push('personalisation_consent');
  if (defaulted.length > 0) ctx.metrics.featuresDefaulted.inc({ kind: 'availability' }, defaulted.length);

  // With both stores away, seats as the catalogue knew them at its last load (still listed as defaulted): an
  // itinerary with no departure in the window is never offered because the stores did not answer.
  const availableIds = available.value ?? seatsInBookingSystem ?? ctx.catalogue.itinerariesWithSeats(from, query.to);
  const availability = viewOf(availableIds);
  // An answer is a function of the model and these inputs; with every input from the cache, it is already known. A
  // list read from the booking system is a new array each time, nothing to remember an answer by.
  const fromWarehouse = available.source !== 'default' && bookedInTime.source !== 'default' && country?.source !== 'default' && !newToWarehouse;
  const memo = fromWarehouse && defaulted.length === 0 && bookedList === booked.value ? answersFor(model, bookedList) : undefined;
  // The cards carry the catalogue's seats left and its inactive list is a rule: an answer is remembered for one load of it.
  const memoKey = memo && [query.customerId, personalisable ? 'p' : 'n', query.k, from, query.to, query.budget ?? '', query.exclude?.join(',') ?? '', homeCountry.value ?? '', availability.snapshotId, ctx.catalogue.generation].join('|');
  const remembered = memo && memo.get(memoKey!);
  if (remembered) return remembered;
  const rules: BusinessRules = {
    available: availability.set,
    bookedThisSeason: bookedList,
    ...SERVED_RULES,
    maxPrice: query.budget,
    // Inactive itineraries are not sold: left out as the batch scoring leaves them out.
    exclude: [...(query.exclude?.map(String) ?? []), ...ctx.catalogue.inactiveItineraries()],
  };
  const homeMarket = homeCountry.value ?? undefined;
  const recommended = model.recommend(userId, query.k, rules, known || homeMarket === undefined ? undefined : { homeMarket });
  // An itinerary the model knows and the catalogue does not is one that no longer exists: nothing to offer.
  const items = recommended.flatMap((r) => {
    const it = ctx.catalogue.itinerary(Number(r.itemId));
    return it ? [{ r, it }] : [];
  });
  const features = {
    window: { from, to: query.to },
    available: availability.snapshotId,
    bookedThisSeason: bookedList,
    homeMarket: homeMarket ?? null,
    budget: query.budget ?? null,
    exclude: query.exclude ?? [],
  };
  const scored: ScoredRecommendations = {
    answer: {
      customerId: query.customerId,
      window: { from, to: query.to },
      personal: known,
      items: items.map(({ r, it }) => ({
        ...itineraryCard(it, from, day),
        score: Number(r.score.toFixed(6)),
        explanation: r.explanation,
        basedOn: r.basedOn === undefined ? null : Number(r.basedOn),
        nearDuplicateOf: r.nearDuplicateOf === undefined ? null : Number(r.nearDuplicateOf),
      })),
      modelVersion: served.version,
      featureSnapshotId: featureSnapshotId(features),
      defaultedFeatures: defaulted,
    },
    features,
    availability: { snapshotId: availability.snapshotId, itineraries: availableIds },
  };
  if (memo) {
    if (memo.size >= MAX_ANSWERS_PER_LIST) memo.clear();
    memo.set(memoKey!, scored);
  }
  return scored;
}

/** What the log keeps of an answer: which itineraries, in which order, with which scores (explanations replay). */
export function loggedRecommendations(answer: RecommendationAnswer) {
  return { personal: answer.personal, items: answer.items.map((item) => [item.itineraryId, item.score]) };
}
