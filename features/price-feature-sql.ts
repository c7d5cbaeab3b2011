import { ALL_FACTS } from './known-facts.ts';
import { componentCostSql, ESTIMATED_OPERATIONAL_PER_PAX, ESTIMATED_OPERATIONAL_RATE } from './cost-basis.ts';
import { CUSTOMER_FEATURE_NAMES, customerFeatureSelect, customerHistoryCtes } from './customer-history.ts';
import { COST_KINDS, PRICE_FEATURES } from './price-feature-definitions.ts';

/**
 * The price features' SQL (each feature's expression is in price-feature-definitions.ts; this joins what they
 * read), for any set of quotations given as `quotes`: a subquery with
 * row_key UInt64, customer_id UInt64 (0 = none), itinerary_id UInt32, departure_date Date, party_size UInt16,
 * quoted_at DateTime64(6, 'UTC'), cost_total Float64 (0 = unknown: estimated from the components),
 * price Float64, accepted UInt8.
 *
 * Point in time: every aggregate is a running total keyed by when its facts became known (known-facts.ts), and
 * each quotation is ASOF-joined to the last total strictly before its quoted_at (or before quoted_at − window for
 * the start of a window). So a row for a quotation made at t cannot change when anything known after t changes.
 *
 * `scoped` restricts the aggregates to one destination, itinerary and customer ({scopeDestinationId:UInt32},
 * {scopeItineraryId:UInt32}, {scopeCustomerId:UInt64}), so an online lookup does not total the whole warehouse.
 * Run with join_use_nulls = 1 (PRICE_FEATURE_SETTINGS): an unmatched ASOF join must read as "nothing yet".
 */
export const PRICE_FEATURE_SETTINGS = { join_use_nulls: 1 } as const;

/** Columns of a price feature row, in price_training_rows' order (built_at and features_version are added on insert). */
export const PRICE_ROW_COLUMNS: readonly string[] = [
  'quotation_id', 'quoted_at', 'customer_id', 'itinerary_id', 'destination_id', 'departure_date', 'price', 'cost',
  ...PRICE_FEATURES.filter((f) => f.sql !== undefined).map((f) => f.name),
  ...CUSTOMER_FEATURE_NAMES.map((name) => `customer_${name}`),
  'defaulted', 'accepted',
];

