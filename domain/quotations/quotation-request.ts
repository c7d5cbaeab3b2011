import { CHANNELS, type Channel } from '../../contract/prices.ts';
import { InputError } from '../../platform/errors.ts';
import { COMPONENT_KINDS, COST_UNITS, type CostComponent } from './costing.ts';
import { checkBands, DEFAULT_BANDS, type GroupSizeBand } from './price-table.ts';
import type { RoomPlan } from './room-split.ts';

/**
 * A request for a quotation, checked field by field so a caller (CLI, API, test) learns exactly what to fix.
 */
export { CHANNELS, type Channel };

export interface MemberInput {
  name: string;
}

export interface QuotationRequest {
  customerId: number;
  itineraryId: number;
  departureDate: string;
  partySize: number;
  channel: Channel;
  /** The guide's language; the customer's language when absent. */
  language?: string;
  /** One per traveller, in traveller order, for a group whose members each see their own share. */
  members?: MemberInput[];
  rooms?: RoomPlan;
  /** Replaces the itinerary's components: a tailor-made quotation. */
  components?: CostComponent[];
  bands: GroupSizeBand[];
}

export interface QuotationChange {
  partySize?: number;
  departureDate?: string;
  language?: string;
  /** Replaces the members; existing members keep their access when listed with their id. */
  members?: Array<MemberInput & { id?: number }>;
  /** null: back to the default room split. */
  rooms?: RoomPlan | null;
  components?: CostComponent[];
  reason: string;
}

const obj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function positiveId(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new InputError(`${field} must be a positive whole number, got ${JSON.stringify(value)}`, field);
  return value;
}

export function checkPartySize(value: unknown, field = 'partySize'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 200) throw new InputError(`${field} must be a whole number from 1 to 200, got ${JSON.stringify(value)}`, field);
  return value;
}

export function checkDate(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new InputError(`${field} must be a date as YYYY-MM-DD, got ${JSON.stringify(value)}`, field);
  }
  return value;
}

function checkLanguage(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^[a-z]{2}$/.test(value)) throw new InputError(`${field} must be a two-letter language code such as "en" or "de", got ${JSON.stringify(value)}`, field);
  return value;
}

function checkMembers(value: unknown, partySize: number | undefined, allowIds: boolean): Array<MemberInput & { id?: number }> {
  if (!Array.isArray(value)) throw new InputError('members must be a list of {name}', 'members');
  if (partySize !== undefined && value.length !== partySize) {
    throw new InputError(`members lists ${value.length} travellers but partySize is ${partySize}; name every traveller or leave members out`, 'members');
  }
  return value.map((m, i) => {
    if (!obj(m) || typeof m.name !== 'string' || m.name.trim() === '' || m.name.length > 200) throw new InputError(`members[${i}].name must be 1 to 200 characters`, `members[${i}].name`);
    if (m.id !== undefined && !allowIds) throw new InputError(`members[${i}].id is only for changing a quotation`, `members[${i}].id`);
    return m.id === undefined ? { name: m.name.trim() } : { id: positiveId(m.id, `members[${i}].id`), name: m.name.trim() };
  });
}

function checkRooms(value: unknown): RoomPlan {
  if (!Array.isArray(value) || value.some((room) => !Array.isArray(room))) throw new InputError('rooms must be a list of rooms, each a list of traveller numbers (0-based)', 'rooms');
  return value as RoomPlan;
}

