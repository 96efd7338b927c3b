-- Each staged decision matched to one company: by provider key (core.company_source_ids; a
-- Crunchbase permalink with or without its `/organization/` prefix), else by web domain, else by
-- normalised name. The first way that finds exactly one company wins. Rows no way matches stay,
-- with company_id NULL and `unmatched_reason` saying why (nothing found, or several companies).
CREATE OR REPLACE TEMP TABLE _decision_candidates AS
SELECT d._source_file, d._source_row, 1 AS priority, 'provider key' AS matched_by, s.company_id
FROM staging.analyst_decisions AS d
JOIN core.company_source_ids AS s
  ON lower(s.source_key) IN (d.company_key, '/organization/' || d.company_key)
UNION ALL
SELECT d._source_file, d._source_row, 2, 'domain', c.company_id
FROM staging.analyst_decisions AS d
JOIN core.companies AS c ON c.domain = d.company_domain
UNION ALL
SELECT d._source_file, d._source_row, 3, 'name', c.company_id
FROM staging.analyst_decisions AS d
JOIN core.companies AS c ON c.name_norm = d.company_norm;

CREATE OR REPLACE TEMP TABLE _decision_ways AS
SELECT _source_file, _source_row, priority, any_value(matched_by) AS matched_by,
       count(DISTINCT company_id) AS n, any_value(company_id) AS company_id
FROM _decision_candidates GROUP BY ALL;

CREATE OR REPLACE TABLE core.analyst_decisions AS
WITH chosen AS (
    SELECT * FROM _decision_ways WHERE n = 1
    QUALIFY row_number() OVER (PARTITION BY _source_file, _source_row ORDER BY priority) = 1
), ambiguous AS (
    SELECT _source_file, _source_row,
           string_agg(matched_by || ' matches ' || n || ' companies', '; ' ORDER BY priority) AS what
    FROM _decision_ways WHERE n > 1 GROUP BY ALL
)
SELECT d.company, m.company_id, c.name AS company_name, m.matched_by,
       CASE WHEN m.company_id IS NULL THEN
           CASE WHEN a.what IS NOT NULL
                THEN 'ambiguous: ' || a.what || '; write its provider key or web domain'
                ELSE 'no company with this provider key, web domain or name' END
       END AS unmatched_reason,
       d.status, d.note, d.analyst, d.decided_on, d._source_file, d._source_row
FROM staging.analyst_decisions AS d
LEFT JOIN chosen AS m USING (_source_file, _source_row)
LEFT JOIN ambiguous AS a USING (_source_file, _source_row)
LEFT JOIN core.companies AS c ON c.company_id = m.company_id
ORDER BY d._source_file, d._source_row;

DROP TABLE _decision_candidates;
DROP TABLE _decision_ways;