export function priceFeatureSql(quotes: string, scoped = false): string {
  const where = (column: string, param: string, type: string) => (scoped ? `AND ${column} = {${param}:${type}}` : '');
  const byDestination = where('destination_id', 'scopeDestinationId', 'UInt32');
  const byItinerary = where('itinerary_id', 'scopeItineraryId', 'UInt32');
  const costByKind = COST_KINDS.map((k) => `sumIf(amount, kind = '${k}') AS ${k}`).join(', ');
  const fromWarehouse = PRICE_FEATURES.filter((f) => f.sql !== undefined);
  const features = fromWarehouse.map((f) => `${f.sql} AS ${f.name}`).join(',\n  ');
  const defaulted = fromWarehouse.filter((f) => f.defaultedWhen !== undefined).map((f) => `if(${f.defaultedWhen}, '${f.name}', '')`).join(',\n    ');

  const ctes = [
    ...ALL_FACTS,
    ...customerHistoryCtes(scoped),
    `q AS (
      SELECT l.row_key AS row_key, l.customer_id AS customer_id, l.itinerary_id AS itinerary_id, l.departure_date AS departure_date,
        l.party_size AS party_size, l.quoted_at AS quoted_at, l.cost_total AS cost_total, l.price AS price, l.accepted AS accepted,
        i.destination_id AS destination_id, i.duration_days AS duration_days, i.service_level_rank AS service_level_rank,
        toUInt8(toMonth(l.departure_date)) AS departure_month, toDayOfWeek(l.departure_date) AS departure_weekday,
        l.quoted_at - INTERVAL 90 DAY AS popularity_from, l.quoted_at - INTERVAL 730 DAY AS season_from,
        l.departure_date - 7 AS window_lo, l.departure_date + 7 AS window_hi
      FROM (${quotes}) AS l
      INNER JOIN itinerary_facts AS i ON i.itinerary_id = l.itinerary_id
    )`,
    `destination_bookings AS (
      SELECT destination_id, known_at, sum(n) OVER (PARTITION BY destination_id ORDER BY known_at) AS cum
      FROM (SELECT assumeNotNull(destination_id) AS destination_id, known_at, toFloat64(count()) AS n
            FROM booking_facts WHERE destination_id IS NOT NULL ${byDestination} GROUP BY destination_id, known_at)
    )`,
    `destination_month_bookings AS (
      SELECT destination_id, month, known_at, sum(n) OVER (PARTITION BY destination_id, month ORDER BY known_at) AS cum
      FROM (SELECT assumeNotNull(destination_id) AS destination_id, toUInt8(toMonth(departure_date)) AS month, known_at, toFloat64(count()) AS n
            FROM booking_facts WHERE destination_id IS NOT NULL ${byDestination} GROUP BY destination_id, month, known_at)
    )`,
    `destination_departures AS (
      SELECT destination_id, departure_date, sum(n) OVER (PARTITION BY destination_id ORDER BY departure_date) AS cum
      FROM (SELECT destination_id, departure_date, toFloat64(count()) AS n FROM departure_facts WHERE 1 ${byDestination} GROUP BY destination_id, departure_date)
    )`,
    `departure_bookings AS (
      SELECT itinerary_id, departure_date, known_at, sum(n) OVER (PARTITION BY itinerary_id, departure_date ORDER BY known_at) AS cum
      FROM (SELECT assumeNotNull(itinerary_id) AS itinerary_id, departure_date, known_at, toFloat64(sum(party_size)) AS n
            FROM booking_facts WHERE itinerary_id IS NOT NULL ${byItinerary} GROUP BY itinerary_id, departure_date, known_at)
    )`,
    `departure_cancellations AS (
      SELECT itinerary_id, departure_date, known_at, sum(n) OVER (PARTITION BY itinerary_id, departure_date ORDER BY known_at) AS cum
      FROM (SELECT assumeNotNull(itinerary_id) AS itinerary_id, departure_date, known_at, toFloat64(sum(party_size)) AS n
            FROM cancellation_facts WHERE itinerary_id IS NOT NULL ${byItinerary} GROUP BY itinerary_id, departure_date, known_at)
    )`,
    `departure_capacity AS (
      SELECT itinerary_id, departure_date, toFloat64(max(capacity)) AS capacity FROM departure_facts WHERE 1 ${byItinerary} GROUP BY itinerary_id, departure_date
    )`,
    `cost_split AS (
      SELECT row_key, sum(amount) AS total, ${costByKind}
      FROM (SELECT q.row_key AS row_key, c.kind AS kind, ${componentCostSql('c', 'q.party_size')} AS amount
            FROM q INNER JOIN (SELECT * FROM itinerary_components FINAL WHERE 1 ${byItinerary}) AS c ON c.itinerary_id = q.itinerary_id)
      GROUP BY row_key
    )`,
  ];

  return `WITH
${ctes.join(',\n')}
SELECT
  q.row_key AS quotation_id, q.quoted_at AS quoted_at, q.customer_id AS customer_id, q.itinerary_id AS itinerary_id,
  q.destination_id AS destination_id, q.departure_date AS departure_date, q.price AS price,
  if(q.cost_total > 0, q.cost_total, ifNull(cs.total, 0) * (1 + ${ESTIMATED_OPERATIONAL_RATE}) + ${ESTIMATED_OPERATIONAL_PER_PAX} * q.party_size) AS cost,
  q.cost_total <= 0 AS cost_estimated,
  ${features},
  ${customerFeatureSelect('h', 'p', 'q.quoted_at', 'customer_')},
  arrayFilter(x -> x != '', [
    ${defaulted}
  ]) AS defaulted,
  q.accepted AS accepted
FROM q
ASOF LEFT JOIN destination_bookings AS pn ON pn.destination_id = q.destination_id AND pn.known_at < q.quoted_at
ASOF LEFT JOIN destination_bookings AS pt ON pt.destination_id = q.destination_id AND pt.known_at < q.popularity_from
ASOF LEFT JOIN destination_bookings AS st ON st.destination_id = q.destination_id AND st.known_at < q.season_from
ASOF LEFT JOIN destination_month_bookings AS mn ON mn.destination_id = q.destination_id AND mn.month = q.departure_month AND mn.known_at < q.quoted_at
ASOF LEFT JOIN destination_month_bookings AS mt ON mt.destination_id = q.destination_id AND mt.month = q.departure_month AND mt.known_at < q.season_from
ASOF LEFT JOIN destination_departures AS dh ON dh.destination_id = q.destination_id AND dh.departure_date <= q.window_hi
ASOF LEFT JOIN destination_departures AS dl ON dl.destination_id = q.destination_id AND dl.departure_date < q.window_lo
ASOF LEFT JOIN departure_bookings AS lb ON lb.itinerary_id = q.itinerary_id AND lb.departure_date = q.departure_date AND lb.known_at < q.quoted_at
ASOF LEFT JOIN departure_cancellations AS lc ON lc.itinerary_id = q.itinerary_id AND lc.departure_date = q.departure_date AND lc.known_at < q.quoted_at
LEFT JOIN departure_capacity AS cap ON cap.itinerary_id = q.itinerary_id AND cap.departure_date = q.departure_date
LEFT JOIN cost_split AS cs ON cs.row_key = q.row_key
ASOF LEFT JOIN customer_history AS h ON h.customer_id = q.customer_id AND h.known_at < q.quoted_at
LEFT JOIN customer_profiles AS p ON p.customer_id = q.customer_id`;
}

/** The accepted and other quotations of the booking system, as the `quotes` input of priceFeatureSql. */
export const WAREHOUSE_QUOTES = `
  SELECT qf.quotation_id AS row_key, qf.customer_id AS customer_id, qf.itinerary_id AS itinerary_id, qf.departure_date AS departure_date,
    qf.party_size AS party_size, qf.known_at AS quoted_at, qf.cost_total AS cost_total, qf.price_total AS price,
    toUInt8(qf.status IN ('converted', 'approved') OR qf.quotation_id IN (SELECT assumeNotNull(quotation_id) FROM bookings FINAL WHERE quotation_id IS NOT NULL)) AS accepted
  FROM quotation_facts AS qf
  WHERE qf.cost_total > 0 AND qf.price_total > 0 AND qf.party_size > 0
    AND (qf.customer_id IS NULL OR qf.customer_id NOT IN (SELECT id FROM erased_customers))`;
