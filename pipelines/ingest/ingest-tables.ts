/**
 * What the ingest copies, table by table: the PostgreSQL expression for every ClickHouse column, and the
 * key that orders rows for the watermark. The watermark columns (change_xid, then the key) come first in the
 * select list so that the last line of a batch can be read without parsing the rest of it. change_xid (the
 * transaction that last wrote the row, domain/migrations/004_change_capture.sql) is also ClickHouse's version.
 *
 * Expressions are chosen so PostgreSQL's COPY text output is already what ClickHouse's TabSeparated input
 * reads: the session runs in UTC, booleans become 0/1 and arrays become JSON text (parsed by a DEFAULT column
 * on the ClickHouse side, since COPY cannot write ClickHouse's array literal).
 */
export interface IngestTable {
  /** Same name in PostgreSQL and ClickHouse. */
  name: string;
  /** Primary-key columns in PostgreSQL, in watermark order after change_xid. */
  key: string[];
  /** ClickHouse column → PostgreSQL expression. */
  columns: Array<[string, string]>;
}

/**
 * timestamptz as UTC wall-clock text (`2024-01-02 10:00:00.123456`): ClickHouse's basic DateTime64 parser reads
 * it, and it is about four times faster than the best-effort parser that the `+00` suffix would need.
 */
const utc = (column: string): [string, string] => [column, `(${column} AT TIME ZONE 'UTC')`];

/**
 * An array as JSON text. ClickHouse's arrays hold no NULL, and its postgresql() reader makes a NULL element the
 * type's default ('' or 0); this writes the same default, so the pull and copy paths store the same text.
 */
const jsonArray = (column: string, array: string, elementDefault: string): [string, string] =>
  [column, `array_to_json(array_replace(${array}, NULL, ${elementDefault}))`];

/** The PostgreSQL array column a jsonArray expression reads, or undefined for any other expression. */
export function jsonArraySource(expression: string): string | undefined {
  return /^array_to_json\(array_replace\((\w+), NULL, [^)]+\)\)$/.exec(expression)?.[1];
}

const TIMESTAMPS = new Set(['created_at', 'updated_at', 'quoted_at', 'booked_at', 'changed_at', 'paid_at', 'rated_at']);

function table(name: string, key: string[], rest: Array<[string, string]>): IngestTable {
  const keyColumns: Array<[string, string]> = key.map((k) => [k, k]);
  const columns: Array<[string, string]> = [['change_xid', 'change_xid'], ...keyColumns, ...rest, ['updated_at', 'updated_at'], ['created_at', 'created_at']];
  return { name, key, columns: columns.map(([c, expr]) => (TIMESTAMPS.has(c) && expr === c ? utc(c) : [c, expr])) };
}

const same = (...names: string[]): Array<[string, string]> => names.map((n) => [n, n]);

export const INGEST_TABLES: readonly IngestTable[] = [
  table('destinations', ['id'], same('code', 'name', 'country', 'region', 'popularity')),
  table('itineraries', ['id'], [
    ...same('code', 'name', 'destination_id', 'duration_days'),
    ['service_level', 'service_level::text'],
    jsonArray('themes_json', 'themes', "''"),
    ['active', 'active::int'],
  ]),
  table('itinerary_components', ['id'], [
    ...same('itinerary_id'),
    ['kind', 'kind::text'],
    ...same('name', 'day_number', 'nights'),
    ['unit', 'unit::text'],
    ...same('unit_cost', 'unit_capacity', 'currency'),
  ]),
  table('departures', ['id'], same('itinerary_id', 'departure_date', 'capacity', 'seats_sold', 'status')),
  table('customers', ['id'], [
    ...same('external_ref', 'name', 'email', 'country', 'language', 'customer_type'),
    ['consent_personalisation', 'consent_personalisation::int'],
    utc('erased_at'),
  ]),
  table('customer_group_profiles', ['customer_id'], [
    ...same('group_size', 'adults', 'children', 'seniors'),
    jsonArray('ages_json', 'ages', '0'),
    jsonArray('special_needs_json', 'special_needs', "''"),
    ['preferences', 'preferences'],
  ]),
  table('quotations', ['id'], same(
    'customer_id', 'itinerary_id', 'departure_id', 'departure_date', 'party_size', 'channel', 'status',
    'current_version', 'cost_total', 'price_total', 'currency', 'quoted_at',
  )),
  table('quotation_versions', ['quotation_id', 'version'], same(
    'cost_total', 'price_total', 'currency', 'price_source', 'changed_by', 'change_reason',
  )),
  table('bookings', ['id'], same(
    'quotation_id', 'customer_id', 'itinerary_id', 'departure_id', 'destination_id', 'departure_date', 'party_size',
    'status', 'channel', 'country', 'total_price', 'total_cost', 'currency', 'booked_at', 'source',
  )),
  table('booking_status_history', ['id'], same('booking_id', 'status', 'reason', 'changed_at')),
  table('payments', ['id'], same('booking_id', 'amount', 'currency', 'method', 'status', 'paid_at')),
  table('ratings', ['id'], same('booking_id', 'customer_id', 'itinerary_id', 'score', 'comment', 'rated_at')),
  table('imports', ['id'], [['kind', 'kind'], ...same('file_name', 'file_sha256', 'status', 'rows_read', 'rows_loaded', 'rows_rejected'), utc('started_at'), utc('finished_at')]),
  table('import_rejects', ['id'], same('import_id', 'line_number', 'field', 'reason', 'raw_line')),
  table('chat_sessions', ['id'], [...same('session_hash', 'customer_id', 'messages'), utc('last_message_at')]),
  table('chat_messages', ['id'], [
    ...same('session_id', 'customer_id', 'text'),
    ['text_withheld', 'text_withheld::int'],
    ...same('language'),
    ['understood', 'understood::int'],
    ...same('intent', 'confidence', 'tone', 'entities'),
    jsonArray('missing_json', 'missing', "''"),
    ...same('quotation_id', 'model_version'),
  ]),
  // Append-only at the source (domain/migrations/012_audit_log.sql); before/after travel as JSON text.
  table('audit_log', ['id'], same('actor', 'actor_key_id', 'role', 'source', 'action', 'target', 'before', 'after', 'request_id')),
  // Immutable at the source (domain/migrations/021, change capture in 025): managers' decisions on price suggestions,
  // which the acceptance mart counts and the next price model learns from.
  table('suggestion_decisions', ['id'], [
    ...same('suggestion_id', 'action', 'decided_price', 'reason', 'decided_by', 'decided_by_role', 'auto_accept_band_id', 'resulting_version'),
    ...same('quotation_id', 'destination_id'),
    ['service_level', 'service_level::text'],
    ...same('departure_date', 'party_size', 'cost_total', 'current_price', 'suggested_price', 'lo80', 'hi80', 'guardrail', 'model_version', 'feature_snapshot_id', 'features'),
    utc('decided_at'),
  ]),
];

export function ingestTable(name: string): IngestTable | undefined {
  return INGEST_TABLES.find((t) => t.name === name);
}
