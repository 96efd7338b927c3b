-- One company table across sources. Crunchbase permalinks and the organisations of a Crunchbase
-- bulk export (uuid, merged into the 2015 company of the same domain, else name and country) are
-- identities; an Epoch AI industry
-- organisation joins the Crunchbase company with the same normalised name (and the same country
-- when both are known) when exactly one such company exists, else it becomes a company of its own.
-- The current sources (chip list, Epoch AI companies and funding rounds) and the companies of
-- mapped exports then join by domain or name (below); mapped exports also bring their provider's
-- categories. `description` comes from a bulk organisation's short_description, else from
-- them, and `tags` (lower-case provider tags, e.g. `chip_list:ai`) from them; 2015 Crunchbase and
-- Epoch AI organisations have none (NULL, []).
CREATE OR REPLACE TEMP TABLE _cb15 AS
SELECT 'C' || substr(md5('crunchbase:' || company_key), 1, 16) AS company_id, *
FROM staging.companies;

-- Organisations of a licensed Crunchbase bulk export (uuid keys) are identities too: those that
-- are companies (no roles given, or the role `company`: not pure investors or schools). Each joins
-- the one 2015 Crunchbase company with the same domain (unique both ways), else the one with the
-- same normalised name and a compatible country (unique both ways, among the 2015 companies no
-- organisation took by domain), else is a company of its own.
CREATE OR REPLACE TEMP TABLE _bulk AS
WITH orgs AS (
    SELECT * FROM staging.bulk_organizations WHERE len(roles) = 0 OR list_contains(roles, 'company')
), by_domain AS (
    SELECT o.company_key, c.company_id
    FROM orgs AS o JOIN _cb15 AS c ON c.domain = o.domain
    QUALIFY count(*) OVER (PARTITION BY o.company_key) = 1 AND count(*) OVER (PARTITION BY c.company_id) = 1
), by_name AS (
    SELECT o.company_key, c.company_id
    FROM (SELECT * FROM orgs WHERE company_key NOT IN (SELECT company_key FROM by_domain)) AS o
    JOIN (SELECT * FROM _cb15 WHERE company_id NOT IN (SELECT company_id FROM by_domain)) AS c
      ON c.name_norm = o.name_norm
     AND (o.country_code IS NULL OR c.country_code IS NULL OR o.country_code = c.country_code)
    QUALIFY count(*) OVER (PARTITION BY o.company_key) = 1 AND count(*) OVER (PARTITION BY c.company_id) = 1
)
SELECT coalesce(d.company_id, n.company_id,
                'C' || substr(md5('crunchbase_bulk:' || o.company_key), 1, 16)) AS company_id,
       CASE WHEN d.company_id IS NOT NULL THEN 'domain'
            WHEN n.company_id IS NOT NULL THEN 'name+country' ELSE 'uuid' END AS match_method,
       o.*
FROM orgs AS o
LEFT JOIN by_domain AS d USING (company_key)
LEFT JOIN by_name AS n USING (company_key);

-- `_cb`: one record per Crunchbase company, from either export or both (what the rest of this
-- file matches against). Attributes come from the bulk record when present (the current export),
-- else the 2015 one; the location (country, state, region, city) as a whole from the record that
-- has a country; categories are the 2015 ones then the bulk's new ones; description and category
-- groups only the bulk export has.
CREATE OR REPLACE TEMP TABLE _cb AS
SELECT coalesce(b.company_id, c.company_id)                         AS company_id,
       coalesce(b.name, c.name)                                     AS name,
       coalesce(b.name_norm, c.name_norm)                           AS name_norm,
       coalesce(b.domain, c.domain)                                 AS domain,
       coalesce(b.homepage_url, c.homepage_url)                     AS homepage_url,
       CASE WHEN b.country_code IS NOT NULL OR c.company_id IS NULL THEN b.country_code ELSE c.country_code END AS country_code,
       CASE WHEN b.country_code IS NOT NULL OR c.company_id IS NULL THEN b.state_code ELSE c.state_code END AS state_code,
       CASE WHEN b.country_code IS NOT NULL OR c.company_id IS NULL THEN b.region ELSE c.region END AS region,
       CASE WHEN b.country_code IS NOT NULL OR c.company_id IS NULL THEN b.city ELSE c.city END AS city,
       CASE WHEN b.company_id IS NULL THEN c.categories
            WHEN c.company_id IS NULL THEN b.categories
            ELSE list_concat(c.categories, list_filter(b.categories, lambda x: NOT list_contains(c.categories, x)))
       END                                                          AS categories,
       coalesce(b.category_groups, []::VARCHAR[])                   AS category_groups,
       b.description,
       coalesce(b.status, c.status)                                 AS status,
       coalesce(b.founded_on, c.founded_on)                         AS founded_on,
       CASE WHEN b.company_id IS NOT NULL THEN 'crunchbase_bulk' ELSE 'crunchbase' END AS primary_source
