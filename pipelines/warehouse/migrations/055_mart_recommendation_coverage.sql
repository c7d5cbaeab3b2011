-- Mart: recommendation coverage and how often recommended trips were booked.
-- Grain: one row per (model version, rank) of the batch recommendations (customer_recommendations, every version
-- written, not only the current one). customers: customers given a recommendation at that rank; itineraries:
-- distinct itineraries recommended at that rank; booked: customers who, after the batch was generated, made a
-- booking of the itinerary recommended to them at that rank (not cancelled, latest state); customers_total and
-- catalogue_size (active itineraries) are the whole base, the same on every row of a version, for coverage shares.
-- Freshness: refreshable, every 15 minutes and after each ingest.
CREATE MATERIALIZED VIEW IF NOT EXISTS mart_recommendation_coverage
REFRESH EVERY 15 MINUTE
ENGINE = MergeTree ORDER BY (model_version, rank)
AS
WITH booked_after AS (
  SELECT r.model_version AS model_version, r.rank AS rank, r.customer_id AS customer_id
  FROM customer_recommendations AS r
  INNER JOIN bookings_latest AS b ON b.customer_id = r.customer_id AND b.itinerary_id = r.itinerary_id
  WHERE b.booked_at > r.generated_at AND b.status != 'cancelled'
  GROUP BY model_version, rank, customer_id
)
SELECT
  r.model_version AS model_version,
  r.rank AS rank,
  r.generated_at AS generated_at,
  r.customers AS customers,
  r.itineraries AS itineraries,
  k.booked AS booked,
  (SELECT count() FROM customers_latest) AS customers_total,
  (SELECT countIf(active = 1) FROM itineraries_latest) AS catalogue_size
FROM (
  SELECT model_version, rank, min(generated_at) AS generated_at, uniqExact(customer_id) AS customers, uniqExact(itinerary_id) AS itineraries
  FROM customer_recommendations
  GROUP BY model_version, rank
) AS r
LEFT JOIN (
  SELECT model_version, rank, uniqExact(customer_id) AS booked FROM booked_after GROUP BY model_version, rank
) AS k ON k.model_version = r.model_version AND k.rank = r.rank;
