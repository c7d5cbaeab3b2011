/**
 * Where a customer's personal data lives, declared once: erasure anonymises exactly these places and access
 * exports them, so the two cannot drift. Business facts (quotations, bookings, payments, prices) stay; the
 * fields that say who the person is, or what they wrote, do not.
 */

/** The value an erased customer's name takes everywhere. */
export const ERASED_NAME = 'erased customer';

/** PostgreSQL: how each table's personal fields are anonymised, by the customer's id ($1). */
export const BOOKING_SYSTEM_ERASURE: ReadonlyArray<{ table: string; sql: string }> = [
  {
    table: 'customers',
    sql: `UPDATE customers SET name = '${ERASED_NAME}', email = NULL, external_ref = NULL, consent_personalisation = false,
            erased_at = coalesce(erased_at, now()) WHERE id = $1`,
  },
  {
    table: 'customer_group_profiles',
    sql: `UPDATE customer_group_profiles SET ages = '{}', special_needs = '{}', preferences = '{}' WHERE customer_id = $1`,
  },
  { table: 'ratings', sql: `UPDATE ratings SET comment = NULL WHERE customer_id = $1 AND comment IS NOT NULL` },
  { table: 'chat_messages', sql: `UPDATE chat_messages SET text = NULL, text_withheld = true WHERE customer_id = $1 AND text IS NOT NULL` },
  {
    // Tombstones of deleted rows keep the whole old row for the ingest: their personal fields go too.
    table: 'ingest_deletions',
    sql: `UPDATE ingest_deletions SET old_row = CASE table_name
            WHEN 'customers' THEN old_row || jsonb_build_object('name', '${ERASED_NAME}', 'email', NULL, 'external_ref', NULL)
            WHEN 'customer_group_profiles' THEN old_row || '{"ages": [], "special_needs": [], "preferences": {}}'::jsonb
            WHEN 'chat_messages' THEN old_row || '{"text": null, "text_withheld": true}'::jsonb
            ELSE old_row || '{"comment": null}'::jsonb END
          WHERE (table_name = 'customers' AND old_row->>'id' = $1::text)
             OR (table_name IN ('customer_group_profiles', 'ratings', 'chat_messages') AND old_row->>'customer_id' = $1::text)`,
  },
  {
    table: 'quotation_members',
    sql: `UPDATE quotation_members SET name = 'erased member' WHERE name <> 'erased member'
            AND quotation_id IN (SELECT id FROM quotations WHERE customer_id = $1)`,
  },
];

/**
 * Import rejects keep the raw line a person sent, which may name the customer as people type it: those lines are
 * blanked, found by the values the customer had before they were anonymised — the e-mail ($1) or the outside
 * reference ($2) anywhere in the line, in any case, or the name ($3: each pattern must match, whole words, any case).
 * Each value is a case-insensitive regular expression (importRejectPatterns).
 */
const NAMES_THE_CUSTOMER = `(
    ($1::text IS NOT NULL AND raw_line ~* $1) OR ($2::text IS NOT NULL AND raw_line ~* $2)
    OR (cardinality($3::text[]) > 0 AND (SELECT bool_and(raw_line ~* word) FROM unnest($3::text[]) AS word)))`;
export const IMPORT_REJECTS_ERASURE = `UPDATE import_rejects SET raw_line = '[erased]' WHERE raw_line <> '[erased]' AND ${NAMES_THE_CUSTOMER}`;
/** The same lines, for an export. */
export const IMPORT_REJECTS_EXPORT = `SELECT id, import_id, line_number, field, reason, raw_line, created_at FROM import_rejects WHERE ${NAMES_THE_CUSTOMER} ORDER BY id`;

const escaped = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A value as a whole token of a line: not inside a longer word or reference ("C0000258" not in "C00002581"). */
function wholeToken(value: string): string {
  return `(^|[^[:alnum:]])${escaped(value)}([^[:alnum:]]|$)`;
}

/** An e-mail as a whole address: "john@x.com" is not in "mary.john@x.com" or "john@x.com.pe". */
function wholeAddress(email: string): string {
  return `(^|[^[:alnum:]._%+-])${escaped(email)}\\.?([^[:alnum:]._-]|$)`;
}

/**
 * The patterns IMPORT_REJECTS_ERASURE and IMPORT_REJECTS_EXPORT take for a customer's e-mail, outside reference and
 * name: every word of the name, in any order and case ("OLIVIA WILSON", "Wilson, Olivia"). A one-word name ("Ana")
 * would match every line that mentions another Ana: erasure still blanks those (it errs towards blanking), an export
 * finds its lines by the e-mail and the reference alone, so it never hands out a bystander's line.
 */
export function importRejectPatterns(customer: { email: string | null; externalRef: string | null; name: string }, purpose: 'erase' | 'export'): [string | null, string | null, string[]] {
  const words = customer.name.split(/[\s,;]+/).filter((word) => word.length > 0);
  const names = words.length > 1 || purpose === 'erase' ? words.map(wholeToken) : [];
  return [customer.email && wholeAddress(customer.email), customer.externalRef && wholeToken(customer.externalRef), names];
}

/**
 * ClickHouse: tables the ingest copied, rewritten in place (every part and old version, not only the newest row);
 * `{id:UInt64}` is the customer.
 */
