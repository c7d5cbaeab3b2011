import { InputError } from '../../platform/errors.ts';
import { recordSuggestion, type RecordedSuggestion } from '../suggestions/record-suggestion.ts';
import { findDeparture, loadComponents, loadCustomer, loadItinerary } from './catalogue.ts';
import { priceQuotation, type PricingDeps } from './price-quotation.ts';
import { recordQuotationEvent } from './quotation-events.ts';
import { addMembers, type NewMember } from './quotation-members.ts';
import type { QuotationRequest } from './quotation-request.ts';
import { writeVersion } from './quotation-versions.ts';
import { inTransaction } from '../../platform/transaction.ts';
import { appendAudit, type Actor } from '../../platform/audit-log.ts';
import { refusePastDeparture } from './departure-date.ts';

/**
 * Builds a quotation: costs the itinerary (or a custom list of components) for the group, prices it cost-plus,
 * asks the scoring API for a suggestion and a price table by group size, and writes version 1 with its detail,
 * the members and their shares, the `quotation.created` event and the suggestion — in one transaction. The
 * suggestion either waits for a pricing manager or, inside its auto-accept band, gives version 2 at once.
 * When the API is down the quotation is still made, cost-plus, and says so (fallbackReason).
 */
export interface CreatedQuotation {
  quotationId: number;
  version: number;
  costTotal: number;
  priceTotal: number;
  priceSource: string;
  fallbackReason: string | null;
  suggestion: RecordedSuggestion | null;
  /** With their access tokens: the only time the tokens are shown. */
  members: NewMember[];
}

export interface RecordOptions {
  /** Also appends an audit row (quotation.create / quotation.update) in the same transaction, for this credential. */
  audit?: Actor;
}

export async function createQuotation(deps: PricingDeps, request: QuotationRequest, actor: string, options: RecordOptions = {}): Promise<CreatedQuotation> {
  if (!actor) throw new InputError('a quotation needs the name of who makes it', 'actor');
  refusePastDeparture(request.departureDate);
  const itinerary = await loadItinerary(deps.pool, request.itineraryId);
  const customer = await loadCustomer(deps.pool, request.customerId);
  const departure = await findDeparture(deps.pool, itinerary.id, request.departureDate, request.partySize);
  const components = request.components ?? (await loadComponents(deps.pool, itinerary.id));
  if (components.length === 0) throw new InputError(`itinerary ${itinerary.code} has no components to cost; give components for a custom quotation`, 'components');
  const language = request.language ?? customer.language;
  // The id is taken before the API is called so the API's request log can be joined to the quotation.
  const reserved = await deps.pool.query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('quotations', 'id')) AS id`);
  const quotationId = Number(reserved.rows[0].id);

  const priced = await priceQuotation(deps, {
    quotationId,
    itinerary,
    components,
    partySize: request.partySize,
    language,
    rooms: request.rooms ?? null,
    departureDate: request.departureDate,
    customerId: customer.id,
    channel: request.channel,
    bands: request.bands,
  });
  const { costing } = priced;
  const priceSource = priced.fallbackReason ? 'cost_plus_fallback' : 'cost_plus';

  return inTransaction(deps.pool, async (client) => {
    await client.query(
      `INSERT INTO quotations (id, customer_id, itinerary_id, departure_id, departure_date, party_size, channel, status, current_version,
                               cost_total, price_total, currency, quoted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', 1, $8, $9, $10, now())`,
      [quotationId, customer.id, itinerary.id, departure?.id ?? null, request.departureDate, request.partySize, request.channel, costing.costTotal, priced.costPlusPrice, costing.currency],
    );
    const members = request.members ? await addMembers(client, quotationId, request.members.map((m) => m.name)) : [];
    await writeVersion(client, {
      quotationId,
      version: 1,
      partySize: request.partySize,
      departureDate: request.departureDate,
      language,
      roomPlan: request.rooms ?? null,
      componentsSource: request.components ? 'custom' : 'itinerary',
      costing,
      priceTotal: priced.costPlusPrice,
      priceSource,
      changedBy: actor,
      changeReason: null,
      fallbackReason: priced.fallbackReason,
      costPlusMarkup: priced.markup,
      priceTable: priced.priceTable,
      members,
    });
    await recordQuotationEvent(client, {
      type: 'quotation.created', quotationId, version: 1, actor, priceTotal: priced.costPlusPrice, costTotal: costing.costTotal,
      priceSource, fallbackUsed: priced.fallbackReason !== null,
    });
    const suggestion = priced.score
      ? await recordSuggestion(client, {
          quotation: { quotationId, version: 1, status: 'draft', costTotal: costing.costTotal, priceTotal: priced.costPlusPrice },
          itineraryId: itinerary.id,
          destinationId: itinerary.destinationId,
          serviceLevel: itinerary.serviceLevel,
          departureId: departure?.id ?? null,
          departureDate: request.departureDate,
          partySize: request.partySize,
          currency: costing.currency,
          suggestion: priced.score.suggestion,
          loadFactor: priced.score.loadFactor,
          pace: priced.score.pace,
        })
      : null;
    const autoAccepted = suggestion?.state === 'auto_accepted' && suggestion.decision;
    const created: CreatedQuotation = {
      quotationId,
      version: autoAccepted ? (suggestion.decision!.resultingVersion as number) : 1,
      costTotal: costing.costTotal,
      priceTotal: autoAccepted ? suggestion.decision!.decidedPrice : priced.costPlusPrice,
      priceSource: autoAccepted ? 'model' : priceSource,
      fallbackReason: priced.fallbackReason,
      suggestion,
      members,
    };
    if (options.audit) {
      await appendAudit(client, options.audit, {
        action: 'quotation.create',
        target: `quotation:${quotationId}`,
        after: { version: created.version, partySize: request.partySize, departureDate: request.departureDate, priceTotal: created.priceTotal, costTotal: created.costTotal, priceSource: created.priceSource },
      });
    }
    return created;
  });
}
