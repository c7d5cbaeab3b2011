-- The ingest writes parts of 131,072 rows to bound its memory (pipelines/ingest/pull-table.ts), and ClickHouse merges
-- them into larger parts while the load is still running, on the same cores. The merge selector's base sets how wide
-- each merge step is: at the default (5) a row of a large load is rewritten more than once on its way into a large
-- part; at 10 about half as often, for a few more parts at rest (`npm run bench -- ingest` counts both). ClickHouse
-- has the setting since late 2024, not in 24.8 (docker-compose.yml runs 25.8).
-- A migration that replaces one of these tables must give it the same setting (pipelines/ingest/ingest.test.ts).

ALTER TABLE destinations MODIFY SETTING merge_selector_base = 10;
ALTER TABLE itineraries MODIFY SETTING merge_selector_base = 10;
ALTER TABLE itinerary_components MODIFY SETTING merge_selector_base = 10;
ALTER TABLE departures MODIFY SETTING merge_selector_base = 10;
ALTER TABLE customers MODIFY SETTING merge_selector_base = 10;
ALTER TABLE customer_group_profiles MODIFY SETTING merge_selector_base = 10;
ALTER TABLE quotations MODIFY SETTING merge_selector_base = 10;
ALTER TABLE quotation_versions MODIFY SETTING merge_selector_base = 10;
ALTER TABLE bookings MODIFY SETTING merge_selector_base = 10;
ALTER TABLE booking_status_history MODIFY SETTING merge_selector_base = 10;
ALTER TABLE payments MODIFY SETTING merge_selector_base = 10;
ALTER TABLE ratings MODIFY SETTING merge_selector_base = 10;
ALTER TABLE imports MODIFY SETTING merge_selector_base = 10;
ALTER TABLE import_rejects MODIFY SETTING merge_selector_base = 10;
ALTER TABLE chat_sessions MODIFY SETTING merge_selector_base = 10;
ALTER TABLE chat_messages MODIFY SETTING merge_selector_base = 10;
ALTER TABLE audit_log MODIFY SETTING merge_selector_base = 10;
ALTER TABLE suggestion_decisions MODIFY SETTING merge_selector_base = 10;
