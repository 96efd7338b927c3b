-- core.investments refreshed after new rounds, when the investor edges and the companies are
-- those it was built from (investments.sql). Only an edge whose normalised name several
-- companies (founded by the edge's date) share can then match otherwise: its tie-break, a round
-- on the edge's date, is the one rule that reads the rounds. Those edges are matched again with
-- investments.sql's rules; every other edge keeps its match. An edge is its source row. Rows
-- joined by id (the bulk export's investments) are never matched again here.
CREATE OR REPLACE TEMP TABLE _cand AS
SELECT e._source_file, e._source_row, c.company_id,
       EXISTS (SELECT 1 FROM core.funding_rounds AS r
               WHERE r.company_id = c.company_id AND r.funded_on = e.funded_on) AS same_day_round
FROM staging.investor_edges AS e
JOIN core.companies AS c
  ON c.name_norm = e.company_name_norm
 AND (c.founded_on IS NULL OR e.funded_on IS NULL OR c.founded_on <= e.funded_on)
WHERE e.company_name_norm IN (SELECT name_norm FROM core.companies GROUP BY name_norm HAVING count(*) > 1);

CREATE OR REPLACE TEMP TABLE _rematched AS
SELECT _source_file, _source_row,
       CASE WHEN count(*) FILTER (same_day_round) = 1 THEN any_value(company_id) FILTER (same_day_round)
       END AS company_id,
       CASE WHEN count(*) FILTER (same_day_round) = 1 THEN 'name+round_date'
            ELSE 'ambiguous_name' END AS match_method
FROM _cand GROUP BY ALL HAVING count(*) > 1;

UPDATE core.investments AS i
SET company_id = m.company_id, match_method = m.match_method
FROM _rematched AS m
WHERE i._source_file = m._source_file AND i._source_row = m._source_row
  AND i.source = 'investor_edges'
  AND (i.company_id IS DISTINCT FROM m.company_id OR i.match_method <> m.match_method);

-- what the step reports: how many edges were matched again
SELECT count(*) AS edges_rematched FROM _rematched;
