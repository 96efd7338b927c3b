-- Crunchbase bulk export investors (UUID keys), typed: investor types as a list, ISO country,
-- dates. Key: lower-cased uuid. v3 exports' single `investor_type` is read as `investor_types`.
WITH typed AS (
    SELECT
        r.*,
        clean_key(r.uuid)                                                AS investor_key,
        norm_name(r.name)                                                AS name_norm,
        plausible_date(parse_date_any(r.founded_on, false), $max_day)    AS founded_parsed,
        plausible_date(parse_date_any(r.closed_on, false), $max_day)     AS closed_parsed,
        try_cast(parse_amount(r.investment_count) AS BIGINT)             AS count_parsed
    FROM query_table($raw_table) AS r
)
SELECT
    t.investor_key                                                       AS _key,
    CASE
        WHEN t.investor_key IS NULL
            THEN {'column': 'uuid', 'value': t.uuid, 'reason': 'missing key: uuid is blank'}
        WHEN t.name_norm IS NULL
            THEN {'column': 'name', 'value': t.name, 'reason': 'missing key: name is blank'}
    END AS _reject,
    list_filter([
        CASE WHEN nullif(trim(t.founded_on), '') IS NOT NULL AND t.founded_parsed IS NULL THEN {'column': 'founded_on', 'value': t.founded_on, 'issue': 'impossible date set to NULL'} END,
        CASE WHEN nullif(trim(t.closed_on), '') IS NOT NULL AND t.closed_parsed IS NULL THEN {'column': 'closed_on', 'value': t.closed_on, 'issue': 'impossible date set to NULL'} END,
        CASE WHEN nullif(trim(t.country_code), '') IS NOT NULL AND c.unknown THEN {'column': 'country_code', 'value': t.country_code, 'issue': 'unknown country code set to NULL'} END,
        CASE WHEN nullif(trim(t.investment_count), '') IS NOT NULL AND (t.count_parsed IS NULL OR t.count_parsed < 0) THEN {'column': 'investment_count', 'value': t.investment_count, 'issue': 'not a count, set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    t.investor_key,
    trim(t.name)                                                         AS name,
    t.name_norm,
    -- "venture_capital, micro_vc" (or v3's "Venture Capital") -> [micro_vc, venture_capital]
    list_sort(list_distinct(list_filter(
        list_transform(string_split(coalesce(t.investor_types, ''), ','),
                       lambda x: trim(regexp_replace(lower(trim(x)), '[^a-z0-9]+', '_', 'g'), '_')),
        lambda x: x <> '')))                                             AS investor_types,
    c.country_code                                                       AS country_code,
    norm_domain(t.domain)                                                AS domain,
    t.founded_parsed                                                     AS founded_on,
    t.closed_parsed                                                      AS closed_on,
    CASE WHEN t.count_parsed >= 0 THEN t.count_parsed END                AS investment_count,
    t._source_file,
    t._source_row
FROM typed AS t
LEFT JOIN country_lookup AS c ON c.country_text = t.country_code
