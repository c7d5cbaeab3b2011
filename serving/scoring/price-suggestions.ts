import { InputError, NotFoundError } from '../../platform/errors.ts';
import { limaToday } from '../../platform/calendar/lima-today.ts';
import type { GuardrailPolicy } from '../../models/price/guardrail-policy.ts';
import { applyGuardrails, type GuardrailName } from '../../models/price/guardrails.ts';
import type { Describe, ReasonCode } from '../../models/price/reason-codes.ts';
import type { LoadedModel } from '../champions/champion-models.ts';
import type { PricingModel } from '../champions/families.ts';
import type { ServingContext } from '../context.ts';
import type { ItineraryFacts, QuotationInput, QuoteFeatures } from '../online/sources.ts';
import { assignSegments, priceFeaturesVersionTag } from '../../features/customer-segment.ts';
import { featureSnapshotId } from '../request-log/feature-snapshot.ts';
import { segmentAssigner } from './segment-assigner.ts';
import { knownPriceFeatures } from '../../features/price-features-known.ts';
import { outsideRange, PRICE_FEATURES } from '../../features/price-feature-definitions.ts';
import { knownQuoteFacts } from './known-quote-facts.ts';
import { assembleFeatureRow } from './price-feature-row.ts';
import { describePriceFeature } from './price-reasons.ts';
import { segmentProfiles } from './segment-names.ts';

/** One quotation to price, as the API receives it. */
export interface PriceRequest {
  /** The caller's reference (its quotation id), echoed back and logged. */
  quotationRef?: string;
  customerId?: number;
  itineraryId: number;
  departureDate: string;
  partySize: number;
  cost: number;
  listPrice?: number;
  channel?: string;
  quotedAt?: string;
  /** Feature values to use as given (replaying a logged suggestion, or a what-if). */
  features?: Record<string, number>;
}

export interface PriceSuggestionAnswer {
  quotationRef: string | null;
  price: number;
  lo80: number;
  hi80: number;
  currency: string;
  /** The model's price before the guardrails. */
  modelPrice: number;
  /** The guardrail that set the price, if one had to. */
  guardrail: GuardrailName | null;
  /** The rule the price was held to and its limits for this quotation. */
  guardrails: AppliedGuardrails;
  reasonCodes: ReasonCode[];
  /** The model's price for an average quotation of this cost; baseValue + Σ contributions = modelPrice. */
  baseValue: number;
  /** Every feature's part of the model price, USD. */
  contributions: Record<string, number>;
  /** The feature values the price was computed from; featureSnapshotId is their content id. */
  features: Record<string, number>;
  /** The customer's segment (null for a new customer, or when no segmentation model is served). */
  segment: { id: number; name: string | null; modelVersion: string } | null;
  modelVersion: string;
  featureSnapshotId: string;
  /** Which feature definitions, segmentation version and ingested data the warehouse values came from (null: none did). */
  featureSource: string | null;
  defaultedFeatures: string[];
  /**
   * Some feature could not be had in time (a cold cache, a slow store) and took a default: the price is an
   * estimate to show, not one to record for review or to quote. Asking again once the features are in gives the final price.
   */
  provisional: boolean;
}

export interface AppliedGuardrails {
  /** Version of the rule set (spirit-ml guardrails history; GET /v1/guardrails?version=). */
  version: number;
  ruleId: number;
  /** The rule's scope: null = every destination / every level. */
  destinationId: number | null;
  serviceLevel: string | null;
  minMargin: number;
  maxMargin: number | null;
  maxPricePerPax: number | null;
  maxChangeVsList: number | null;
  /** The limits in USD for this quotation: cost x (1 + minMargin), the lower ceiling, the band around the list price. */
  floor: number;
  ceiling: number | null;
  listBand: { lo: number; hi: number } | null;
}

export interface ScoredPrice {
  answer: PriceSuggestionAnswer;
  request: PriceRequest;
  features: Record<string, number>;
  quotation: QuotationInput;
  itinerary: ItineraryFacts | null;
}

