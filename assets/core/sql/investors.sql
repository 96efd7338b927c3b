-- core.investors, from core.investments (investments.sql or investments_rematch.sql).
-- Investors of every source, one per normalised name (investor_id(name_norm)): activity, home
-- country (curated list first, else the provider's investor record, else a unique company of that
-- name), investor types and lead investments (the bulk export's), and the all-time exit rate of
-- their matched portfolio (as-of versions live in the features).
CREATE OR REPLACE TABLE core.investors AS
WITH names AS (
    SELECT investor_id(investor_name_norm) AS investor_id, investor_name_norm, mode(investor_name) AS name
    FROM (
        SELECT investor_name_norm, investor_name FROM _investment_edges  -- investment_edges.sql
        UNION ALL
        SELECT investor_name_norm, investor_name FROM staging.bulk_investments
    ) GROUP BY investor_name_norm
),
-- the provider's investor records of a name: their types together, their country when one
provider AS (
    SELECT name_norm,
           list_sort(list_distinct(flatten(list(investor_types)))) AS investor_types,
           CASE WHEN count(DISTINCT country_code) = 1 THEN any_value(country_code) END AS country_code
    FROM staging.bulk_investors GROUP BY name_norm
),
-- one row per investor and company (a matched company, else the edge's company name)
holdings AS (
    SELECT investor_id, coalesce(company_id, company_name) AS company_key,
           any_value(company_id) AS company_id, count(*) AS n,
           count(*) FILTER (is_lead) AS n_lead, count(is_lead) AS n_lead_known,
           min(funded_on) AS first_on, max(funded_on) AS last_on
    FROM core.investments GROUP BY ALL
), activity AS (
    SELECT investor_id, sum(n)::BIGINT AS n_investments, count(company_key) AS n_companies,
           count(company_id) AS n_matched_companies,
           -- NULL when no investment says whether the investor led (the edges do not)
           CASE WHEN sum(n_lead_known) > 0 THEN sum(n_lead)::BIGINT END AS n_lead_investments,
           min(first_on) AS first_investment_on, max(last_on) AS last_investment_on
    FROM holdings GROUP BY investor_id
), company_country AS (
    SELECT name_norm, any_value(country_code) AS country_code
    FROM core.companies WHERE country_code IS NOT NULL GROUP BY name_norm HAVING count(*) = 1
), exits AS (
    SELECT investor_id, count(*) AS n_portfolio_exits FROM holdings
    WHERE company_id IN (SELECT company_id FROM core.company_exits) GROUP BY investor_id
)
SELECT n.investor_id, n.name, n.investor_name_norm AS name_norm,
       coalesce(k.country_code, p.country_code, cc.country_code) AS country_code,
       CASE WHEN k.country_code IS NOT NULL THEN 'curated list'
            WHEN p.country_code IS NOT NULL THEN 'provider'
            WHEN cc.country_code IS NOT NULL THEN 'company record' END AS country_source,
       a.n_investments, a.n_companies, a.n_matched_companies,
       a.first_investment_on, a.last_investment_on,
       coalesce(x.n_portfolio_exits, 0) AS n_portfolio_exits,
       coalesce(x.n_portfolio_exits, 0) / nullif(a.n_matched_companies, 0) AS portfolio_exit_rate,
       coalesce(p.investor_types, [])::VARCHAR[] AS investor_types,
       a.n_lead_investments
FROM names AS n
JOIN activity AS a USING (investor_id)
LEFT JOIN exits AS x USING (investor_id)
LEFT JOIN ref.known_investors AS k ON k.name_norm = n.investor_name_norm
LEFT JOIN provider AS p ON p.name_norm = n.investor_name_norm
LEFT JOIN company_country AS cc ON cc.name_norm = n.investor_name_norm;
