-- Exits observable at a date: acquisitions, and IPOs (first post-IPO round: the IPO was by then).
CREATE OR REPLACE TABLE core.company_exits AS
SELECT s.company_id, 'acquisition' AS exit_type, min(a.acquired_on) AS exited_on
FROM staging.acquisitions AS a
JOIN core.company_source_ids AS s ON s.source = 'crunchbase' AND s.source_key = a.company_key
GROUP BY ALL
UNION ALL
SELECT company_id, 'ipo', min(funded_on) FROM core.funding_rounds WHERE stage = 'post_ipo' GROUP BY ALL;