const CURRENCY = 'USD';
const HOUR_MS = 3_600_000;
const SEGMENT_FEATURE = 'customer_segment';

const describers = new WeakMap<PricingModel, Describe>();

/** Reason texts for a served model (with its segments' names), made once per model rather than per request. */
function describerFor(model: PricingModel): Describe {
  let describe = describers.get(model);
  if (!describe) {
    const profiles = model.segmenter ? segmentProfiles(model.segmenter) : undefined;
    describe = describePriceFeature((segment) => profiles?.[segment]?.name);
    describers.set(model, describe);
  }
  return describe;
}

/**
 * The last day a price request may name: ClickHouse's Date32 and DateTime64 end here, and the features' date
 * windows, compared as ISO text, need four-digit years (a window past 9999 would sort before every real date).
 */
const LAST_DAY = '2299-12-31';
/** The first: Date32 and DateTime64 begin here (an earlier quote was priced with features read as of nothing). */
const FIRST_DAY = '1900-01-01';

const PRICE_FEATURE_BY_NAME = new Map(PRICE_FEATURES.map((f) => [f.name, f]));

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Prices one quotation or a batch with the served price model (one model for the whole batch, taken once, so a
 * hot swap never mixes versions within an answer). Per quotation: catalogue facts and the price features from the
 * warehouse through the cache, within the request's time budget (the customer's segment by the segmentation
 * version the price model was trained with); the model's price, 80% range and reasons; then the guardrails.
 */
export async function suggestPrices(ctx: ServingContext, requests: readonly PriceRequest[], options: { batch: boolean }, now = new Date()): Promise<ScoredPrice[]> {
  const priced = ctx.champions.get('price');
  // Like the model, one rule set for the whole batch, even if it changes while the batch is priced.
  const guardrails = ctx.guardrails.policy;
  // Each lookup gets what is left of one time budget for the whole request.
  const deadline = performance.now() + ctx.settings.featureTimeoutMs;
  // Started alongside the quotations' own lookups, so a cold start does not spend the budget on it first.
  const medians = ctx.online
    .lookup('catalogue', `price-medians:${priced.version}`, () => ctx.sources.priceFeatureMedians(priced.model.price.featureNames), deadline - performance.now())
    .then((lookup) => lookup.value);
  // Errors name the field as the caller wrote it: quotations[3].departureDate in a batch (of one too), quotation.… alone.
  return Promise.all(requests.map((request, index) => suggestOne(ctx, priced, guardrails, request, options.batch ? `quotations[${index}].` : 'quotation.', now, deadline, medians)));
}

