-- core.investments: investor edges matched to companies by normalised name. A unique name matches; among
-- homonyms, the one company with a round on the edge's date matches; otherwise the edge stays
-- unmatched (`match_method` says why) and still counts for the investor's activity. An edge of a
-- mapped export comes with its company (`source_key`: the company its mapped key joined).
-- The edges are the view `_investment_edges` (investment_edges.sql); an edge is identified by
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

CREATE OR REPLACE TABLE core.investments AS
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
