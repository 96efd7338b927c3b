-- core.investments: investor edges matched to companies by normalised name. A unique name matches; among
-- homonyms, the one company with a round on the edge's date matches; otherwise the edge stays
-- unmatched (`match_method` says why) and still counts for the investor's activity.
-- The Crunchbase bulk export's investments join by UUID instead (no name matching where ids
-- exist): investment -> funding round -> organisation -> company (core.company_source_ids),
-- match_method 'id', the round's date and amount, the lead flag and the investor type.
-- an edge is identified by its row in staging.investor_edges (this statement list's snapshot)
CREATE OR REPLACE TEMP VIEW _edges AS
SELECT rowid AS edge_id, * FROM staging.investor_edges;

-- an investor's id hashes its normalised name: once per name, not once per edge
CREATE OR REPLACE TEMP TABLE _investor_ids AS
SELECT investor_name_norm, investor_id(investor_name_norm) AS investor_id
FROM (SELECT DISTINCT investor_name_norm FROM staging.investor_edges);

CREATE OR REPLACE TEMP TABLE _cand AS
SELECT e.edge_id, c.company_id,
       EXISTS (SELECT 1 FROM core.funding_rounds AS r
               WHERE r.company_id = c.company_id AND r.funded_on = e.funded_on) AS same_day_round
FROM _edges AS e
JOIN core.companies AS c
  ON c.name_norm = e.company_name_norm
 -- a company cannot raise before it is founded; this also keeps the match the same at any as_of
 AND (c.founded_on IS NULL OR e.funded_on IS NULL OR c.founded_on <= e.funded_on);

CREATE OR REPLACE TEMP TABLE _matched AS
SELECT edge_id,
       CASE WHEN count(*) = 1 THEN any_value(company_id)
            WHEN count(*) FILTER (same_day_round) = 1 THEN any_value(company_id) FILTER (same_day_round)
       END AS company_id,
       CASE WHEN count(*) = 1 THEN 'name_unique'
            WHEN count(*) FILTER (same_day_round) = 1 THEN 'name+round_date'
            ELSE 'ambiguous_name' END AS match_method
FROM _cand GROUP BY edge_id;

CREATE OR REPLACE TEMP TABLE _name_matched AS
SELECT ids.investor_id,
       m.company_id,
       coalesce(m.match_method, 'no_match') AS match_method,
       e.investor_name, e.company_name, e.funded_on, e.round_amount_usd,
       e._source_file, e._source_row
FROM _edges AS e
LEFT JOIN _investor_ids AS ids ON ids.investor_name_norm = e.investor_name_norm
LEFT JOIN _matched AS m USING (edge_id);

-- bulk investments by UUID: the round (staging orphans are quarantined), its organisation's company
CREATE OR REPLACE TEMP TABLE _id_matched AS
SELECT investor_id(b.investor_name_norm) AS investor_id,
       s.company_id,
       CASE WHEN s.company_id IS NOT NULL THEN 'id' ELSE 'no_match' END AS match_method,
       b.investor_name,
       coalesce(c.name, r.company_key) AS company_name,
       r.funded_on, r.amount_usd AS round_amount_usd,
       b._source_file, b._source_row,
       b.round_key,
       coalesce(b.is_lead, false)
           OR coalesce(list_contains(r.lead_investor_keys, b.investor_key), false) AS is_lead,
       b.investor_type
FROM staging.bulk_investments AS b
JOIN staging.bulk_funding_rounds AS r USING (round_key)
LEFT JOIN core.company_source_ids AS s
       ON s.source = 'crunchbase_bulk' AND s.source_key = r.company_key
LEFT JOIN core.companies AS c ON c.company_id = s.company_id;

CREATE OR REPLACE TABLE core.investments AS
SELECT *, NULL::VARCHAR AS round_key, NULL::BOOLEAN AS is_lead, NULL::VARCHAR AS investor_type,
       'investor_edges' AS source
FROM _name_matched
UNION ALL BY NAME
SELECT *, 'crunchbase_bulk' AS source FROM _id_matched;
