-- Funding rounds keyed by company_id: the main rounds file plus every delivered drop file. A round
-- delivered more than once (same round_key) counts once: the latest delivery wins (drops over the
-- main file, a later drop file name over an earlier one).
CREATE TABLE IF NOT EXISTS staging.round_drops AS
SELECT *, NULL::VARCHAR AS _drop FROM staging.rounds LIMIT 0;

CREATE OR REPLACE TABLE core.funding_rounds AS
WITH deliveries AS (
    SELECT *, NULL::VARCHAR AS _drop FROM staging.rounds
    UNION ALL BY NAME
    SELECT * FROM staging.round_drops
), repeated AS (
    SELECT round_key FROM deliveries GROUP BY round_key HAVING count(*) > 1
), latest AS (
    SELECT * FROM deliveries WHERE round_key NOT IN (SELECT round_key FROM repeated)
    UNION ALL
    -- only keys delivered more than once are ranked (a window over every round is 3x slower)
    SELECT * FROM deliveries WHERE round_key IN (SELECT round_key FROM repeated)
    QUALIFY row_number() OVER (PARTITION BY round_key ORDER BY _drop DESC NULLS LAST, _source_row) = 1
)
SELECT s.company_id, r.* EXCLUDE (_source_file, _source_row, _drop), r._source_file, r._source_row
FROM latest AS r
JOIN core.company_source_ids AS s ON s.source = 'crunchbase' AND s.source_key = r.company_key
-- the main file in its order, then the drops by name: with no drop, the rows of staging.rounds
ORDER BY r._drop NULLS FIRST, r._source_row;

-- Exits observable at a date: acquisitions, and IPOs (first post-IPO round: the IPO was by then).
CREATE OR REPLACE TABLE core.company_exits AS
SELECT s.company_id, 'acquisition' AS exit_type, min(a.acquired_on) AS exited_on
FROM staging.acquisitions AS a
JOIN core.company_source_ids AS s ON s.source = 'crunchbase' AND s.source_key = a.company_key
GROUP BY ALL
UNION ALL
SELECT company_id, 'ipo', min(funded_on) FROM core.funding_rounds WHERE stage = 'post_ipo' GROUP BY ALL;
