-- Every delivery of a round, and the round that counts for each round key: the main rounds file
-- plus every delivered drop file. A round delivered more than once (same round_key) counts once:
-- the latest delivery wins (drops over the main file, a later drop file name over an earlier one).
-- Views only: funding_rounds.sql writes every key's winner, funding_rounds_refresh.sql those of
-- the keys new drop files touch (it narrows `_scope`; `_winners` reads whatever `_scope` is).
CREATE TABLE IF NOT EXISTS staging.round_drops AS
SELECT *, NULL::VARCHAR AS _drop FROM staging.rounds LIMIT 0;

CREATE OR REPLACE TEMP VIEW _deliveries AS
SELECT *, NULL::VARCHAR AS _drop FROM staging.rounds
UNION ALL BY NAME
SELECT * FROM staging.round_drops;

CREATE OR REPLACE TEMP VIEW _scope AS SELECT * FROM _deliveries;

CREATE OR REPLACE TEMP VIEW _winners AS
WITH repeated AS (
    SELECT round_key FROM _scope GROUP BY round_key HAVING count(*) > 1
), latest AS (
    SELECT * FROM _scope WHERE round_key NOT IN (SELECT round_key FROM repeated)
    UNION ALL
    -- only keys delivered more than once are ranked (a window over every round is 3x slower)
    SELECT * FROM _scope WHERE round_key IN (SELECT round_key FROM repeated)
    QUALIFY row_number() OVER (PARTITION BY round_key ORDER BY _drop DESC NULLS LAST, _source_row) = 1
)
SELECT s.company_id, r.* EXCLUDE (_source_file, _source_row, _drop), r._source_file, r._source_row,
       r._drop
FROM latest AS r
JOIN core.company_source_ids AS s ON s.source = 'crunchbase' AND s.source_key = r.company_key;
