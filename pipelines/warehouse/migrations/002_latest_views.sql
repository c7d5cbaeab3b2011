-- One row per source row, in its latest state: what analysts should query unless they know why not.
CREATE VIEW IF NOT EXISTS destinations_latest AS SELECT * FROM destinations FINAL;
CREATE VIEW IF NOT EXISTS itineraries_latest AS SELECT * FROM itineraries FINAL;
CREATE VIEW IF NOT EXISTS itinerary_components_latest AS SELECT * FROM itinerary_components FINAL;
CREATE VIEW IF NOT EXISTS departures_latest AS SELECT * FROM departures FINAL;
CREATE VIEW IF NOT EXISTS customers_latest AS SELECT * FROM customers FINAL;
CREATE VIEW IF NOT EXISTS customer_group_profiles_latest AS SELECT * FROM customer_group_profiles FINAL;
CREATE VIEW IF NOT EXISTS quotations_latest AS SELECT * FROM quotations FINAL;
CREATE VIEW IF NOT EXISTS quotation_versions_latest AS SELECT * FROM quotation_versions FINAL;
CREATE VIEW IF NOT EXISTS bookings_latest AS SELECT * FROM bookings FINAL;
CREATE VIEW IF NOT EXISTS booking_status_history_latest AS SELECT * FROM booking_status_history FINAL;
CREATE VIEW IF NOT EXISTS payments_latest AS SELECT * FROM payments FINAL;
CREATE VIEW IF NOT EXISTS ratings_latest AS SELECT * FROM ratings FINAL;
