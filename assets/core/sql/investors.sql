-- core.investors, from core.investments (investments.sql or investments_rematch.sql).
-- Investors: activity, home country (curated list first, else a unique company of that name),
-- and the all-time exit rate of their matched portfolio (as-of versions live in the features).
CREATE OR REPLACE TABLE core.investors AS
WITH names AS (
    SELECT investor_id(investor_name_norm) AS investor_id, investor_name_norm, mode(investor_name) AS name
    FROM _investment_edges GROUP BY investor_name_norm  -- investment_edges.sql
),
-- one row per investor and company (a matched company, else the edge's company name)
holdings AS (
    SELECT investor_id, coalesce(company_id, company_name) AS company_key,
           any_value(company_id) AS company_id, count(*) AS n,
           min(funded_on) AS first_on, max(funded_on) AS last_on
    FROM core.investments GROUP BY ALL
), activity AS (
    SELECT investor_id, sum(n)::BIGINT AS n_investments, count(company_key) AS n_companies,
           count(company_id) AS n_matched_companies,
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
