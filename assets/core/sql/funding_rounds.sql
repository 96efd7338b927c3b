-- Funding rounds keyed by company_id: every round key's winning delivery (round_deliveries.sql),
-- the main file in its order, then the drops by name: with no drop, the rows of staging.rounds.
CREATE OR REPLACE TABLE core.funding_rounds AS
SELECT * EXCLUDE (_drop) FROM _winners ORDER BY _drop NULLS FIRST, _source_row;
