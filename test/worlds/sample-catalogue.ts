import type pg from 'pg';

/**
 * A small catalogue for the quotation engine's and the review desk's tests: two destinations, three
 * itineraries whose components use every cost unit (rooms, vehicles, guides, per person, per group), their
 * departures next year, and customers speaking English, German and Japanese.
 */
export interface SampleCatalogue {
  destinations: { cusco: number; puno: number };
  itineraries: { machuPicchu: number; titicaca: number; emptyItinerary: number };
  departures: { machuPicchu: number; titicaca: number };
  departureDates: { machuPicchu: string; titicaca: string };
  customers: { english: number; german: number; japanese: number };
}

export function nextYearDate(month: number, day: number): string {
  const year = new Date().getUTCFullYear() + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export async function seedSampleCatalogue(db: pg.Pool | pg.PoolClient): Promise<SampleCatalogue> {
  const one = async (sql: string, params: unknown[] = []) => Number((await db.query<{ id: string }>(sql, params)).rows[0].id);
  const cusco = await one(`INSERT INTO destinations (code, name, country, region, popularity) VALUES ('cusco', 'Cusco & Machu Picchu', 'PE', 'Andes', 1.6) RETURNING id`);
  const puno = await one(`INSERT INTO destinations (code, name, country, region, popularity) VALUES ('puno', 'Puno & Titicaca', 'PE', 'Andes', 1.1) RETURNING id`);
  const machuPicchu = await one(
    `INSERT INTO itineraries (code, name, destination_id, duration_days, service_level, themes) VALUES ('mp-4d', 'Machu Picchu in 4 days', $1, 4, 'superior', '{culture}') RETURNING id`,
    [cusco],
  );
  const titicaca = await one(
    `INSERT INTO itineraries (code, name, destination_id, duration_days, service_level, themes) VALUES ('tt-3d', 'Lake Titicaca in 3 days', $1, 3, 'standard', '{nature}') RETURNING id`,
    [puno],
  );
  const emptyItinerary = await one(
    `INSERT INTO itineraries (code, name, destination_id, duration_days, service_level) VALUES ('draft-1d', 'Draft without components', $1, 1, 'standard') RETURNING id`,
    [puno],
  );
  await db.query(
    `INSERT INTO itinerary_components (itinerary_id, kind, name, day_number, nights, unit, unit_cost, unit_capacity) VALUES
       ($1, 'hotel', 'Hotel Cusco centre', 1, 3, 'per_room', 110, 2),
       ($1, 'transport', 'Airport and station transfers', 1, 0, 'per_vehicle', 120, 10),
       ($1, 'guide', 'Guide Sacred Valley and Machu Picchu', 2, 0, 'per_group', 90, NULL),
       ($1, 'service', 'Train and Machu Picchu entrance', 3, 0, 'per_person', 165, NULL),
       ($1, 'service', 'Private farewell dinner', 4, 0, 'per_group', 140, NULL),
       ($2, 'hotel', 'Hotel Puno lakeside', 1, 2, 'per_room', 70, 2),
       ($2, 'transport', 'Boat to Uros and Taquile', 2, 0, 'per_vehicle', 200, 20),
       ($2, 'guide', 'Guide Titicaca', 2, 0, 'per_group', 60, NULL)`,
    [machuPicchu, titicaca],
  );
  const mpDate = nextYearDate(7, 14);
  const ttDate = nextYearDate(9, 2);
  const mpDeparture = await one(`INSERT INTO departures (itinerary_id, departure_date, capacity, seats_sold) VALUES ($1, $2, 24, 9) RETURNING id`, [machuPicchu, mpDate]);
  const ttDeparture = await one(`INSERT INTO departures (itinerary_id, departure_date, capacity, seats_sold) VALUES ($1, $2, 30, 4) RETURNING id`, [titicaca, ttDate]);
  const customer = (name: string, country: string, language: string) =>
    one(`INSERT INTO customers (name, email, country, language) VALUES ($1, NULL, $2, $3) RETURNING id`, [name, country, language]);
  return {
    destinations: { cusco, puno },
    itineraries: { machuPicchu, titicaca, emptyItinerary },
    departures: { machuPicchu: mpDeparture, titicaca: ttDeparture },
    departureDates: { machuPicchu: mpDate, titicaca: ttDate },
    customers: { english: await customer('Smith family', 'GB', 'en'), german: await customer('Familie Weber', 'DE', 'de'), japanese: await customer('Sato group', 'JP', 'ja') },
  };
}
