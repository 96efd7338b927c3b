-- Crunchbase organisations, typed. Key: lower-cased permalink.
SELECT
    clean_key(r.permalink)                                   AS _key,
    CASE WHEN clean_key(r.permalink) IS NULL
         THEN {'column': 'permalink', 'value': r.permalink, 'reason': 'missing key: permalink is blank'} END AS _reject,
    list_filter([
        CASE WHEN nullif(trim(r.founded_at), '') IS NOT NULL AND plausible_date(parse_date_any(r.founded_at, false), $max_day) IS NULL THEN {'column': 'founded_at', 'value': r.founded_at, 'issue': 'impossible date set to NULL'} END,
        CASE WHEN nullif(trim(r.country_code), '') IS NOT NULL AND c.unknown THEN {'column': 'country_code', 'value': r.country_code, 'issue': 'unknown country code set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    clean_key(r.permalink)                                   AS company_key,
    trim(r.name)                                             AS name,
    norm_name(r.name)                                        AS name_norm,
    nullif(trim(r.homepage_url), '')                         AS homepage_url,
    norm_domain(r.homepage_url)                              AS domain,
    list_distinct(list_filter(
        list_transform(string_split(coalesce(r.category_list, ''), '|'), lambda x: trim(x)),
        lambda x: x <> ''))                                       AS categories,
    nullif(lower(trim(r.status)), '')                        AS status,
    nullif(trim(r.country_code), '')                         AS country_raw,
    c.country_code                                           AS country_code,
    nullif(trim(r.state_code), '')                           AS state_code,
    nullif(trim(r.region), '')                               AS region,
    nullif(trim(r.city), '')                                 AS city,
    plausible_date(parse_date_any(r.founded_at, false), $max_day) AS founded_on,
    plausible_amount(parse_amount(r.funding_total_usd))      AS funding_total_usd_reported,
    r._source_file,
    r._source_row
FROM query_table($raw_table) AS r
LEFT JOIN country_lookup AS c ON c.country_text = r.country_code