export const WAREHOUSE_REWRITES: ReadonlyArray<{ table: string; set: string; where: string; erasedWhen: string }> = [
  {
    table: 'customers',
    set: `name = {erased:String}, email = NULL, external_ref = NULL, consent_personalisation = 0, erased_at = coalesce(erased_at, now64(6))`,
    where: 'id = {id:UInt64}',
    erasedWhen: 'name = {erased:String} AND email IS NULL AND external_ref IS NULL',
  },
  {
    table: 'customer_group_profiles',
    // ages and special_needs are stored copies parsed from the JSON at insert: rewritten too.
    set: `ages_json = '[]', special_needs_json = '[]', preferences = '{}', ages = [], special_needs = []`,
    where: 'customer_id = {id:UInt64}',
    erasedWhen: `ages_json = '[]' AND special_needs_json = '[]' AND preferences = '{}' AND empty(ages) AND empty(special_needs)`,
  },
  { table: 'ratings', set: 'comment = NULL', where: 'customer_id = {id:UInt64}', erasedWhen: 'comment IS NULL' },
  {
    table: 'chat_messages',
    set: 'text = NULL, text_withheld = 1',
    where: 'customer_id = {id:UInt64}',
    erasedWhen: 'text IS NULL',
  },
  // The rejected lines the booking system blanked ({rejects:Array(UInt64)}, every version of them).
  { table: 'import_rejects', set: `raw_line = '[erased]'`, where: 'has({rejects:Array(UInt64)}, id)', erasedWhen: `raw_line = '[erased]'` },
];

/** ClickHouse: what was derived from the customer for personalisation, dropped. */
export const WAREHOUSE_DELETES: ReadonlyArray<{ table: string; where: string }> = [
  { table: 'customer_features', where: 'customer_id = {id:UInt64}' },
  { table: 'customer_itinerary_interactions', where: 'customer_id = {id:UInt64}' },
  { table: 'customer_segments', where: 'customer_id = {id:UInt64}' },
  { table: 'customer_recommendations', where: 'customer_id = {id:UInt64}' },
  // Their quotations' rows hold their history's features; rebuilds leave erased customers' quotations out too.
  { table: 'price_training_rows', where: 'customer_id = {id:UInt64}' },
];

/**
 * ClickHouse: logs whose rows keep their aggregates but lose the person — the customer id becomes a keyed
 * pseudonym ({pseudonym:UInt64}) in the id column and in the JSON the row kept.
 */
export const WAREHOUSE_PSEUDONYMS: ReadonlyArray<{ table: string; column: string; jsonColumns: string[] }> = [
  { table: 'scored_requests', column: 'customer_id', jsonColumns: ['request', 'features', 'response', 'subject'] },
];

/** PostgreSQL tables an export reads, by the customer's id ($1). */
export const BOOKING_SYSTEM_EXPORT: ReadonlyArray<{ name: string; sql: string }> = [
  { name: 'customer', sql: 'SELECT * FROM customers WHERE id = $1' },
  { name: 'groupProfile', sql: 'SELECT * FROM customer_group_profiles WHERE customer_id = $1' },
  { name: 'quotations', sql: 'SELECT * FROM quotations WHERE customer_id = $1 ORDER BY id' },
  { name: 'quotationMembers', sql: 'SELECT id, quotation_id, name, removed_at, created_at FROM quotation_members WHERE quotation_id IN (SELECT id FROM quotations WHERE customer_id = $1) ORDER BY id' },
  { name: 'bookings', sql: 'SELECT * FROM bookings WHERE customer_id = $1 ORDER BY id' },
  { name: 'payments', sql: 'SELECT p.* FROM payments p JOIN bookings b ON b.id = p.booking_id WHERE b.customer_id = $1 ORDER BY p.id' },
  { name: 'ratings', sql: 'SELECT * FROM ratings WHERE customer_id = $1 ORDER BY id' },
  // The session's hash is how the chat front end finds it again, nothing the customer gave: left out.
  { name: 'chatSessions', sql: 'SELECT id, created_at, last_message_at, messages FROM chat_sessions WHERE customer_id = $1 ORDER BY id' },
  { name: 'chatMessages', sql: 'SELECT * FROM chat_messages WHERE customer_id = $1 ORDER BY id' },
  { name: 'erasures', sql: 'SELECT phase, reason, created_at FROM customer_erasures WHERE customer_id = $1 ORDER BY id' },
];

/** ClickHouse tables an export reads, by `{id:UInt64}`. */
export const WAREHOUSE_EXPORT: ReadonlyArray<{ name: string; sql: string }> = [
  { name: 'segments', sql: 'SELECT model_version, segment FROM customer_segments_current WHERE customer_id = {id:UInt64}' },
  { name: 'recommendations', sql: 'SELECT model_version, rank, itinerary_id FROM customer_recommendations_current WHERE customer_id = {id:UInt64} ORDER BY rank' },
  { name: 'features', sql: 'SELECT * FROM customer_features WHERE customer_id = {id:UInt64}' },
  { name: 'interactions', sql: 'SELECT itinerary_id, weight, kind, last_event_at FROM customer_itinerary_interactions WHERE customer_id = {id:UInt64} ORDER BY itinerary_id' },
  { name: 'priceTrainingRows', sql: 'SELECT * FROM price_training_rows WHERE customer_id = {id:UInt64} ORDER BY quotation_id' },
  { name: 'scoredRequests', sql: 'SELECT scored_at, route, family, model_version, request, response FROM scored_requests WHERE customer_id = {id:UInt64} ORDER BY scored_at LIMIT 10000' },
];
