-- Conversations are copied to ClickHouse for analysts by the ingest, in commit order like the booking system's
-- tables (005_import_change_capture.sql). Messages purged past their retention leave tombstones, so the warehouse
-- drops them too (and its own TTL removes what the tombstones leave behind).
SELECT capture_changes('chat_sessions');
SELECT capture_changes('chat_messages');
