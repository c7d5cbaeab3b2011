-- Customers' personal data: consent to personalisation, erasure, and the append-only record of erasures.
-- An erased customer keeps their id and business facts (quotations, bookings, payments); their personal fields
-- are anonymised and erased_at says when. consent_personalisation false means no personalised recommendations.
-- customer_erasures holds who, when, why and row counts per store — never the personal values themselves.

ALTER TABLE customers
  ADD COLUMN consent_personalisation boolean NOT NULL DEFAULT true,
  ADD COLUMN erased_at timestamptz;

-- The serving layer reloads this set often; it stays small.
CREATE INDEX customers_not_personalised ON customers (id) WHERE erased_at IS NOT NULL OR NOT consent_personalisation;

CREATE TABLE customer_erasures (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id  bigint NOT NULL,
  -- started when the erasure begins, completed when every store is clean; a started one without its completed
  -- one is resumed by the next run.
  phase        text NOT NULL CHECK (phase IN ('started', 'completed')),
  reason       text NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 500),
  actor        text NOT NULL,
  role         text NOT NULL,
  touched      jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_erasures_customer ON customer_erasures (customer_id, id);

CREATE TRIGGER customer_erasures_no_update BEFORE UPDATE OR DELETE ON customer_erasures FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- The key of the pseudonyms that replace an erased customer's id in logs; generated once, never exported.
CREATE TABLE pseudonym_keys (
  id          smallint PRIMARY KEY CHECK (id = 1),
  key         bytea NOT NULL CHECK (length(key) = 32),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
