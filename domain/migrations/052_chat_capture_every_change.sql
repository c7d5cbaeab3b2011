-- Conversations got change capture (051) before capture_changes() gave a table its key-change tombstone and its
-- TRUNCATE refusal (006_capture_every_change.sql); a database migrated before that gets them here (on a new one,
-- 051 already made them, and these replace them with the same).
SELECT guard_change_capture('chat_sessions', ARRAY['id']);
SELECT guard_change_capture('chat_messages', ARRAY['id']);
