-- Every delivery of a round, and the round that counts for each round key: the main rounds file
-- plus every delivered drop file, plus the Epoch AI funding rounds that count as rounds (closed,
-- primary equity or debt: see assets/staging/sql/epoch_funding_rounds.sql; their keys start with
-- `epoch:`, so they never meet a Crunchbase key), plus the rounds of a Crunchbase bulk export
-- (uuid keys, joined to companies by their organisation's uuid), plus the rounds of mapped
-- exports (keys `mapped:`, company by its mapped key in core.company_source_ids). A round
-- delivered more than once (same round_key) counts once:
-- the latest delivery wins (drops over the main file, a later drop file name over an earlier one).
-- Views only: funding_rounds.sql writes every key's winner, funding_rounds_refresh.sql those of
-- the keys new drop files touch (it narrows `_scope`; `_winners` reads whatever `_scope` is).
CREATE TABLE IF NOT EXISTS staging.round_drops AS
SELECT *, NULL::VARCHAR AS _drop FROM staging.rounds LIMIT 0;

CREATE OR REPLACE TEMP VIEW _deliveries AS
SELECT *, NULL::VARCHAR AS _drop, 'crunchbase' AS _id_source FROM staging.rounds
UNION ALL BY NAME
SELECT *, 'crunchbase' AS _id_source FROM staging.round_drops
UNION ALL BY NAME
SELECT round_key, company_key, round_type, round_code, stage, stage_order, stage_group, funded_on,
       amount_usd, amount_eur, fx_rate_date, _source_file, _source_row, NULL::VARCHAR AS _drop,
       'epoch_funding_rounds' AS _id_source
FROM staging.epoch_funding_rounds WHERE counts_as_round
UNION ALL BY NAME
SELECT round_key, company_key, round_type, round_code, stage, stage_order, stage_group, funded_on,
       amount_usd, amount_eur, fx_rate_date, _source_file, _source_row, NULL::VARCHAR AS _drop,
       'crunchbase_bulk' AS _id_source
FROM staging.bulk_funding_rounds
UNION ALL BY NAME
SELECT round_key, company_key, round_type, round_code, stage, stage_order, stage_group, funded_on,
       amount_usd, amount_eur, fx_rate_date, _source_file, _source_row, NULL::VARCHAR AS _drop,
       'mapped' AS _id_source
FROM staging.mapped_rounds;

-- The same round in two providers: a company's round on a day when a source of higher priority
-- also has a round of that company is that source's round (the bulk export's uuid round, joined
-- by its investments, stands for the 2015 round of the same day; a mapped export's copy of a
-- round counts once). Priority: the bulk export, the 2015 export (and its drops), Epoch AI,
-- mapped exports. Read from every delivery, so a refresh's narrower scope sees the same days.
CREATE OR REPLACE TEMP VIEW _source_priority AS
SELECT * FROM (VALUES ('crunchbase_bulk', 1), ('crunchbase', 2), ('epoch_funding_rounds', 3),
                      ('mapped', 4)) AS t(_id_source, priority);

CREATE OR REPLACE TEMP VIEW _shared_round_days AS
SELECT s.company_id, d.funded_on, min(p.priority) AS best_priority
FROM _deliveries AS d
JOIN _source_priority AS p USING (_id_source)
JOIN core.company_source_ids AS s ON s.source = d._id_source AND s.source_key = d.company_key
GROUP BY ALL HAVING count(DISTINCT p.priority) > 1;

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
SELECT s.company_id, r.* EXCLUDE (_source_file, _source_row, _drop, _id_source), r._source_file,
       r._source_row, r._drop
FROM latest AS r
JOIN core.company_source_ids AS s ON s.source = r._id_source AND s.source_key = r.company_key
JOIN _source_priority AS p ON p._id_source = r._id_source
WHERE NOT EXISTS (SELECT 1 FROM _shared_round_days AS b
                  WHERE b.company_id = s.company_id AND b.funded_on = r.funded_on
                    AND b.best_priority < p.priority);
