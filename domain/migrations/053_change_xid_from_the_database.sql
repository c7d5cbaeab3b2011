-- change_xid must be the transaction that wrote the row (004_change_capture.sql), but an INSERT could still set
-- it: a row put back from a backup with `INSERT … SELECT *` kept its old change_xid, below the ingest's watermark,
-- and never reached the warehouse. Such an insert is refused now, naming the column; leaving change_xid out (or
-- DEFAULT) is all a writer has to do. A full pg_restore is not affected: it creates triggers after loading data.
-- The check runs once per statement over the inserted rows: a BEFORE INSERT row trigger would stamp instead of
-- refusing, but it costs the generator's COPY its multi-row batching (004), and an append-only table (audit_log,
-- suggestion_decisions) could not be stamped after the fact by an UPDATE.

CREATE FUNCTION refuse_foreign_change_xid() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  written bigint;
BEGIN
  SELECT change_xid INTO written FROM inserted_rows WHERE change_xid <> pg_current_xact_id()::text::bigint LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION '%.change_xid is set by the database: leave it out of the INSERT (a row given % would never reach the warehouse)',
      TG_TABLE_NAME, written
      USING ERRCODE = 'generated_always', COLUMN = 'change_xid', TABLE = TG_TABLE_NAME;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION guard_inserted_change_xid(t text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS inserted_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_foreign_change_xid()', t || '_change_xid_given', t);
END $$;

-- Tables given change capture later get the check with it.
CREATE OR REPLACE FUNCTION capture_changes(t text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %I ADD COLUMN change_xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint', t);
  EXECUTE format('CREATE INDEX %I ON %I (change_xid, id)', t || '_change', t);
  EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION stamp_change_xid()', t || '_change_xid', t);
  EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I FOR EACH ROW EXECUTE FUNCTION record_deletion()', t || '_deletion', t);
  PERFORM guard_change_capture(t, ARRAY['id']);
  PERFORM guard_inserted_change_xid(t);
END $$;

-- Every table that carries change_xid today. Not the tombstones: only record_deletion() writes them, always with
-- the default, one INSERT per deleted row, and each would pay for a statement trigger and its transition table.
SELECT guard_inserted_change_xid(c.relname)
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
 WHERE a.attname = 'change_xid' AND NOT a.attisdropped AND c.relnamespace = current_schema()::regnamespace
   AND c.relname <> 'ingest_deletions';
