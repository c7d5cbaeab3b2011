-- One append-only record of every write by any role: API keys, guardrails, auto-accept bands, price locks,
-- review decisions, model promotions and rollbacks, and any other successful write through the API.
-- Rows hold who acted (the credential's name and key id, its role), what they did, the thing's state before and
-- after, when, and the request id that joins it to the API's logs. No personal data goes in before/after.
-- Updates and deletes are refused by a trigger, so the log can only grow.

CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL CHECK (length(actor) BETWEEN 1 AND 300),
  actor_key_id bigint,
  role        text NOT NULL,
  source      text NOT NULL CHECK (source IN ('api', 'cli', 'pipeline')),
  action      text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
  target      text NOT NULL DEFAULT '',
  before      jsonb,
  after       jsonb,
  request_id  text NOT NULL DEFAULT '',
  -- The ingest copies the log to ClickHouse like every other table of the booking system.
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_at ON audit_log (created_at);
CREATE INDEX audit_log_action ON audit_log (action, created_at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
