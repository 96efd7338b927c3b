-- One company table across sources. Crunchbase permalinks are identities; an Epoch AI industry
-- organisation joins the Crunchbase company with the same normalised name (and the same country
-- when both are known) when exactly one such company exists, else it becomes a company of its own.
CREATE OR REPLACE TEMP TABLE _cb AS
SELECT 'C' || substr(md5('crunchbase:' || company_key), 1, 16) AS company_id, *
FROM staging.companies;

CREATE OR REPLACE TEMP TABLE _epoch AS
SELECT
    o.org_name, o.name_norm, o.country_code, o.categorization,
    CASE WHEN count(cb.company_id) = 1 THEN any_value(cb.company_id)
         ELSE 'C' || substr(md5('epoch:' || o.name_norm), 1, 16) END AS company_id,
    count(cb.company_id) = 1 AS matched
FROM staging.epoch_organizations AS o
LEFT JOIN _cb AS cb
       ON cb.name_norm = o.name_norm
      AND (o.country_code IS NULL OR cb.country_code IS NULL OR o.country_code = cb.country_code)
WHERE o.is_industry
GROUP BY o.org_name, o.name_norm, o.country_code, o.categorization;

CREATE OR REPLACE TABLE core.company_source_ids AS
SELECT company_id, 'crunchbase' AS source, company_key AS source_key, 'permalink' AS match_method FROM _cb
UNION ALL
SELECT company_id, 'epoch', org_name, CASE WHEN matched THEN 'name+country' ELSE 'new' END FROM _epoch;

CREATE OR REPLACE TABLE core.companies AS
WITH epoch_only AS (
    SELECT company_id, any_value(org_name) AS name, any_value(name_norm) AS name_norm,
           any_value(country_code) AS country_code
    FROM _epoch WHERE NOT matched GROUP BY company_id
), countries AS (
    SELECT company_id, list_sort(list_distinct(list(country_code))) AS countries
    FROM (SELECT company_id, country_code FROM _cb UNION ALL SELECT company_id, country_code FROM _epoch)
    WHERE country_code IS NOT NULL GROUP BY company_id
)
SELECT c.*, coalesce(k.countries, []) AS countries,
       NULL::VARCHAR AS description, []::VARCHAR[] AS tags  -- filled by the current sources
FROM (
    SELECT company_id, name, name_norm, domain, homepage_url, country_code, region, city,
           categories, status, founded_on, 'crunchbase' AS primary_source
    FROM _cb
    UNION ALL
    SELECT company_id, name, name_norm, NULL, NULL, country_code, NULL, NULL,
           []::VARCHAR[], NULL, NULL, 'epoch'
    FROM epoch_only
) AS c
LEFT JOIN countries AS k USING (company_id);

-- Funding rounds and exits are written by core/funding_rounds (funding_rounds.sql).

-- Acquisitions made by our companies (acquirer side).
CREATE OR REPLACE TABLE core.company_acquisitions_made AS
SELECT s.company_id, a.acquisition_key, a.company_key AS target_key, a.company_name AS target_name, a.acquired_on,
       a.price_usd, a.price_eur
FROM staging.acquisitions AS a
JOIN core.company_source_ids AS s ON s.source = 'crunchbase' AND s.source_key = a.acquirer_key;

-- Epoch AI models attributed to companies (through the organisation match, else a unique name).
CREATE OR REPLACE TABLE core.company_models AS
WITH orgs AS (
    SELECT m.model_name, m.published_on, m.training_compute_flop, m.training_hardware,
           m.hardware_quantity, m.domain, unnest(m.org_names_norm) AS org_norm
    FROM staging.epoch_models AS m
), by_org AS (
    SELECT DISTINCT name_norm, company_id FROM _epoch
), by_name AS (
    -- the one Crunchbase company of that name founded by the model's publication
    SELECT o.model_name, o.org_norm, any_value(cb.company_id) AS company_id
    FROM orgs AS o
    JOIN _cb AS cb ON cb.name_norm = o.org_norm
                  AND (cb.founded_on IS NULL OR o.published_on IS NULL OR cb.founded_on <= o.published_on)
    GROUP BY ALL HAVING count(*) = 1
)
SELECT DISTINCT coalesce(e.company_id, n.company_id) AS company_id, o.* EXCLUDE (org_norm)
FROM orgs AS o
LEFT JOIN by_org AS e ON e.name_norm = o.org_norm
LEFT JOIN by_name AS n ON n.model_name = o.model_name AND n.org_norm = o.org_norm
WHERE coalesce(e.company_id, n.company_id) IS NOT NULL;
