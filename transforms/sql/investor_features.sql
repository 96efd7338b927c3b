-- Investor features strictly as of $as_of: only investor edges, rounds, exits and Epoch AI models
-- dated on or before it are read (an undated edge is never "before"). One row per investor with
-- at least one dated investment by then. Undated attributes read: investor home country
-- (core.investors), company HQ country (core.companies) and categories (core.company_taxonomy).
--
-- Parameters: $as_of, $epoch_model_builders (taxonomy rule), $follow_on_min_months,
-- $ticket_min_usd, $ticket_max_usd.
--
-- "Portfolio companies" are the companies an investor's edges matched (core.investments.company_id);
-- unmatched edges count for activity, tickets and co-investments (company by lower-cased name),
-- never for rates. Lead investments count the rounds an investor led (a source that says who
-- led: the Crunchbase bulk export); `lead_share` is their share of the rounds whose lead is
-- known (NULL when none is). Reads only core tables (no macros), so a read-only connection will do.
WITH
edges AS (
    SELECT investor_id, company_id,
           coalesce(company_id, 'name:' || lower(company_name))         AS company_key,
           investor_name, funded_on, round_amount_usd, is_lead
    FROM core.investments
    WHERE funded_on <= $as_of
),
-- the spelling the investor's edges use most often by as_of (core.investors reads every edge)
names AS (
    SELECT investor_id, mode(investor_name ORDER BY investor_name) AS name FROM edges GROUP BY investor_id
),
exits AS (
    SELECT company_id, min(exited_on) AS exited_on FROM core.company_exits
    WHERE exited_on <= $as_of GROUP BY company_id
),
first_models AS (
    SELECT company_id, min(published_on) AS first_model_on FROM core.company_models
    WHERE published_on <= $as_of GROUP BY company_id
),
-- The company's vertical as of as_of: the rule of company_features.sql (categories first; an
-- Epoch AI model published by as_of makes a model builder unless categories say otherwise).
verticals AS (
    SELECT t.company_id,
           CASE
               WHEN t.vertical_by_categories IN ('ai_semiconductors', 'generative_models')
                   THEN t.vertical_by_categories
               WHEN m.first_model_on IS NOT NULL AND $epoch_model_builders
                    AND (t.sector IS NULL OR t.sector_by_default OR t.vertical_by_categories IS NULL)
                   THEN 'generative_models'
               ELSE t.vertical_by_categories
           END AS vertical
    FROM core.company_taxonomy AS t LEFT JOIN first_models AS m USING (company_id)
),
-- The last day a company raised money by as_of: its rounds, and any investor's edge. (A company
-- raised again after a day exactly when its last funding day is later.)
last_funding AS (
    SELECT company_id, max(funded_on) AS last_funded_on FROM (
        SELECT company_id, funded_on FROM core.funding_rounds WHERE funded_on <= $as_of
        UNION ALL
        SELECT company_id, funded_on FROM edges WHERE company_id IS NOT NULL
    ) GROUP BY company_id
),
holdings AS (
    SELECT investor_id, company_id, min(funded_on) AS first_in
    FROM edges WHERE company_id IS NOT NULL GROUP BY ALL
),
holding_facts AS (
    SELECT h.investor_id, h.company_id, h.first_in, c.country_code, v.vertical,
           -- an exit before the investor came in is not its track record
           coalesce(x.exited_on < h.first_in, false)                        AS exited_before,
           coalesce(x.exited_on >= h.first_in, false)                       AS exited_after,
           h.first_in <= $as_of - to_months($follow_on_min_months)          AS seasoned,
           coalesce(lf.last_funded_on > h.first_in, false)                  AS raised_again
    FROM holdings AS h
    JOIN core.companies AS c USING (company_id)
    LEFT JOIN last_funding AS lf USING (company_id)
    LEFT JOIN verticals AS v USING (company_id)
    LEFT JOIN exits AS x USING (company_id)
),
portfolio AS (
    SELECT investor_id,
           count(*)                                                     AS n_matched_companies,
           count(*) FILTER (vertical IS NOT NULL)                       AS n_ai_thesis_companies,
           count(*) FILTER (vertical = 'generative_models')             AS n_generative_models,
           count(*) FILTER (vertical = 'sector_applications')           AS n_sector_applications,
           count(*) FILTER (vertical = 'ai_semiconductors')             AS n_ai_semiconductors,
           count(*) FILTER (NOT exited_before)                          AS n_exit_eligible,
           count(*) FILTER (exited_after)                               AS n_exits,
           count(*) FILTER (seasoned)                                   AS n_seasoned_companies,
           count(*) FILTER (seasoned AND raised_again)                  AS n_follow_on,
           count(*) FILTER (country_code = 'FRA')                       AS n_fra_companies,
           count(*) FILTER (country_code = 'ARE')                       AS n_are_companies
    FROM holding_facts GROUP BY investor_id
),
-- One row per (investor, round): a company on a day; the amount is the round total.
rounds AS (
    SELECT investor_id, company_key, funded_on, max(round_amount_usd) AS round_usd,
           bool_or(is_lead) AS led
    FROM edges GROUP BY ALL
),
activity AS (
    SELECT investor_id,
           count(*)                                                     AS n_investments,
           count(DISTINCT company_key)                                  AS n_companies,
           min(funded_on)                                               AS first_investment_on,
           max(funded_on)                                               AS last_investment_on,
           count(*) FILTER (funded_on > $as_of - INTERVAL 24 MONTH)     AS n_investments_24m,
           count(round_usd)                                             AS n_disclosed_rounds,
           median(round_usd)                                            AS median_round_usd,
           avg(round_usd)                                               AS mean_round_usd,
           avg((round_usd BETWEEN $ticket_min_usd AND $ticket_max_usd)::DOUBLE) AS ticket_fit,
           count(led)                                                   AS n_lead_known,
           count(*) FILTER (led)                                        AS n_led
    FROM rounds GROUP BY investor_id
),
investor_company AS (SELECT DISTINCT investor_id, company_key FROM edges),
nexus_investors AS (
    SELECT ic.investor_id, ic.company_key, n.name, i.country_code
    FROM investor_company AS ic
    JOIN core.investors AS i USING (investor_id)
    JOIN names AS n USING (investor_id)
    WHERE i.country_code IN ('FRA', 'ARE')
),
coinvestors AS (
    SELECT a.investor_id,
           list_sort(list(DISTINCT n.name) FILTER (n.country_code = 'FRA')) AS fra_coinvestors,
           list_sort(list(DISTINCT n.name) FILTER (n.country_code = 'ARE')) AS are_coinvestors,
           count(DISTINCT a.company_key)                                    AS n_nexus_coinvested_companies
    FROM investor_company AS a
    JOIN nexus_investors AS n ON n.company_key = a.company_key AND n.investor_id <> a.investor_id
    GROUP BY a.investor_id
)
SELECT
    a.investor_id,
    $as_of::DATE                                                        AS as_of,
    nm.name,
    i.name_norm,
    i.country_code,
    i.country_source,
    i.investor_types,
    a.n_investments,
    a.n_companies,
    coalesce(p.n_matched_companies, 0)                                  AS n_matched_companies,
    coalesce(p.n_ai_thesis_companies, 0)                                AS n_ai_thesis_companies,
    coalesce(p.n_generative_models, 0)                                  AS n_generative_models,
    coalesce(p.n_sector_applications, 0)                                AS n_sector_applications,
    coalesce(p.n_ai_semiconductors, 0)                                  AS n_ai_semiconductors,
    p.n_ai_thesis_companies / nullif(p.n_matched_companies, 0)          AS ai_thesis_share,
    coalesce(p.n_exit_eligible, 0)                                      AS n_exit_eligible,
    coalesce(p.n_exits, 0)                                              AS n_exits,
    p.n_exits / nullif(p.n_exit_eligible, 0)                            AS exit_rate,
    coalesce(p.n_seasoned_companies, 0)                                 AS n_seasoned_companies,
    coalesce(p.n_follow_on, 0)                                          AS n_follow_on,
    p.n_follow_on / nullif(p.n_seasoned_companies, 0)                   AS follow_on_rate,
    a.first_investment_on,
    a.last_investment_on,
    date_diff('day', a.last_investment_on, $as_of)                      AS days_since_last_investment,
    a.n_investments_24m,
    a.n_disclosed_rounds,
    a.median_round_usd,
    a.mean_round_usd,
    a.ticket_fit,
    CASE WHEN a.n_lead_known > 0 THEN a.n_led END                       AS n_lead_investments,
    a.n_led / nullif(a.n_lead_known, 0)                                 AS lead_share,
    coalesce(p.n_fra_companies, 0)                                      AS n_fra_companies,
    coalesce(p.n_are_companies, 0)                                      AS n_are_companies,
    coalesce(c.fra_coinvestors, [])                                     AS fra_coinvestors,
    coalesce(c.are_coinvestors, [])                                     AS are_coinvestors,
    coalesce(c.n_nexus_coinvested_companies, 0)                         AS n_nexus_coinvested_companies
FROM activity AS a
JOIN core.investors AS i USING (investor_id)
JOIN names AS nm USING (investor_id)
LEFT JOIN portfolio AS p USING (investor_id)
LEFT JOIN coinvestors AS c USING (investor_id)
