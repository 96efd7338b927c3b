-- The analysts' decisions (CSV or Excel), typed. One row per decision (key: the record), never
-- collapsed: the latest decision per company is chosen after matching (core.analyst_decisions).
-- `company` is a provider key, a web domain or a name; `status` one of watch, in_diligence,
-- passed, portfolio (case, spaces and hyphens forgiven: "In diligence" -> in_diligence);
-- `decided_on` any accepted date format, day first when ambiguous (05/10/2026 is 5 October).
-- A blank company, an unknown status or a missing / unreadable decision date quarantines the row.
WITH typed AS (
    SELECT
        r.*,
        nullif(trim(r."company"), '')                                          AS company_text,
        nullif(regexp_replace(lower(trim(coalesce(r."status", ''))), '[\s\-]+', '_', 'g'), '') AS status_norm,
        parse_date_any(r."decided_on", true)                                  AS decided_parsed
    FROM query_table($raw_table) AS r
)
SELECT
    t._source_file || ':' || t._source_row                                    AS _key,
    CASE
        WHEN t.company_text IS NULL
            THEN {'column': 'company', 'value': t."company", 'reason': 'missing key: company is blank (a name, web domain or provider key)'}
        WHEN t.status_norm IS NULL OR t.status_norm NOT IN ('watch', 'in_diligence', 'passed', 'portfolio')
            THEN {'column': 'status', 'value': t."status", 'reason': 'unknown status: expected watch, in_diligence, passed or portfolio'}
        WHEN t.decided_parsed IS NULL OR t.decided_parsed < DATE '1900-01-01'
            THEN {'column': 'decided_on', 'value': t."decided_on", 'reason': 'missing or unreadable decision date: the latest decision per company is chosen by date'}
    END                                                                       AS _reject,
    []::STRUCT("column" VARCHAR, "value" VARCHAR, issue VARCHAR)[]           AS _issues,
    t.company_text                                                            AS company,
    clean_key(t.company_text)                                                 AS company_key,
    CASE WHEN regexp_matches(t.company_text, '^\S+\.[a-zA-Z]{2,}(/\S*)?$')
         THEN norm_domain(t.company_text) END                                 AS company_domain,
    norm_name(t.company_text)                                                 AS company_norm,
    t.status_norm                                                             AS status,
    nullif(trim(t."note"), '')                                                AS note,
    nullif(trim(t."analyst"), '')                                             AS analyst,
    t.decided_parsed                                                          AS decided_on,
    t._source_file,
    t._source_row
FROM typed AS t