function checkComponents(value: unknown): CostComponent[] {
  if (!Array.isArray(value) || value.length === 0) throw new InputError('components must be a non-empty list', 'components');
  return value.map((c, i) => {
    const at = `components[${i}]`;
    if (!obj(c)) throw new InputError(`${at} must be an object`, at);
    if (!COMPONENT_KINDS.includes(c.kind as never)) throw new InputError(`${at}.kind must be one of ${COMPONENT_KINDS.join(', ')}`, `${at}.kind`);
    if (!COST_UNITS.includes(c.unit as never)) throw new InputError(`${at}.unit must be one of ${COST_UNITS.join(', ')}`, `${at}.unit`);
    if (typeof c.name !== 'string' || c.name.trim() === '') throw new InputError(`${at}.name is required`, `${at}.name`);
    if (typeof c.unitCost !== 'number' || !Number.isFinite(c.unitCost) || c.unitCost < 0) throw new InputError(`${at}.unitCost must be a non-negative number`, `${at}.unitCost`);
    return {
      componentId: null,
      kind: c.kind as CostComponent['kind'],
      name: c.name.trim(),
      dayNumber: c.dayNumber === undefined ? 1 : positiveId(c.dayNumber, `${at}.dayNumber`),
      nights: c.nights === undefined ? 0 : (c.nights as number),
      unit: c.unit as CostComponent['unit'],
      unitCost: c.unitCost,
      unitCapacity: c.unitCapacity === undefined ? null : (c.unitCapacity as number | null),
      currency: typeof c.currency === 'string' ? c.currency : 'USD',
    };
  });
}

export function checkQuotationRequest(raw: unknown): QuotationRequest {
  if (!obj(raw)) throw new InputError('the quotation request must be an object', 'body');
  const known = new Set(['customerId', 'itineraryId', 'departureDate', 'partySize', 'channel', 'language', 'members', 'rooms', 'components', 'bands']);
  for (const key of Object.keys(raw)) if (!known.has(key)) throw new InputError(`${key} is not a field of a quotation request`, key);
  const partySize = checkPartySize(raw.partySize);
  if (!CHANNELS.includes(raw.channel as Channel)) throw new InputError(`channel must be one of ${CHANNELS.join(', ')}, got ${JSON.stringify(raw.channel)}`, 'channel');
  const bands = raw.bands === undefined ? [...DEFAULT_BANDS] : (raw.bands as GroupSizeBand[]);
  if (!Array.isArray(bands)) throw new InputError('bands must be a list of {minPax, maxPax}', 'bands');
  checkBands(bands);
  return {
    customerId: positiveId(raw.customerId, 'customerId'),
    itineraryId: positiveId(raw.itineraryId, 'itineraryId'),
    departureDate: checkDate(raw.departureDate, 'departureDate'),
    partySize,
    channel: raw.channel as Channel,
    language: raw.language === undefined ? undefined : checkLanguage(raw.language, 'language'),
    members: raw.members === undefined ? undefined : checkMembers(raw.members, partySize, false),
    rooms: raw.rooms === undefined ? undefined : checkRooms(raw.rooms),
    components: raw.components === undefined ? undefined : checkComponents(raw.components),
    bands,
  };
}

export function checkQuotationChange(raw: unknown): QuotationChange {
  if (!obj(raw)) throw new InputError('the change must be an object', 'body');
  const known = new Set(['partySize', 'departureDate', 'language', 'members', 'rooms', 'components', 'reason']);
  for (const key of Object.keys(raw)) if (!known.has(key)) throw new InputError(`${key} is not a field of a quotation change`, key);
  if (typeof raw.reason !== 'string' || raw.reason.trim() === '') throw new InputError('reason is required: say why the quotation changes', 'reason');
  const partySize = raw.partySize === undefined ? undefined : checkPartySize(raw.partySize);
  return {
    partySize,
    departureDate: raw.departureDate === undefined ? undefined : checkDate(raw.departureDate, 'departureDate'),
    language: raw.language === undefined ? undefined : checkLanguage(raw.language, 'language'),
    members: raw.members === undefined ? undefined : checkMembers(raw.members, partySize, true),
    rooms: raw.rooms === undefined ? undefined : raw.rooms === null ? null : checkRooms(raw.rooms),
    components: raw.components === undefined ? undefined : checkComponents(raw.components),
    reason: raw.reason.trim(),
  };
}
