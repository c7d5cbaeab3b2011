/**
 * What a customer asks for, as shares of the itineraries quoted to them: the service level and the themes that
 * set the generator's and the sales team's segments apart. Quotations rather than bookings alone, because each
 * trip request is quoted one to three itineraries the customer chose by taste: more evidence per customer.
 */
export const QUOTED_MIX = [
  { name: 'standard_share', what: 'at standard service', sql: (i: string) => `${i}.service_level = 'standard'` },
  { name: 'luxury_share', what: 'at luxury service', sql: (i: string) => `${i}.service_level = 'luxury'` },
  { name: 'adventure_share', what: 'with an adventure theme', sql: (i: string) => `has(${i}.themes, 'adventure')` },
  { name: 'culture_share', what: 'with a culture theme', sql: (i: string) => `has(${i}.themes, 'culture')` },
  { name: 'gastronomy_share', what: 'with a gastronomy theme', sql: (i: string) => `has(${i}.themes, 'gastronomy')` },
] as const;

/**
 * A customer's history as running totals, one row per moment something new became known about them
 * (a booking, a cancellation, a rating, a quotation). Joining a point in time to it (ASOF JOIN on known_at < t) gives the
 * history as it stood just before t, which is how both the segmentation features (t = now) and the customer part
 * of a quotation's price features (t = quoted_at) are computed: one definition for both.
 *
 * `scoped` restricts the history to one customer ({scopeCustomerId:UInt64}), for an online lookup.
 */
export function customerHistoryCtes(scoped = false): string[] {
  const scope = scoped ? 'WHERE customer_id = {scopeCustomerId:UInt64}' : '';
  const noMix = QUOTED_MIX.map(() => '0').join(', ');
  return [
    `customer_events AS (
      SELECT assumeNotNull(customer_id) AS customer_id, known_at, toFloat64(1) AS bookings, toFloat64(party_size) AS travellers,
        total_price / party_size AS spend_per_pax, toFloat64(dateDiff('day', toDate(booked_at), departure_date)) AS lead_days,
        toFloat64(0) AS cancellations, toFloat64(0) AS ratings, toFloat64(0) AS rating_sum, toFloat64(0) AS quotes,
        ${QUOTED_MIX.map((m) => `toFloat64(0) AS quoted_${m.name}`).join(', ')}
      FROM booking_facts WHERE customer_id IS NOT NULL
      UNION ALL
      SELECT assumeNotNull(customer_id), known_at, 0, 0, 0, 0, 1, 0, 0, 0, ${noMix} FROM cancellation_facts WHERE customer_id IS NOT NULL
      UNION ALL
      SELECT customer_id, known_at, 0, 0, 0, 0, 0, 1, score, 0, ${noMix} FROM rating_facts
      UNION ALL
      SELECT assumeNotNull(qf.customer_id), qf.known_at, 0, 0, 0, 0, 0, 0, 0, 1, ${QUOTED_MIX.map((m) => `toFloat64(${m.sql('i')})`).join(', ')}
      FROM quotation_facts AS qf INNER JOIN itinerary_facts AS i ON i.itinerary_id = qf.itinerary_id WHERE qf.customer_id > 0
    )`,
    `customer_history AS (
      SELECT customer_id, known_at,
        sum(b) OVER w AS bookings, sum(t) OVER w AS travellers, sum(s) OVER w AS spend_per_pax, sum(l) OVER w AS lead_days,
        sum(c) OVER w AS cancellations, sum(r) OVER w AS ratings, sum(rs) OVER w AS rating_sum, sum(q) OVER w AS quotes,
        ${QUOTED_MIX.map((m) => `sum(q_${m.name}) OVER w AS quoted_${m.name}`).join(', ')}, min(known_at) OVER w AS first_at
      FROM (
        SELECT customer_id, known_at, sum(bookings) AS b, sum(travellers) AS t, sum(spend_per_pax) AS s, sum(lead_days) AS l,
          sum(cancellations) AS c, sum(ratings) AS r, sum(rating_sum) AS rs, sum(quotes) AS q,
          ${QUOTED_MIX.map((m) => `sum(quoted_${m.name}) AS q_${m.name}`).join(', ')}
        FROM customer_events ${scope}
        GROUP BY customer_id, known_at
      )
      WINDOW w AS (PARTITION BY customer_id ORDER BY known_at)
    )`,
    `customer_profiles AS (
      SELECT customer_id, if(empty(ages), nan, toFloat64(arrayMax(ages))) AS age FROM customer_group_profiles FINAL ${scope}
    )`,
  ];
}

/**
 * The segmentation features, as of `at`, from a history row `h` (joined as of `at`, NULL when the customer had no
 * history yet) and a profile row `p`. NaN marks what is unknown, and the segmenter imputes it.
 * Names match models/segmentation's vocabulary, so segment descriptions read naturally.
 */
export const CUSTOMER_FEATURES = [
  { name: 'age', description: 'age of the oldest traveller in the customer’s usual party (group profile)', sql: (h: string, p: string) => `ifNull(${p}.age, nan)` },
  {
    name: 'travel_frequency',
    description: 'trips a year: bookings not cancelled, over the years since the first booking (at least one year)',
    sql: (h: string, _p: string, at: string) =>
      `ifNull(if(${h}.bookings > 0, (${h}.bookings - ${h}.cancellations) / greatest(1, dateDiff('second', ${h}.first_at, ${at}) / 31557600), nan), nan)`,
  },
  { name: 'avg_budget', description: 'average price per traveller of the customer’s bookings', sql: (h: string) => `ifNull(if(${h}.bookings > 0, ${h}.spend_per_pax / ${h}.bookings, nan), nan)` },
  { name: 'avg_group_size', description: 'average travellers per booking', sql: (h: string) => `ifNull(if(${h}.bookings > 0, ${h}.travellers / ${h}.bookings, nan), nan)` },
  { name: 'advance_booking_days', description: 'average days from booking to departure', sql: (h: string) => `ifNull(if(${h}.bookings > 0, ${h}.lead_days / ${h}.bookings, nan), nan)` },
  { name: 'cancellation_rate', description: 'share of the customer’s bookings cancelled so far', sql: (h: string) => `ifNull(if(${h}.bookings > 0, ${h}.cancellations / ${h}.bookings, nan), nan)` },
  { name: 'satisfaction', description: 'average rating given (1–5); unknown for a customer who never rated', sql: (h: string) => `ifNull(if(${h}.ratings > 0, ${h}.rating_sum / ${h}.ratings, nan), nan)` },
  ...QUOTED_MIX.map((m) => ({
    name: m.name,
    description: `share of the itineraries quoted to the customer ${m.what}`,
    sql: (h: string) => `ifNull(if(${h}.quotes > 0, ${h}.quoted_${m.name} / ${h}.quotes, nan), nan)`,
  })),
];

export const CUSTOMER_FEATURE_NAMES: readonly string[] = CUSTOMER_FEATURES.map((f) => f.name);

/** `expr AS <prefix><name>` for every customer feature. */
export function customerFeatureSelect(h: string, p: string, at: string, prefix = ''): string {
  return CUSTOMER_FEATURES.map((f) => `${f.sql(h, p, at)} AS ${prefix}${f.name}`).join(',\n  ');
}
