-- The guardrail rule a suggestion was held to, as the scoring API answered it: the rule set's version, the rule's id
-- and scope, its limits and what they came to for this quotation (floor, ceiling, band around the list price).
-- The review desk shows it next to the price, so a manager sees the room the rules left; null for suggestions made
-- before the API reported it.
ALTER TABLE price_suggestions ADD COLUMN guardrails jsonb;

-- What a suggestion was held to is part of what it suggested: it cannot change afterwards either.
CREATE OR REPLACE FUNCTION guard_suggestion_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'price suggestions are kept for audit and cannot be deleted (suggestion %)', OLD.id USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.state <> 'pending' AND NEW.state IS DISTINCT FROM OLD.state THEN
    RAISE EXCEPTION 'suggestion % is already %', OLD.id, OLD.state USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF (NEW.suggested_price, NEW.current_price, NEW.lo80, NEW.hi80, NEW.model_version, NEW.features, NEW.quotation_version, NEW.guardrails)
     IS DISTINCT FROM (OLD.suggested_price, OLD.current_price, OLD.lo80, OLD.hi80, OLD.model_version, OLD.features, OLD.quotation_version, OLD.guardrails) THEN
    RAISE EXCEPTION 'what suggestion % suggested cannot be changed', OLD.id USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
