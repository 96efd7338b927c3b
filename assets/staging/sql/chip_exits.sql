-- Exits of the semiconductor start-ups list (alumni.csv), typed. Key: the normalised name.
-- `Exit` is the acquirer's name, or IPO, SPAC or Shutdown. Only a year is given: `exited_on` is
-- the last day of that year (or the load day, if earlier): the latest date the exit can have
-- happened, so an as-of date inside the exit year never sees an exit that may not have happened
-- yet. A year that is not a plausible four-digit year (e.g. `270`) quarantines the row.
WITH typed AS (
    SELECT
        r.*,
        norm_name(r."Company")                                              AS name_norm,
        CASE WHEN regexp_matches(trim(coalesce(r."Year", '')), '^[0-9]{4}$')
             THEN trim(r."Year")::INTEGER END                               AS year_parsed,
        upper(trim(coalesce(r."Exit", '')))                                 AS exit_upper,
        parse_amount(nullif(upper(trim(r."Value($M)")), 'NA'))              AS value_parsed
    FROM query_table($raw_table) AS r
)
SELECT
    t.name_norm                                                             AS _key,
    CASE
        WHEN t.name_norm IS NULL
            THEN {'column': 'Company', 'value': t."Company", 'reason': 'missing key: Company is blank'}
        WHEN t.exit_upper = ''
            THEN {'column': 'Exit', 'value': t."Exit", 'reason': 'missing exit: Exit is blank'}
        WHEN t.year_parsed IS NULL OR t.year_parsed < 1900 OR t.year_parsed > year($max_day)
            THEN {'column': 'Year', 'value': t."Year", 'reason': 'unparseable or implausible year (required)'}
    END AS _reject,
    list_filter([
        CASE WHEN nullif(upper(trim(t."Value($M)")), 'NA') IS NOT NULL AND plausible_amount(t.value_parsed * 1e6) IS NULL
             THEN {'column': 'Value($M)', 'value': t."Value($M)", 'issue': 'value not a number in [0, 1e12) set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    trim(t."Company")                                                       AS name,
    t.name_norm,
    CASE t.exit_upper WHEN 'IPO' THEN 'ipo' WHEN 'SPAC' THEN 'spac' WHEN 'SHUTDOWN' THEN 'shutdown'
         ELSE 'acquisition' END                                             AS exit_kind,
    CASE WHEN t.exit_upper NOT IN ('IPO', 'SPAC', 'SHUTDOWN') THEN trim(t."Exit") END AS acquirer_name,
    t.year_parsed                                                           AS exit_year,
    least(make_date(t.year_parsed, 12, 31), $max_day)                       AS exited_on,
    plausible_amount(t.value_parsed * 1e6)                                  AS value_usd,
    nullif(trim(t."Link"), '')                                              AS source_url,
    t._source_file,
    t._source_row
FROM typed AS t
