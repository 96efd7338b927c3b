-- core.investments: investor edges matched to companies by normalised name. A unique name matches; among
-- homonyms, the one company with a round on the edge's date matches; otherwise the edge stays
-- unmatched (`match_method` says why) and still counts for the investor's activity. An edge of a
-- mapped export comes with its company (`source_key`: the company its mapped key joined).
-- The Crunchbase bulk export's investments join by UUID instead (no name matching where ids
-- exist): investment -> funding round -> organisation -> company (core.company_source_ids),
-- match_method 'id', the round's date and amount, the lead flag and the investor type.
-- The name-side edges are the view `_investment_edges` (investment_edges.sql); an edge is identified by
-- its row in this statement list's snapshot of it.
CREATE OR REPLACE TEMP TABLE _edges AS
SELECT row_number() OVER () AS edge_id, * FROM _investment_edges;

-- an investor's id hashes its normalised name: once per name, not once per edge
CREATE OR REPLACE TEMP TABLE _investor_ids AS
SELECT investor_name_norm, investor_id(investor_name_norm) AS investor_id
FROM (SELECT DISTINCT investor_name_norm FROM _edges);

CREATE OR REPLACE TEMP TABLE _cand AS
SELECT e.edge_id, c.company_id,
       EXISTS (SELECT 1 FROM core.funding_rounds AS r
               WHERE r.company_id = c.company_id AND r.funded_on = e.funded_on) AS same_day_round
FROM _edges AS e
JOIN core.companies AS c
  ON e.company_id IS NULL AND c.name_norm = e.company_name_norm
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
       coalesce(e.company_id, m.company_id) AS company_id,
       CASE WHEN e.company_id IS NOT NULL THEN 'source_key'
            ELSE coalesce(m.match_method, 'no_match') END AS match_method,
       e.investor_name, e.company_name, e.funded_on, e.round_amount_usd,
       e._source_file, e._source_row,
       e.round_key, e.is_lead, e.investor_type, e.source
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
SELECT * FROM _name_matched
UNION ALL BY NAME
SELECT *, 'crunchbase_bulk' AS source FROM _id_matched;