FROM _cb15 AS c
FULL JOIN _bulk AS b USING (company_id);

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

-- Companies the current sources name: the semiconductor start-ups list, the Epoch AI companies
-- registry and the companies of Epoch AI funding rounds. Each record joins the one Crunchbase
-- company with the same domain, else the one company so far (Crunchbase, or Epoch AI organisation)
-- with the same normalised name, a compatible country and no conflicting domain (the list's
-- "Beam", beam.ai-like, is not Crunchbase's "Beam" school), else a company of its own (records of
-- the same normalised name from several of these sources are then one company).
CREATE OR REPLACE TEMP TABLE _extra_records AS
SELECT 'chip_startups' AS source, name_norm AS source_key, 1 AS priority, name, name_norm, domain,
       homepage_url, country_code, founded_on, description, tags, []::VARCHAR[] AS categories
FROM staging.chip_startups
UNION ALL
SELECT 'epoch_companies', name_norm, 2, name, name_norm, NULL, NULL, NULL, founded_on, NULL, tags, []::VARCHAR[]
FROM staging.epoch_companies
UNION ALL
SELECT 'epoch_funding_rounds', company_key, 3, any_value(company_name ORDER BY _source_row), company_key,
       NULL, NULL, NULL, NULL, NULL, []::VARCHAR[], []::VARCHAR[]
