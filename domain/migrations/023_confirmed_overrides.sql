-- An override under the guardrail floor or under cost is refused unless the manager confirms it (with the reason
-- every override carries). A confirmed one says what it went under, so the decision log shows it for what it is.
ALTER TABLE suggestion_decisions ADD COLUMN below_guardrail text CHECK (below_guardrail IN ('floor', 'cost'));
ALTER TABLE suggestion_decisions ADD CONSTRAINT below_guardrail_only_overrides CHECK (below_guardrail IS NULL OR action = 'override');
