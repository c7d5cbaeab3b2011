-- An override is held to the whole rule its suggestion was: under the list-price band's low end it is refused like
-- one under the floor, above its high end or the guardrail ceiling like one above the highest expected price, each
-- until the manager confirms it. A confirmed one records which limit it crossed, going down (below_guardrail, now
-- also 'list_band') or going up (above_guardrail: the ceiling, the band, or only the highest expected price).
ALTER TABLE suggestion_decisions DROP CONSTRAINT suggestion_decisions_below_guardrail_check;
ALTER TABLE suggestion_decisions ADD CONSTRAINT suggestion_decisions_below_guardrail_check CHECK (below_guardrail IN ('floor', 'cost', 'list_band'));
ALTER TABLE suggestion_decisions ADD COLUMN above_guardrail text CHECK (above_guardrail IN ('ceiling', 'list_band', 'highest_expected'));
ALTER TABLE suggestion_decisions ADD CONSTRAINT above_guardrail_only_overrides CHECK (above_guardrail IS NULL OR action = 'override');