FROM staging.epoch_funding_rounds GROUP BY company_key
UNION ALL
-- mapped exports (any provider's download through a column mapping): one record per mapped
-- company key (the normalised name), from its companies rows, else the rounds and investments
-- naming it (their company domain and country); categories are the provider's
SELECT 'mapped', company_key, 4,
       arg_min(name, rank), company_key,
       arg_min(domain, rank) FILTER (domain IS NOT NULL),
       arg_min(homepage_url, rank) FILTER (homepage_url IS NOT NULL),
       arg_min(country_code, rank) FILTER (country_code IS NOT NULL),
       arg_min(founded_on, rank) FILTER (founded_on IS NOT NULL),
       arg_min(description, rank) FILTER (description IS NOT NULL),
       []::VARCHAR[],
       coalesce(arg_min(categories, rank) FILTER (len(categories) > 0), []::VARCHAR[])
FROM (
    SELECT company_key, name, domain, homepage_url, country_code, founded_on, description,
           categories, 1 AS rank
    FROM staging.mapped_companies
    UNION ALL
    SELECT company_key, company_name, company_domain, NULL, company_country_code, NULL, NULL,
           []::VARCHAR[], 2
    FROM staging.mapped_rounds
    UNION ALL
    SELECT company_key, company_name, company_domain, NULL, company_country_code, NULL, NULL,
           []::VARCHAR[], 3
    FROM staging.mapped_investments
) GROUP BY company_key;

CREATE OR REPLACE TEMP TABLE _base AS
SELECT company_id, name_norm, domain, country_code FROM _cb
UNION ALL
SELECT DISTINCT company_id, name_norm, NULL, country_code FROM _epoch WHERE NOT matched;

CREATE OR REPLACE TEMP TABLE _extra AS
WITH by_domain AS (
    SELECT x.source, x.source_key, any_value(b.company_id) AS company_id
    FROM _extra_records AS x JOIN _cb AS b ON b.domain = x.domain
    GROUP BY ALL HAVING count(DISTINCT b.company_id) = 1
), by_name AS (
    SELECT x.source, x.source_key, any_value(b.company_id) AS company_id
    FROM _extra_records AS x
    JOIN _base AS b
      ON b.name_norm = x.name_norm
     AND (x.country_code IS NULL OR b.country_code IS NULL OR x.country_code = b.country_code)
     AND (x.domain IS NULL OR b.domain IS NULL OR x.domain = b.domain)
    GROUP BY ALL HAVING count(DISTINCT b.company_id) = 1
)
SELECT x.*,
       coalesce(d.company_id, n.company_id, 'C' || substr(md5('name:' || x.name_norm), 1, 16)) AS company_id,
       CASE WHEN d.company_id IS NOT NULL THEN 'domain'
            WHEN n.company_id IS NOT NULL THEN 'name+country' ELSE 'new' END AS match_method
FROM _extra_records AS x
LEFT JOIN by_domain AS d USING (source, source_key)
LEFT JOIN by_name AS n USING (source, source_key);

-- What the current sources add to each company: the first description and founding date by
-- source priority (chip list, Epoch AI companies, Epoch AI rounds), every tag.
CREATE OR REPLACE TEMP TABLE _extra_attrs AS
SELECT company_id,
       arg_min(name, priority)                                                AS name,
       arg_min(name_norm, priority)                                           AS name_norm,
       arg_min(domain, priority) FILTER (domain IS NOT NULL)                  AS domain,
       arg_min(homepage_url, priority) FILTER (homepage_url IS NOT NULL)      AS homepage_url,
       arg_min(country_code, priority) FILTER (country_code IS NOT NULL)      AS country_code,
       arg_min(founded_on, priority) FILTER (founded_on IS NOT NULL)          AS founded_on,
       arg_min(description, priority) FILTER (description IS NOT NULL)        AS description,
       list_sort(list_distinct(flatten(list(tags))))                          AS tags,
       list_sort(list_distinct(flatten(list(categories))))                    AS categories,
       arg_min(source, priority)                                              AS source,
       bool_and(match_method = 'new')                                         AS is_new
FROM _extra GROUP BY company_id;

-- Exits of the semiconductor list name a company by name only: they join the one company with
-- that normalised name among the companies that can be a chip company: those of the list itself,
-- Epoch AI organisations, and Crunchbase companies with a hardware-like category (so the list's
-- "Acacia", an optical-chip IPO, does not mark Crunchbase's "Acacia" mobile game as exited).
CREATE OR REPLACE TEMP TABLE _exit_matches AS
WITH names AS (
    SELECT company_id, name_norm FROM _cb
    WHERE regexp_matches(lower(array_to_string(categories, '|')),
                         'semiconductor|hardware|sensor|electronic|wireless|data cent|telecom|optical|networking|computer|manufactur|nanotech|photonic')
    UNION SELECT company_id, name_norm FROM _epoch
    UNION SELECT company_id, name_norm FROM _extra WHERE source = 'chip_startups'
)
SELECT x.name_norm AS source_key, any_value(n.company_id) AS company_id
FROM staging.chip_exits AS x JOIN names AS n ON n.name_norm = x.name_norm
GROUP BY x.name_norm HAVING count(DISTINCT n.company_id) = 1;

CREATE OR REPLACE TABLE core.company_source_ids AS
SELECT company_id, 'crunchbase' AS source, company_key AS source_key, 'permalink' AS match_method FROM _cb15
UNION ALL
SELECT company_id, 'crunchbase_bulk', company_key, match_method FROM _bulk
UNION ALL
SELECT company_id, 'epoch', org_name, CASE WHEN matched THEN 'name+country' ELSE 'new' END FROM _epoch
UNION ALL
SELECT company_id, source, source_key, match_method FROM _extra
UNION ALL
SELECT company_id, 'chip_exits', source_key, 'name' FROM _exit_matches;

CREATE OR REPLACE TABLE core.companies AS
WITH epoch_only AS (
    SELECT company_id, any_value(org_name) AS name, any_value(name_norm) AS name_norm,
           any_value(country_code) AS country_code
    FROM _epoch WHERE NOT matched GROUP BY company_id
), countries AS (
    SELECT company_id, list_sort(list_distinct(list(country_code))) AS countries
    FROM (SELECT company_id, country_code FROM _cb15 UNION ALL SELECT company_id, country_code FROM _bulk
          UNION ALL SELECT company_id, country_code FROM _epoch
          UNION ALL SELECT company_id, country_code FROM _extra)
    WHERE country_code IS NOT NULL GROUP BY company_id
), base AS (
    SELECT company_id, name, name_norm, domain, homepage_url, country_code, region, city,
           categories, status, founded_on, primary_source, description, category_groups
    FROM _cb
    UNION ALL
    SELECT company_id, name, name_norm, NULL, NULL, country_code, NULL, NULL,
           []::VARCHAR[], NULL, NULL, 'epoch', NULL, []::VARCHAR[]
    FROM epoch_only
    UNION ALL
    SELECT company_id, name, name_norm, domain, homepage_url, country_code, NULL, NULL,
           categories, NULL, founded_on, source, NULL, []::VARCHAR[]
    FROM _extra_attrs WHERE is_new
)
SELECT c.company_id, c.name, c.name_norm,
       coalesce(c.domain, x.domain) AS domain,
       coalesce(c.homepage_url, x.homepage_url) AS homepage_url,
       coalesce(c.country_code, x.country_code) AS country_code,
       c.region, c.city,
       -- a provider's categories (mapped exports) follow the company's own, each once
       CASE WHEN c.primary_source = x.source OR len(coalesce(x.categories, [])) = 0 THEN c.categories
            ELSE c.categories || list_filter(x.categories, lambda v: NOT list_contains(c.categories, v))
       END AS categories,
       c.status,
       coalesce(c.founded_on, x.founded_on) AS founded_on,
       c.primary_source,
       coalesce(k.countries, []) AS countries,
       coalesce(c.description, x.description) AS description,
       coalesce(x.tags, []::VARCHAR[]) AS tags,
       c.category_groups
FROM base AS c
LEFT JOIN _extra_attrs AS x USING (company_id)
LEFT JOIN countries AS k USING (company_id);

-- Funding rounds and exits are written by core/funding_rounds (funding_rounds.sql).

-- Acquisitions made by our companies (acquirer side).
CREATE OR REPLACE TABLE core.company_acquisitions_made AS
SELECT s.company_id, a.acquisition_key, a.company_key AS target_key, a.company_name AS target_name, a.acquired_on,
       a.price_usd, a.price_eur
FROM staging.acquisitions AS a
JOIN core.company_source_ids AS s ON s.source = 'crunchbase' AND s.source_key = a.acquirer_key
UNION ALL
-- the bulk export's, less those the 2015 export already holds (same acquirer, day and target name)
SELECT s.company_id, a.acquisition_key, a.company_key, a.company_name, a.acquired_on, a.price_usd, a.price_eur
FROM staging.bulk_acquisitions AS a
JOIN core.company_source_ids AS s ON s.source = 'crunchbase_bulk' AND s.source_key = a.acquirer_key
WHERE NOT EXISTS (
    SELECT 1 FROM staging.acquisitions AS o
    JOIN core.company_source_ids AS so ON so.source = 'crunchbase' AND so.source_key = o.acquirer_key
    WHERE so.company_id = s.company_id AND o.acquired_on = a.acquired_on
      AND norm_name(o.company_name) = norm_name(a.company_name));

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
