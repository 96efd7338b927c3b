-- Investor edges matched to companies by normalised name. A unique name matches; among
-- homonyms, the one company with a round on the edge's date matches; otherwise the edge stays
-- unmatched (`match_method` says why) and still counts for the investor's activity.
-- an edge is identified by its row in staging.investor_edges (this statement list's snapshot)
CREATE OR REPLACE TEMP VIEW _edges AS
SELECT rowid AS edge_id, * FROM staging.investor_edges;

-- an investor's id hashes its normalised name: once per name, not once per edge
CREATE OR REPLACE TEMP TABLE _investor_ids AS
SELECT investor_name_norm, 'I' || substr(md5(investor_name_norm), 1, 16) AS investor_id
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

CREATE OR REPLACE TABLE core.investments AS
SELECT ids.investor_id,
       m.company_id,
       coalesce(m.match_method, 'no_match') AS match_method,
       e.investor_name, e.company_name, e.funded_on, e.round_amount_usd,
       e._source_file, e._source_row
FROM _edges AS e
LEFT JOIN _investor_ids AS ids ON ids.investor_name_norm = e.investor_name_norm
LEFT JOIN _matched AS m USING (edge_id);

-- Investors: activity, home country (curated list first, else a unique company of that name),
-- and the all-time exit rate of their matched portfolio (as-of versions live in the features).
CREATE OR REPLACE TABLE core.investors AS
WITH names AS (
    SELECT ids.investor_id, n.investor_name_norm, n.name
    FROM (SELECT investor_name_norm, mode(investor_name) AS name
          FROM staging.investor_edges GROUP BY ALL) AS n
    LEFT JOIN _investor_ids AS ids USING (investor_name_norm)
), activity AS (
    SELECT investor_id, count(*) AS n_investments,
           count(DISTINCT coalesce(company_id, company_name)) AS n_companies,
           count(DISTINCT company_id) AS n_matched_companies,
           min(funded_on) AS first_investment_on, max(funded_on) AS last_investment_on
    FROM core.investments GROUP BY investor_id
), company_country AS (
    SELECT name_norm, any_value(country_code) AS country_code
    FROM core.companies WHERE country_code IS NOT NULL GROUP BY name_norm HAVING count(*) = 1
), exits AS (
    SELECT i.investor_id,
           count(DISTINCT i.company_id) FILTER (x.company_id IS NOT NULL) AS n_portfolio_exits
    FROM core.investments AS i LEFT JOIN core.company_exits AS x USING (company_id)
    WHERE i.company_id IS NOT NULL GROUP BY i.investor_id
)
SELECT n.investor_id, n.name, n.investor_name_norm AS name_norm,
       coalesce(k.country_code, cc.country_code) AS country_code,
       CASE WHEN k.country_code IS NOT NULL THEN 'curated list'
            WHEN cc.country_code IS NOT NULL THEN 'company record' END AS country_source,
       a.n_investments, a.n_companies, a.n_matched_companies,
       a.first_investment_on, a.last_investment_on,
       coalesce(x.n_portfolio_exits, 0) AS n_portfolio_exits,
       coalesce(x.n_portfolio_exits, 0) / nullif(a.n_matched_companies, 0) AS portfolio_exit_rate
FROM names AS n
JOIN activity AS a USING (investor_id)
LEFT JOIN exits AS x USING (investor_id)
LEFT JOIN ref.known_investors AS k ON k.name_norm = n.investor_name_norm
LEFT JOIN company_country AS cc ON cc.name_norm = n.investor_name_norm;
