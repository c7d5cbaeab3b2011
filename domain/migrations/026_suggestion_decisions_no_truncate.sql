-- Decisions refuse updates and deletes (021) but TRUNCATE fires no row trigger: it would have emptied the labels of
-- the next price model and left the warehouse holding decisions PostgreSQL no longer had. Refused, as for every
-- table the ingest copies (006_capture_every_change.sql).
CREATE TRIGGER suggestion_decisions_no_truncate BEFORE TRUNCATE ON suggestion_decisions FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
