import type pg from 'pg';
import type { Actor } from '../../platform/audit-log.ts';
import { InputError, SpiritError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/log.ts';
import { loadCustomer } from '../quotations/catalogue.ts';
import { createQuotation } from '../quotations/create-quotation.ts';
import { checkQuotationRequest } from '../quotations/quotation-request.ts';
import type { PriceScorer } from '../quotations/scoring-client.ts';
import { comparable, comparedFigure, fitsBudget, listPrices, type ListPrice } from './budget-fit.ts';
import {
  askFor,
  budgetNotComparable,
  missingOf,
  noBudgetFit,
  nothingToOffer,
  pastDateReply,
  proposalsWithinBudget,
  proposalsWithoutCustomer,
  quotedAgainstBudget,
  quotedReply,
  withTone,
  type Language,
  type MissingField,
} from './chat-replies.ts';
import { catalogueItineraries, rankProposals, type ProposedItinerary } from './itinerary-proposals.ts';
import type { ServingCalls, Understanding } from './serving-calls.ts';
import { emptyContext, type ConversationContext } from './session-store.ts';

/**
 * One customer message in a conversation: understood by the served nlu model (through the scoring API), its
 * entities merged into what the session already knows, and answered with what is still missing — or, once a
 * quote request has destination, dates and party size, with the destination's itineraries (recommender first
 * when the customer is known and consents to personalisation, then the catalogue) and a quotation made by the
 * quotation engine itself for the first of them.
 */
export interface ConversationDeps {
  pool: pg.Pool;
  log: Logger;
  calls: ServingCalls;
  scorer: PriceScorer;
  actor: Actor;
}

export interface ChatMessage {
  sessionId: string;
  text: string;
  customerId?: number;
  today: string;
}

export interface QuotationMade {
  quotationId: number;
  itineraryId: number;
  itineraryName: string;
  departureDate: string;
  partySize: number;
  priceTotal: number;
  currency: string;
  priceSource: string;
}

export interface ChatReply {
  sessionId: string;
  intent: string;
  confidence: number;
  language: Language;
  tone: string;
  understood: boolean;
  entities: Understanding['entities'];
  context: Pick<ConversationContext, 'destination' | 'destinationCode' | 'date_from' | 'date_to' | 'party_size' | 'budget' | 'service_level'>;
  missing: MissingField[];
  reply: string;
  itineraries: ProposedItinerary[];
  quotation: QuotationMade | null;
  modelVersion: string;
}

/** Intents that continue a quote request rather than change the subject ("somos 4", "hola, y para julio?"). */
const CONTINUES_REQUEST = new Set(['quotation_request', 'general', 'greeting']);

/** Intents that always change the subject, whatever the message carries. */
const CHANGES_SUBJECT = new Set(['support', 'payment', 'cancellation']);

/**
 * A customer asking for a trip, in words, whatever the classifier made of the message (it reads "quiero reservar un
 * tour a Cusco" as `booking`, "I want to go to Cusco" as `support`, "quiero que me coticen" as `cancellation`): a
 * quote asked for, or a wish to go, see or book somewhere — unless the message is about a booking they already have
 * or about cancelling. Nothing can be booked here before it is quoted, so such a message starts a quote request.
 */
const ASKS_FOR_TRIP =
  /\b(?:cotiza\w*|cotice\w*|coticen|quote|quotation)\b|\b(?:quiero|queremos|quisiera|quisieramos|me gustaria|nos gustaria|deseo|deseamos|want to|wanna|would like to|we'd like to|i'd like to|planning to|hoping to)\s+(?:\w+\s+){0,2}?(?:ir|viajar|conocer|visitar|reservar|go|travel|visit|see|book)\b/;
const ABOUT_A_BOOKING_HELD = /\b(?:mi|nuestra|su) reserva\b|\b(?:my|our) (?:booking|reservation)\b|\bcodigo de reserva\b|\bbooking (?:code|reference|ref|number)\b|\bcancel|\banul|\breembols|\brefund|\bdevolu/;

export function asksForTrip(text: string): boolean {
  const t = text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
  return ASKS_FOR_TRIP.test(t) && !ABOUT_A_BOOKING_HELD.test(t);
}

/**
 * Whether a message continues the session's quote request. The model reads one message without its
 * conversation, so a bare answer to our question ("el 14 de julio", "on September 2nd please") may come back as
 * `itinerary_info` or `booking`: when it brings a piece the request was missing, it is the answer. Support,
 * payment and cancellation change the subject whatever they carry.
 */
function continuesRequest(understanding: Understanding, missingBefore: readonly MissingField[]): boolean {
  if (CONTINUES_REQUEST.has(understanding.intent)) return true;
  if (CHANGES_SUBJECT.has(understanding.intent)) return false;
  const e = understanding.entities;
  return (missingBefore.includes('destination') && e.destinationCode !== null) || (missingBefore.includes('dates') && e.date_from !== null) || (missingBefore.includes('party_size') && e.party_size !== null);
}

function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function merge(context: ConversationContext, understanding: Understanding): void {
  const e = understanding.entities;
  if (e.destinationCode) {
    context.destination = e.destination;
    context.destinationCode = e.destinationCode;
  }
  // Dates travel together: a new start with no end replaces the old range.
  if (e.date_from) {
    context.date_from = e.date_from;
    context.date_to = e.date_to;
  }
  if (e.party_size) context.party_size = e.party_size;
  if (e.budget) context.budget = e.budget;
  if (e.service_level) context.service_level = e.service_level;
  if (understanding.intent === 'quotation_request') context.wantsQuotation = true;
  context.language = understanding.language;
}

async function consentsToPersonalisation(pool: pg.Pool, customerId: number): Promise<boolean> {
  const { rows } = await pool.query<{ consents: boolean }>('SELECT consent_personalisation AND erased_at IS NULL AS consents FROM customers WHERE id = $1', [customerId]);
  return rows[0]?.consents === true;
}

async function quote(deps: ConversationDeps, context: ConversationContext, language: Language): Promise<{ reply: string; itineraries: ProposedItinerary[]; quotation: QuotationMade | null }> {
  const departureDate = context.date_from!;
  const catalogue = await catalogueItineraries(deps.pool, context.destinationCode!, context.destination, departureDate, context.service_level);
  const customerId = context.customerId;
  const recommended = customerId !== null && (await consentsToPersonalisation(deps.pool, customerId)) ? await deps.calls.recommendations(customerId, departureDate, context.date_to ?? plusDays(departureDate, 30)) : [];
  const destination = context.destination ?? context.destinationCode!;
  const partySize = context.party_size!;
  const budget = context.budget;
  // Every itinerary of the destination is priced, not only the first few proposed: one within budget may rank last otherwise.
  const prices = budget ? await listPrices(deps.pool, catalogue, partySize, language) : new Map<number, ListPrice>();
  const withinBudget = budget ? new Set(catalogue.filter((i) => fitsBudget(prices.get(i.itineraryId), budget)).map((i) => i.itineraryId)) : undefined;
  // The price is shown whatever the budget's currency; whether it fits only when the two could be compared.
  const itineraries = rankProposals(catalogue, recommended, context.service_level, withinBudget).map((i) => {
    const listPrice = prices.get(i.itineraryId);
    if (!budget || !listPrice) return i;
    return comparable(budget, listPrice.currency) ? { ...i, listPrice, withinBudget: withinBudget!.has(i.itineraryId) } : { ...i, listPrice };
  });
  if (itineraries.length === 0) return { reply: nothingToOffer(destination, language), itineraries, quotation: null };
  // What the budget says of the proposals, before them ("nothing fits") or after them (which fit, or why it was not compared).
  let budgetBefore = '';
  let budgetAfter = '';
  const priceCurrency = [...prices.values()][0]?.currency;
  if (budget && priceCurrency && !comparable(budget, priceCurrency)) budgetAfter = budgetNotComparable(budget, priceCurrency, language);
  else if (budget && withinBudget!.size === 0) {
    // The least expensive of the destination, proposed or not: the proposals are only the first few, ranked by other things.
    const priced = catalogue.filter((i) => prices.has(i.itineraryId)).sort((a, b) => prices.get(a.itineraryId)!.total - prices.get(b.itineraryId)!.total);
    const least = priced[0] && prices.get(priced[0].itineraryId)!;
    const cheapest = least ? { name: priced[0].name, figure: comparedFigure(least, budget), currency: least.currency } : null;
    budgetBefore = noBudgetFit(destination, budget, partySize, cheapest, language);
  } else if (budget && customerId === null) budgetAfter = proposalsWithinBudget(itineraries.filter((i) => i.withinBudget).length, budget, partySize, language);
  const around = (reply: string) => [budgetBefore, reply, budgetAfter].filter((part) => part).join(' ');
  if (customerId === null) return { reply: around(proposalsWithoutCustomer(itineraries.map((i) => i.name), language)), itineraries, quotation: null };
  const [first, ...others] = itineraries;
  const request = checkQuotationRequest({ customerId, itineraryId: first.itineraryId, departureDate, partySize, channel: 'web', language });
  let created;
  try {
    created = await createQuotation({ pool: deps.pool, scorer: deps.scorer, log: deps.log }, request, deps.actor.name, { audit: deps.actor });
  } catch (error) {
    // The engine refusing this request (a closed departure, a party too large) is the customer's answer, not a failure of the chat.
    if (!(error instanceof SpiritError) || error.code !== 'invalid_input') throw error;
    deps.log.info('chat quotation refused by the engine', { field: error.field, error: error.message });
    const reply = language === 'es' ? `No pudimos cotizar en línea ese viaje (${error.message}); un asesor le escribirá.` : `We could not quote that trip online (${error.message}); an agent will write to you.`;
    return { reply: around(reply), itineraries, quotation: null };
  }
  const { rows } = await deps.pool.query<{ currency: string }>('SELECT currency FROM quotations WHERE id = $1', [created.quotationId]);
  const quotation: QuotationMade = {
    quotationId: created.quotationId,
    itineraryId: first.itineraryId,
    itineraryName: first.name,
    departureDate,
    partySize: request.partySize,
    priceTotal: created.priceTotal,
    currency: rows[0]?.currency ?? 'USD',
    priceSource: created.priceSource,
  };
  // The quotation's own price may be the scoring API's rather than the list price it was ranked by: it is the one the customer pays.
  if (budget && !budgetBefore && !budgetAfter && comparable(budget, quotation.currency)) {
    const figure = comparedFigure({ total: quotation.priceTotal, perPerson: quotation.priceTotal / quotation.partySize }, budget);
    budgetAfter = quotedAgainstBudget(figure <= budget.amount, budget, quotation.partySize, language);
  }
  return { reply: around(quotedReply(quotation, others.map((o) => o.name), language)), itineraries, quotation };
}

export async function converse(deps: ConversationDeps, message: ChatMessage, understanding: Understanding, stored: ConversationContext | undefined): Promise<{ reply: ChatReply; context: ConversationContext }> {
  const context = stored ?? emptyContext();
  if (message.customerId !== undefined) {
    if (context.customerId !== null && context.customerId !== message.customerId) {
      throw new InputError(`customerId ${message.customerId} differs from the customer this session began with; start a new session`, 'customerId');
    }
    await loadCustomer(deps.pool, message.customerId);
    context.customerId = message.customerId;
  }
  context.messages += 1;
  // Confidence 0 is the understander's word for "neither Spanish nor English, or nothing readable": its polite bilingual reply stands and nothing is merged.
  const understood = understanding.confidence > 0;
  const missingBefore = missingOf(context);
  if (understood) merge(context, understanding);
  const tripAsked = understood && asksForTrip(message.text);
  if (tripAsked) context.wantsQuotation = true;
  const language: Language = context.language ?? understanding.language;
  let missing = missingOf(context);

  let reply = understanding.nextQuestion;
  let itineraries: ProposedItinerary[] = [];
  let quotation: QuotationMade | null = null;
  if (understood && context.wantsQuotation && (tripAsked || continuesRequest(understanding, missingBefore))) {
    if (context.date_from !== null && context.date_from < message.today) {
      // Written as it was meant or not ("15/07/25"), a day already past is no departure: say so and ask again.
      reply = withTone(pastDateReply(context.date_from, language), language, understanding.tone);
      context.date_from = null;
      context.date_to = null;
      missing = missingOf(context);
    } else if (missing.length > 0) {
      reply = withTone(askFor(missing[0], language), language, understanding.tone);
    } else {
      const request = [context.destinationCode, context.date_from, context.date_to, context.party_size, context.service_level, context.customerId].join('|');
      if (request !== context.quotedFor) {
        const made = await quote(deps, context, language);
        ({ itineraries, quotation } = made);
        reply = withTone(made.reply, language, understanding.tone);
        if (quotation) {
          context.quotedFor = request;
          context.quotationId = quotation.quotationId;
        }
      } else {
        reply = language === 'es' ? `Su cotización N.º ${context.quotationId} ya está lista. ¿Desea cambiar algo?` : `Your quotation no. ${context.quotationId} is ready. Would you like to change anything?`;
      }
    }
  }
  return {
    context,
    reply: {
      sessionId: message.sessionId,
      intent: understanding.intent,
      confidence: understanding.confidence,
      language,
      tone: understanding.tone,
      understood,
      entities: understanding.entities,
      context: {
        destination: context.destination,
        destinationCode: context.destinationCode,
        date_from: context.date_from,
        date_to: context.date_to,
        party_size: context.party_size,
        budget: context.budget,
        service_level: context.service_level,
      },
      missing,
      reply,
      itineraries,
      quotation,
      modelVersion: understanding.modelVersion,
    },
  };
}
