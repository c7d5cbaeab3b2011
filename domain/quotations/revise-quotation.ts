import type pg from 'pg';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { recordSuggestion, supersedePending, type RecordedSuggestion } from '../suggestions/record-suggestion.ts';
import { ReviewConflictError } from '../suggestions/review-errors.ts';
import { findDeparture, loadComponents, loadItinerary } from './catalogue.ts';
import type { CostComponent } from './costing.ts';
import { DEFAULT_BANDS } from './price-table.ts';
import { priceQuotation, type PricingDeps } from './price-quotation.ts';
import { recordQuotationEvent } from './quotation-events.ts';
import { currentMembers, replaceMembers, type NewMember } from './quotation-members.ts';
import type { Channel, QuotationChange } from './quotation-request.ts';
import { lockQuotation, writeVersion } from './quotation-versions.ts';
import type { RoomPlan } from './room-split.ts';
import { inTransaction } from '../../platform/transaction.ts';
import { appendAudit } from '../../platform/audit-log.ts';
import type { RecordOptions } from './create-quotation.ts';
import { refusePastDeparture } from './departure-date.ts';

/**
 * Changes a quotation (group size, date, language, rooms, members, components): it is costed and priced again
 * and the result is a new version, with who changed it and why. The new version starts from cost-plus like a
 * new quotation, and its fresh suggestion supersedes any still pending for the old one.
 */
export interface RevisedQuotation {
  quotationId: number;
  version: number;
  costTotal: number;
  priceTotal: number;
  priceSource: string;
  fallbackReason: string | null;
  suggestion: RecordedSuggestion | null;
  members: NewMember[];
}

interface CurrentInputs {
  version: number;
  status: string;
  customerId: number;
  itineraryId: number;
  /** quotations.channel is checked against the same channels the API takes. */
  channel: Channel;
  partySize: number;
  departureDate: string;
  language: string;
  roomPlan: RoomPlan | null;
  componentsSource: 'itinerary' | 'custom';
}

async function currentInputs(db: pg.Pool, quotationId: number): Promise<CurrentInputs> {
  const { rows } = await db.query(
    `SELECT q.current_version, q.status, q.customer_id, q.itinerary_id, q.channel, d.party_size, d.departure_date::text AS departure_date,
            d.language, d.room_plan, d.components_source
       FROM quotations q JOIN quotation_version_details d ON d.quotation_id = q.id AND d.version = q.current_version
      WHERE q.id = $1`,
    [quotationId],
  );
  if (rows.length === 0) throw new NotFoundError(`there is no quotation with id ${quotationId} made by the quotation engine`, 'quotationId');
  const r = rows[0];
  return {
    version: r.current_version,
    status: r.status,
    customerId: Number(r.customer_id),
    itineraryId: r.itinerary_id,
    channel: r.channel,
    partySize: r.party_size,
    departureDate: r.departure_date,
    language: r.language,
    roomPlan: r.room_plan,
    componentsSource: r.components_source,
  };
}

/** A custom quotation is costed again from its own lines, as they were entered. */
async function customComponents(db: pg.Pool, quotationId: number, version: number): Promise<CostComponent[]> {
  const { rows } = await db.query(
    `SELECT component_id, kind, name, day_number, nights, unit, catalogue_unit_cost::float8 AS unit_cost, unit_capacity
       FROM quotation_version_lines WHERE quotation_id = $1 AND version = $2 AND kind <> 'operational' ORDER BY line_no`,
    [quotationId, version],
  );
  return rows.map((r) => ({
    componentId: r.component_id,
    kind: r.kind,
    name: r.name,
    dayNumber: r.day_number,
    nights: r.nights,
    unit: r.unit,
    unitCost: r.unit_cost,
    unitCapacity: r.unit_capacity,
    currency: 'USD',
  }));
}

