import type { ClickHouseClient } from '@clickhouse/client';
import { PRICE_ROW_COLUMNS } from '../../features/price-feature-sql.ts';
import { nanIfNull, queryRows } from '../../features/warehouse-query.ts';
import { customerFeaturesFor } from '../../features/customer-features.ts';
import { departureFeaturesAsOf } from '../../features/departure-features-online.ts';
import { priceFeaturesForQuote } from '../../features/price-features-online.ts';
import { limaToday } from '../../platform/calendar/lima-today.ts';
import type { CatalogueRows, DemandWindow, DestinationSummary, ItineraryFacts, ServingSources } from './sources.ts';

/** The same calendar day `years` years earlier (29 February becomes 1 March). */
function yearsBefore(day: string, years: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCFullYear(date.getUTCFullYear() - years);
  return date.toISOString().slice(0, 10);
}

/** How many earlier years the pace may compare with, when the most recent did not sell this window by now. */
const PACE_YEARS = 3;

/**
 * The online data of the API, read from the ClickHouse warehouse (deduplicated with FINAL). Catalogue,
 * availability and the demand window are plain reads written here; the price and customer features are
 * features/'s online functions, the same definitions the models were trained on.
 */
export function warehouseSources(clickhouse: ClickHouseClient): ServingSources {
  return {
    async priceFeatures(quotation, segmentation) {
      const features = await priceFeaturesForQuote(
        clickhouse,
        { itineraryId: quotation.itineraryId, departureDate: quotation.departureDate, partySize: quotation.partySize, quotedAt: quotation.quotedAt, customerId: quotation.customerId ?? null, costTotal: quotation.cost },
        { segmentation },
      );
      return { values: features.values, defaulted: features.defaulted, snapshotId: features.snapshotId };
    },

    async customerFeatures(customerId, at) {
      const found = await customerFeaturesFor(clickhouse, customerId, at);
      return found ? { values: found.values, hasHistory: found.hasHistory } : null;
    },

    async customerCountry(customerId) {
      const [row] = await queryRows<{ country: string }>(clickhouse, 'SELECT country FROM customers FINAL WHERE id = {id:UInt64}', { id: customerId });
      return row ? row.country : null;
    },

    async priceFeatureMedians(names): Promise<Record<string, number>> {
      // Column names go into the SQL text, so only the training table's own columns are accepted.
      const columns = names.filter((n) => PRICE_ROW_COLUMNS.includes(n));
      if (columns.length === 0) return {};
      const [row] = await queryRows<Record<string, number | null>>(clickhouse, `SELECT ${columns.map((c) => `median(${c}) AS ${c}`).join(', ')} FROM price_training_rows`);
      return Object.fromEntries(columns.map((c) => [c, nanIfNull(row?.[c])]));
    },

    async itinerary(itineraryId): Promise<ItineraryFacts | null> {
      const rows = await queryRows<{ id: number; code: string; name: string; destination_id: number; destination_code: string; service_level: string; duration_days: number }>(
        clickhouse,
        `SELECT i.id AS id, i.code AS code, i.name AS name, d.id AS destination_id, d.code AS destination_code, i.service_level AS service_level, i.duration_days AS duration_days
         FROM itineraries AS i FINAL
         INNER JOIN destinations AS d FINAL ON d.id = i.destination_id
         WHERE i.id = {id:UInt32}`,
        { id: itineraryId },
      );
      const row = rows[0];
      if (!row) return null;
      return { itineraryId: Number(row.id), code: row.code, name: row.name, destinationId: Number(row.destination_id), destinationCode: row.destination_code, serviceLevel: row.service_level, durationDays: Number(row.duration_days) };
    },

    async catalogue(departuresFrom): Promise<CatalogueRows> {
      const [itineraries, components, departures] = await Promise.all([
        queryRows<{ id: number; code: string; name: string; destination_id: number; destination_code: string; destination_name: string; service_level: string; duration_days: number; themes: string[]; active: number; price_from: number | null }>(
          clickhouse,
          `SELECT i.id AS id, i.code AS code, i.name AS name, d.id AS destination_id, d.code AS destination_code, d.name AS destination_name,
             i.service_level AS service_level, i.duration_days AS duration_days, i.themes AS themes, i.active AS active, p.price_from AS price_from
           FROM itineraries AS i FINAL
           INNER JOIN destinations AS d FINAL ON d.id = i.destination_id
           LEFT JOIN (SELECT assumeNotNull(itinerary_id) AS itinerary_id, round(min(toFloat64(total_price) / party_size), 2) AS price_from FROM bookings FINAL
                      WHERE itinerary_id IS NOT NULL AND status != 'cancelled' AND party_size > 0 AND booked_at >= now() - INTERVAL 365 DAY
                      GROUP BY itinerary_id) AS p ON p.itinerary_id = i.id
           ORDER BY i.id`,
          {},
          { join_use_nulls: 1 },
        ),
        queryRows<{ itinerary_id: number; kind: string; unit: string; unit_cost: string; unit_capacity: number | null; nights: number }>(
          clickhouse,
          'SELECT itinerary_id, kind, unit, toString(unit_cost) AS unit_cost, unit_capacity, nights FROM itinerary_components FINAL ORDER BY itinerary_id, id',
        ),
        queryRows<{ id: number; itinerary_id: number; day: string; capacity: number; seats_sold: number; status: string }>(
          clickhouse,
          `SELECT id, itinerary_id, toString(departure_date) AS day, capacity, seats_sold, status FROM departures FINAL
           WHERE departure_date >= {from:Date} ORDER BY departure_date, id`,
          { from: departuresFrom },
        ),
      ]);
      return {
        itineraries: itineraries.map((r) => ({
          itineraryId: Number(r.id), code: r.code, name: r.name, destinationId: Number(r.destination_id), destinationCode: r.destination_code, destinationName: r.destination_name,
          serviceLevel: r.service_level, durationDays: Number(r.duration_days), themes: r.themes, active: Number(r.active) === 1, priceFrom: r.price_from === null ? null : Number(r.price_from),
        })),
        components: components.map((r) => ({ itineraryId: Number(r.itinerary_id), kind: r.kind, unit: r.unit, unitCost: Number(r.unit_cost), unitCapacity: r.unit_capacity === null ? null : Number(r.unit_capacity), nights: Number(r.nights) })),
        departures: departures.map((r) => ({ id: Number(r.id), itineraryId: Number(r.itinerary_id), date: r.day, capacity: Number(r.capacity), seatsSold: Number(r.seats_sold), status: r.status })),
      };
    },

    departureFeatures: (asOf) => departureFeaturesAsOf(clickhouse, asOf),

    async availableItineraries(from, to): Promise<string[]> {
      // A departure that has left (before Lima's today) is no seat to offer, whatever window is asked about.
      const rows = await queryRows<{ itinerary_id: string }>(
        clickhouse,
        `SELECT DISTINCT toString(itinerary_id) AS itinerary_id FROM departures FINAL
         WHERE departure_date BETWEEN {from:Date} AND {to:Date} AND departure_date >= {today:Date} AND status = 'scheduled' AND seats_sold < capacity`,
        { from, to, today: limaToday() },
      );
      return rows.map((r) => r.itinerary_id);
    },

    async bookedItineraries(customerId): Promise<string[]> {
      // Whatever the departure date: a trip booked since the model was trained, departing outside the window asked
      // about, is still one the customer took.
      const rows = await queryRows<{ itinerary_id: string }>(
        clickhouse,
        `SELECT DISTINCT toString(assumeNotNull(itinerary_id)) AS itinerary_id FROM bookings FINAL
         WHERE customer_id = {customer:UInt64} AND itinerary_id IS NOT NULL AND status != 'cancelled'`,
        { customer: customerId },
      );
      return rows.map((r) => r.itinerary_id);
    },

    async demandWindow(destinationCode, from, to, asOf): Promise<DemandWindow | null> {
      const params = { destination: destinationCode, from, to, asOf: limaToday(asOf) };
      const [capacity] = await queryRows<{ destinations: string; departures: string; capacity: string }>(
        clickhouse,
        `SELECT (SELECT count() FROM destinations FINAL WHERE code = {destination:String}) AS destinations,
           count() AS departures, sum(d.capacity) AS capacity
         FROM departures AS d FINAL
         INNER JOIN itineraries AS i FINAL ON i.id = d.itinerary_id
         INNER JOIN destinations AS ds FINAL ON ds.id = i.destination_id
         WHERE ds.code = {destination:String} AND d.departure_date BETWEEN {from:Date} AND {to:Date} AND d.status != 'cancelled'`,
        params,
      );
      if (Number(capacity.destinations) === 0) return null;
      // Travellers booked for this window by now (Lima's day), and for the same window in earlier years by the same
      // date then and in the end.
      const earlier: Record<string, string> = {};
      for (let k = 1; k <= PACE_YEARS; k++) {
        Object.assign(earlier, { [`from${k}`]: yearsBefore(from, k), [`to${k}`]: yearsBefore(to, k), [`asOf${k}`]: yearsBefore(params.asOf, k) });
      }
      // Each year's window on its own terms: a window up to two years long overlaps the one a year earlier, and a
      // departure counts in both.
      const lima = `toDate(bk.booked_at, 'America/Lima')`;
      const years = Array.from({ length: PACE_YEARS }, (_, i) => i + 1);
      const [counts] = await queryRows<Record<string, string>>(
        clickhouse,
        `SELECT sumIf(bk.party_size, bk.departure_date BETWEEN {from:Date} AND {to:Date} AND ${lima} <= {asOf:Date}) AS booked_now,
           ${years.map((k) => `sumIf(bk.party_size, bk.departure_date BETWEEN {from${k}:Date} AND {to${k}:Date}) AS final_${k},
           sumIf(bk.party_size, bk.departure_date BETWEEN {from${k}:Date} AND {to${k}:Date} AND ${lima} <= {asOf${k}:Date}) AS by_same_date_${k}`).join(',\n           ')}
         FROM bookings AS bk FINAL
         LEFT JOIN itineraries AS i FINAL ON i.id = bk.itinerary_id
         INNER JOIN destinations AS ds FINAL ON ds.id = coalesce(bk.destination_id, i.destination_id)
         WHERE ds.code = {destination:String} AND bk.status != 'cancelled'
           AND (bk.departure_date BETWEEN {from:Date} AND {to:Date}
             ${years.map((k) => `OR bk.departure_date BETWEEN {from${k}:Date} AND {to${k}:Date}`).join('\n             ')})`,
        { ...params, ...earlier },
      );
      const bookedTravellers = Number(counts?.booked_now ?? 0);
      const earlierYears = years.map((k) => ({
        yearsBack: k,
        bookedBySameDate: Number(counts?.[`by_same_date_${k}`] ?? 0),
        final: Number(counts?.[`final_${k}`] ?? 0),
      }));
      return { departures: Number(capacity.departures), capacity: Number(capacity.capacity), bookedTravellers, earlierYears };
    },

    async destinations(from, to): Promise<DestinationSummary[]> {
      const rows = await queryRows<{ code: string; name: string; country: string; bookings: string; travellers: string; revenue: string; cancelled: string }>(
        clickhouse,
        `SELECT ds.code AS code, ds.name AS name, ds.country AS country,
           countIf(b.status != 'cancelled') AS bookings, sumIf(b.party_size, b.status != 'cancelled') AS travellers,
           sumIf(toFloat64(b.total_price), b.status != 'cancelled') AS revenue, countIf(b.status = 'cancelled') AS cancelled
         FROM bookings AS b FINAL
         LEFT JOIN itineraries AS i FINAL ON i.id = b.itinerary_id
         INNER JOIN destinations AS ds FINAL ON ds.id = coalesce(b.destination_id, i.destination_id)
         WHERE b.departure_date BETWEEN {from:Date} AND {to:Date}
         GROUP BY ds.code, ds.name, ds.country
         ORDER BY revenue DESC, code`,
        { from, to },
      );
      return rows.map((r) => ({
        code: r.code,
        name: r.name,
        country: r.country,
        bookings: Number(r.bookings),
        travellers: Number(r.travellers),
        revenue: Math.round(Number(r.revenue) * 100) / 100,
        cancelled: Number(r.cancelled),
      }));
    },
  };
}
