-- Guardrails on suggested prices, as data that pricing managers edit (serving/guardrails, `spirit-ml guardrails`).
-- A rule is scoped to a destination, a service level, both, or neither (the default); the most specific applies.
-- Rows are never changed: an edit appends the scope's next revision, a removal appends an inactive one. The id
-- is the rule set's version counter, so the set in force at version V is, per scope, its newest row with id <= V
-- when that row is active. A suggestion records the version and the rule it was held to.

CREATE TABLE price_guardrails (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  destination_id      integer REFERENCES destinations(id),
  service_level       service_level,
  revision            integer NOT NULL CHECK (revision >= 1),
  -- false: from this version on the scope has no rule of its own and the broader one applies.
  active              boolean NOT NULL,
  -- Least and largest margin over cost, as fractions: 0.1 = price at least cost x 1.1.
  min_margin          double precision CHECK (min_margin > -1 AND min_margin <= 10),
  max_margin          double precision CHECK (max_margin > -1 AND max_margin <= 100),
  max_price_per_pax   numeric(12, 2) CHECK (max_price_per_pax > 0),
  -- Largest move away from the quotation's list price, as a fraction.
  max_change_vs_list  double precision CHECK (max_change_vs_list >= 0 AND max_change_vs_list <= 10),
  reason              text NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 1000),
  changed_by          text NOT NULL,
  -- When the revision was written; rows never change, so updated_at stays equal to it.
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (destination_id, service_level, revision),
  CHECK (active = (min_margin IS NOT NULL)),
  CHECK (max_margin IS NULL OR max_margin > min_margin),
  -- The default can be changed, never removed: a quotation outside every scope must still be guarded.
  CHECK (active OR destination_id IS NOT NULL OR service_level IS NOT NULL)
);
CREATE INDEX price_guardrails_scope ON price_guardrails (destination_id, service_level, id DESC);

CREATE FUNCTION refuse_guardrail_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'guardrail rules are versioned: write a new revision instead of changing rule %', OLD.id USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER price_guardrails_immutable BEFORE UPDATE OR DELETE ON price_guardrails
  FOR EACH ROW EXECUTE FUNCTION refuse_guardrail_change();

-- The default every installation starts with: at least 10% over cost, at most 25% away from the list price.
INSERT INTO price_guardrails (destination_id, service_level, revision, active, min_margin, max_change_vs_list, reason, changed_by)
VALUES (NULL, NULL, 1, true, 0.10, 0.25, 'initial default', 'migration 011');
