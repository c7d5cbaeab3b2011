import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';

/**
 * Copies the catalogue of a warehouse test world (test/worlds/serving-world.ts writes it straight into
 * ClickHouse) into PostgreSQL with the same ids, so the quotation engine, which reads PostgreSQL, and the
 * scoring API, which reads ClickHouse, talk about the same itineraries and customers. Past departures are left
 * out: nobody quotes them. Identity sequences are moved past the copied ids.
 */
export async function copyCatalogueFromWarehouse(clickhouse: ClickHouseClient, pool: pg.Pool): Promise<{ itineraries: number; departures: number; customers: number }> {
  const rows = async <T>(query: string) => (await clickhouse.query({ query, format: 'JSONEachRow' })).json<T>();
  const destinations = await rows<{ id: number; code: string; name: string; country: string; region: string; popularity: number }>(
    'SELECT id, code, name, country, region, popularity FROM destinations_latest ORDER BY id',
  );
  const itineraries = await rows<{ id: number; code: string; name: string; destination_id: number; duration_days: number; service_level: string }>(
    'SELECT id, code, name, destination_id, duration_days, service_level FROM itineraries_latest ORDER BY id',
  );
  const components = await rows<{ id: number; itinerary_id: number; kind: string; name: string; day_number: number; nights: number; unit: string; cost: string; unit_capacity: number | null }>(
    'SELECT id, itinerary_id, kind, name, day_number, nights, unit, toString(unit_cost) AS cost, unit_capacity FROM itinerary_components_latest ORDER BY id',
  );
  const departures = await rows<{ id: number; itinerary_id: number; day: string; capacity: number; seats_sold: number }>(
    `SELECT id, itinerary_id, toString(departure_date) AS day, capacity, seats_sold FROM departures_latest WHERE departure_date > today() AND status = 'scheduled' ORDER BY id`,
  );
  const customers = await rows<{ ref: string; name: string; country: string; language: string }>('SELECT toString(id) AS ref, name, country, language FROM customers_latest ORDER BY id');

  const unnest = (sql: string, values: unknown[][]) => pool.query(sql, values);
  await unnest(
    `INSERT INTO destinations (id, code, name, country, region, popularity) SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[])`,
    [destinations.map((d) => d.id), destinations.map((d) => d.code), destinations.map((d) => d.name), destinations.map((d) => d.country), destinations.map((d) => d.region), destinations.map((d) => d.popularity)],
  );
  await unnest(
    `INSERT INTO itineraries (id, code, name, destination_id, duration_days, service_level)
     SELECT id, code, name, destination_id, duration_days, service_level::service_level FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[])
       AS t(id, code, name, destination_id, duration_days, service_level)`,
    [itineraries.map((i) => i.id), itineraries.map((i) => i.code), itineraries.map((i) => i.name), itineraries.map((i) => i.destination_id), itineraries.map((i) => i.duration_days), itineraries.map((i) => i.service_level)],
  );
  await unnest(
    `INSERT INTO itinerary_components (id, itinerary_id, kind, name, day_number, nights, unit, unit_cost, unit_capacity)
     SELECT id, itinerary_id, kind::component_kind, name, day_number, nights, unit::cost_unit, unit_cost, unit_capacity
       FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::numeric[], $9::int[])
         AS t(id, itinerary_id, kind, name, day_number, nights, unit, unit_cost, unit_capacity)`,
    [
      components.map((c) => c.id), components.map((c) => c.itinerary_id), components.map((c) => c.kind), components.map((c) => c.name), components.map((c) => c.day_number),
      components.map((c) => c.nights), components.map((c) => c.unit), components.map((c) => c.cost), components.map((c) => c.unit_capacity),
    ],
  );
  await unnest(
    `INSERT INTO departures (id, itinerary_id, departure_date, capacity, seats_sold) SELECT * FROM unnest($1::int[], $2::int[], $3::date[], $4::int[], $5::int[])`,
    [departures.map((d) => d.id), departures.map((d) => d.itinerary_id), departures.map((d) => d.day), departures.map((d) => d.capacity), departures.map((d) => Math.min(d.seats_sold, d.capacity))],
  );
  await unnest(
    `INSERT INTO customers (id, name, country, language) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])`,
    [customers.map((c) => c.ref), customers.map((c) => c.name), customers.map((c) => c.country), customers.map((c) => c.language)],
  );
  for (const table of ['destinations', 'itineraries', 'itinerary_components', 'departures', 'customers']) {
    await pool.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM ${table}), false)`);
  }
  return { itineraries: itineraries.length, departures: departures.length, customers: customers.length };
}