async function suggestOne(
  ctx: ServingContext,
  priced: LoadedModel<'price'>,
  guardrails: GuardrailPolicy,
  request: PriceRequest,
  where: string,
  now: Date,
  deadline: number,
  medians: Promise<Record<string, number> | undefined>,
): Promise<ScoredPrice> {
  const quotedAt = request.quotedAt ? new Date(request.quotedAt) : now;
  if (Number.isNaN(quotedAt.getTime())) throw new InputError(`${where}quotedAt must be a date-time, got "${request.quotedAt}"`, `${where}quotedAt`);
  for (const [field, day] of [['quotedAt', quotedAt.toISOString().slice(0, 10)], ['departureDate', request.departureDate]] as const) {
    if (day > LAST_DAY) throw new InputError(`${where}${field} must be on or before ${LAST_DAY}, the warehouse calendar's last day; got ${day}`, `${where}${field}`);
    if (day < FIRST_DAY) throw new InputError(`${where}${field} must be on or after ${FIRST_DAY}, the warehouse calendar's first day; got ${day}`, `${where}${field}`);
  }
  // The quote's day is Lima's, where the tours leave: from 19:00 there UTC's day is already tomorrow.
  const quoteDay = limaToday(quotedAt);
  if (request.departureDate < quoteDay) {
    throw new InputError(`${where}departureDate ${request.departureDate} is before the quote (${quoteDay} in Lima)`, `${where}departureDate`);
  }
  // A feature the model does not have would be dropped without a word, and a what-if answered as if not asked.
  const featureNames = priced.model.price.featureNames;
  const unknownFeature = Object.keys(request.features ?? {}).find((name) => !featureNames.includes(name));
  if (unknownFeature !== undefined) {
    const field = `${where}features.${unknownFeature}`;
    throw new InputError(`${field} is not a feature of price model ${priced.version}; its features: ${featureNames.join(', ')}`, field);
  }
  // A what-if value the feature cannot take (month 13, a party of 1e308) would be priced, and explained as a fact.
  for (const [name, value] of Object.entries(request.features ?? {})) {
    const definition = PRICE_FEATURE_BY_NAME.get(name);
    const wrong = definition && outsideRange(definition, value);
    if (wrong) throw new InputError(`${where}features.${name} ${wrong} (${definition.description})`, `${where}features.${name}`);
  }
  // An erased or non-consenting customer is priced as a walk-in: nothing of their history is looked up, answered
  // (their segment) or logged under their id, as their segment answer is withheld (docs/personal-data.md). Until
  // the API has read who consents, nobody is personalised, and the answer says why.
  const withheld = request.customerId !== undefined && !ctx.consent.allows(request.customerId);
  const customerId = withheld ? undefined : request.customerId;
  const quotation: QuotationInput = {
    itineraryId: request.itineraryId,
    departureDate: request.departureDate,
    partySize: request.partySize,
    cost: request.cost,
    customerId,
    listPrice: request.listPrice,
    channel: request.channel,
    quotedAt,
  };

  // The catalogue in memory knows the itinerary; one it does not know yet (added since it was read) is asked for.
  const known = ctx.catalogue.itinerary(request.itineraryId);
  let itinerary: ItineraryFacts | null = known ?? null;
  if (!known) {
    const itineraryLookup = await ctx.online.lookup('catalogue', `itinerary:${request.itineraryId}`, () => ctx.sources.itinerary(request.itineraryId), deadline - performance.now());
    if (itineraryLookup.source !== 'default' && itineraryLookup.value === null) {
      throw new NotFoundError(`${where}itineraryId ${request.itineraryId} is not an itinerary of the catalogue`, `${where}itineraryId`);
    }
    itinerary = itineraryLookup.value ?? null;
  }

  // Features as of the start of the quote's hour: quotes of one hour share a lookup, and nothing after the quote is seen.
  const asOf = new Date(Math.floor(quotedAt.getTime() / HOUR_MS) * HOUR_MS);
  const { segmenter, segmentationVersion } = priced.model;
  const segmentation = segmentAssigner(priced.model);
  const { values: knownValues, defaulted: knownDefaulted } = knownPriceFeatures(knownQuoteFacts(quotation, asOf, itinerary, ctx.catalogue));
  // The warehouse is asked only for what the request and the catalogue do not know (the customer's history, or a past hour).
  const needed = priced.model.price.featureNames.filter((name) => request.features?.[name] === undefined && !Number.isFinite(knownValues[name]));
  let warehouse: QuoteFeatures | undefined;
  if (itinerary && needed.length === 1 && needed[0] === SEGMENT_FEATURE && customerId !== undefined) {
    // Only the customer's segment is left: one lookup per customer and hour, shared by every quote for them.
    const lookup = await ctx.online.lookup(
      'price',
      `segment:${segmentationVersion ?? '-'}|${customerId}|${asOf.getTime()}`,
      async () => {
        const found = await ctx.sources.customerFeatures(customerId, asOf);
        const [segment] = assignSegments(segmentation, [found ?? { values: {}, hasHistory: false }]);
        // An id the warehouse does not know is a walk-in, as in the feature SQL. A customer with no booking yet is
        // "new customer" (−1), a value the model was trained with, not a default; only a missing segmenter is one.
        return { values: { [SEGMENT_FEATURE]: segment }, defaulted: segmentation ? [] : [SEGMENT_FEATURE], snapshotId: `${priceFeaturesVersionTag(segmentationVersion)}@${asOf.toISOString()}` };
      },
      deadline - performance.now(),
    );
    warehouse = lookup.value;
  } else if (itinerary && needed.length > 0) {
    const key = [segmentationVersion ?? '-', request.itineraryId, request.departureDate, request.partySize, customerId ?? 0, request.cost, asOf.getTime()].join('|');
    const lookup = await ctx.online.lookup('price', key, () => ctx.sources.priceFeatures({ ...quotation, quotedAt: asOf }, segmentation), deadline - performance.now());
    warehouse = lookup.value;
  }

  const row = assembleFeatureRow(priced.model.price.featureNames, {
    explicit: request.features,
    known: knownValues,
    knownDefaulted,
    warehouse: warehouse?.values,
    warehouseDefaulted: warehouse?.defaulted,
    medians: await medians,
  });
  if (row.defaulted.length > 0) ctx.metrics.featuresDefaulted.inc({ kind: 'price' }, row.defaulted.length);

  const profiles = segmenter ? segmentProfiles(segmenter) : undefined;
  // A default is not a fact about this trip: it is never given as a reason ("departure 0% booked" of a full one).
  const [suggestion] = priced.model.price.predict([{ features: row.values, cost: request.cost }], { describe: describerFor(priced.model), currency: CURRENCY, maxReasons: 5, exclude: row.defaulted });
  // An itinerary the catalogue did not answer for in time has no known scope: the default rule holds it.
  const rule = guardrails.ruleFor(itinerary?.destinationId ?? null, itinerary?.serviceLevel ?? null);
  const guarded = applyGuardrails(suggestion.mean, { cost: request.cost, partySize: request.partySize, listPrice: request.listPrice }, rule);
  const segmentValue = warehouse?.values[SEGMENT_FEATURE] ?? row.values[SEGMENT_FEATURE];
  const answer: PriceSuggestionAnswer = {
    quotationRef: request.quotationRef ?? null,
    price: round2(guarded.price),
    lo80: round2(suggestion.lo80),
    hi80: round2(suggestion.hi80),
    currency: CURRENCY,
    modelPrice: round2(suggestion.mean),
    guardrail: guarded.fired,
    guardrails: {
      version: guardrails.version,
      ruleId: rule.id,
      destinationId: rule.destinationId,
      serviceLevel: rule.serviceLevel,
      minMargin: rule.minMargin,
      maxMargin: rule.maxMargin ?? null,
      maxPricePerPax: rule.maxPricePerPax ?? null,
      maxChangeVsList: rule.maxChangeVsList ?? null,
      floor: round2(guarded.floor),
      ceiling: guarded.ceiling === null ? null : round2(guarded.ceiling),
      listBand: guarded.listBand && { lo: round2(guarded.listBand.lo), hi: round2(guarded.listBand.hi) },
    },
    reasonCodes: suggestion.reasonCodes.map((r) => ({ feature: r.feature, amount: round2(r.amount), text: r.text })),
    baseValue: round2(suggestion.baseValue),
    contributions: Object.fromEntries(Object.entries(suggestion.contributions).map(([name, amount]) => [name, round2(amount)])),
    features: row.values,
    segment: segmentValue === undefined || segmentValue < 0 || !segmentationVersion ? null : { id: segmentValue, name: profiles?.[segmentValue]?.name ?? null, modelVersion: segmentationVersion },
    modelVersion: priced.version,
    featureSnapshotId: featureSnapshotId(row.values),
    featureSource: warehouse?.snapshotId ?? null,
    defaultedFeatures: withheld && !ctx.consent.known ? [...row.defaulted, 'personalisation_consent'] : row.defaulted,
    provisional: row.missing.length > 0,
  };
  return { answer, request, features: row.values, quotation, itinerary };
}