export async function reviseQuotation(deps: PricingDeps, quotationId: number, change: QuotationChange, actor: string, options: RecordOptions = {}): Promise<RevisedQuotation> {
  if (!actor) throw new InputError('a change needs the name of who makes it', 'actor');
  const now = await currentInputs(deps.pool, quotationId);
  if (!['draft', 'sent'].includes(now.status)) throw new ReviewConflictError('quotation_closed', `quotation ${quotationId} is ${now.status} and can no longer change`);
  const itinerary = await loadItinerary(deps.pool, now.itineraryId);
  const partySize = change.partySize ?? now.partySize;
  if (change.departureDate !== undefined) refusePastDeparture(change.departureDate);
  const departureDate = change.departureDate ?? now.departureDate;
  const departure = await findDeparture(deps.pool, itinerary.id, departureDate, partySize);
  const language = change.language ?? now.language;
  const rooms = change.rooms === undefined ? (change.partySize === undefined ? now.roomPlan : null) : change.rooms;
  const components =
    change.components ?? (now.componentsSource === 'custom' ? await customComponents(deps.pool, quotationId, now.version) : await loadComponents(deps.pool, itinerary.id));
  const existingMembers = await currentMembers(deps.pool, quotationId);
  if (!change.members && existingMembers.length > 0 && existingMembers.length !== partySize) {
    throw new InputError(`the quotation names ${existingMembers.length} members but partySize becomes ${partySize}; give the members again`, 'members');
  }

  const priced = await priceQuotation(deps, {
    quotationId, itinerary, components, partySize, language, rooms, departureDate, customerId: now.customerId, channel: now.channel, bands: [...DEFAULT_BANDS],
  });
  const { costing } = priced;
  const priceSource = priced.fallbackReason ? 'cost_plus_fallback' : 'cost_plus';

  return inTransaction(deps.pool, async (client) => {
    const locked = await lockQuotation(client, quotationId);
    if (locked.version !== now.version) {
      throw new ReviewConflictError('quotation_changed', `quotation ${quotationId} changed (now version ${locked.version}) while this change was priced; try again`);
    }
    const members = change.members ? await replaceMembers(client, quotationId, change.members) : existingMembers;
    const version = now.version + 1;
    await writeVersion(client, {
      quotationId, version, partySize, departureDate, language, roomPlan: rooms,
      componentsSource: change.components ? 'custom' : now.componentsSource,
      costing, priceTotal: priced.costPlusPrice, priceSource, changedBy: actor, changeReason: change.reason,
      fallbackReason: priced.fallbackReason, costPlusMarkup: priced.markup, priceTable: priced.priceTable, members,
    });
    await client.query(
      `UPDATE quotations SET current_version = $2, party_size = $3, departure_date = $4, departure_id = $5, cost_total = $6, price_total = $7 WHERE id = $1`,
      [quotationId, version, partySize, departureDate, departure?.id ?? null, costing.costTotal, priced.costPlusPrice],
    );
    await recordQuotationEvent(client, {
      type: 'quotation.updated', quotationId, version, actor, priceTotal: priced.costPlusPrice, costTotal: costing.costTotal,
      priceSource, reason: change.reason, fallbackUsed: priced.fallbackReason !== null,
    });
    let suggestion: RecordedSuggestion | null = null;
    if (priced.score) {
      suggestion = await recordSuggestion(client, {
        quotation: { quotationId, version, status: locked.status, costTotal: costing.costTotal, priceTotal: priced.costPlusPrice },
        itineraryId: itinerary.id, destinationId: itinerary.destinationId, serviceLevel: itinerary.serviceLevel,
        departureId: departure?.id ?? null, departureDate, partySize, currency: costing.currency,
        suggestion: priced.score.suggestion, loadFactor: priced.score.loadFactor, pace: priced.score.pace,
      });
    } else {
      await supersedePending(client, quotationId);
    }
    const auto = suggestion?.state === 'auto_accepted' ? suggestion.decision : null;
    const revised: RevisedQuotation = {
      quotationId,
      version: auto?.resultingVersion ?? version,
      costTotal: costing.costTotal,
      priceTotal: auto?.decidedPrice ?? priced.costPlusPrice,
      priceSource: auto ? 'model' : priceSource,
      fallbackReason: priced.fallbackReason,
      suggestion,
      members,
    };
    if (options.audit) {
      await appendAudit(client, options.audit, {
        action: 'quotation.update',
        target: `quotation:${quotationId}`,
        before: { version: now.version, partySize: now.partySize, departureDate: now.departureDate, priceTotal: locked.priceTotal, costTotal: locked.costTotal },
        after: { version: revised.version, partySize, departureDate, priceTotal: revised.priceTotal, costTotal: revised.costTotal, priceSource: revised.priceSource, reason: change.reason },
      });
    }
    return revised;
  });
}
