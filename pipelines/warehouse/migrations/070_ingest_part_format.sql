-- The ingested tables keep the ingest's memory flat and under 512 MB at a million bookings (issue #23, figures in
-- bench/results/latest-ingest.md). The ingest writes parts of 65,536 rows; written in the wide format, each part
-- holds a compression buffer per column, and so does every part a merge reads. Compact parts (every column in one
-- file) until a part holds 256 MiB of data, and compression blocks of 64–256 KiB instead of 64 KiB–1 MiB, cut what
-- an insert and its merges hold at once. Queries read compact and wide parts alike (measured, not different).
-- A migration that replaces one of these tables must give it the same settings (pipelines/ingest/ingest.test.ts).

ALTER TABLE destinations MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE itineraries MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE itinerary_components MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE departures MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE customers MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE customer_group_profiles MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE quotations MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE quotation_versions MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE bookings MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE booking_status_history MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE payments MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE ratings MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE imports MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE import_rejects MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE chat_sessions MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE chat_messages MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE audit_log MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
ALTER TABLE suggestion_decisions MODIFY SETTING min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536;
