-- Where an analyst reads more about each company, and two facts to place it: `link` is the
-- company's homepage (an http(s) address; a bare domain such as `example.com` gets `http://`),
-- else its Crunchbase profile (https://www.crunchbase.com + the permalink), else NULL (an Epoch AI
-- organisation without a homepage); `city` as the provider gives it; `founded_year` only when the
-- company was founded by $as_of (no fact from after the scoring date). $ids: the companies wanted
-- (semi-joins: only their rows are read past the scans).
WITH wanted AS (
    SELECT DISTINCT unnest($ids::VARCHAR[]) AS company_id
), profiles AS (
    SELECT company_id, 'https://www.crunchbase.com' || min(source_key) AS profile_url
    FROM core.company_source_ids
    WHERE source = 'crunchbase' AND starts_with(source_key, '/organization/')
      AND company_id IN (SELECT company_id FROM wanted)
    GROUP BY company_id
)
SELECT
    c.company_id,
    CASE
        WHEN regexp_matches(trim(c.homepage_url), '^https?://[^\s]+$', 'i') THEN trim(c.homepage_url)
        WHEN regexp_matches(trim(c.homepage_url), '^[a-z0-9-]+(\.[a-z0-9-]+)+(/[^\s]*)?$', 'i')
            THEN 'http://' || trim(c.homepage_url)
        ELSE p.profile_url
    END AS link,
    c.city,
    CASE WHEN c.founded_on <= $as_of THEN year(c.founded_on) END::INTEGER AS founded_year
FROM core.companies AS c
LEFT JOIN profiles AS p USING (company_id)
WHERE c.company_id IN (SELECT company_id FROM wanted)
