-- Epoch AI models, typed: one row per model, organisations as a list of normalised names.
SELECT
    md5(concat_ws('|', r."Model", r."Organization", r."Publication date"))   AS _key,
    CASE WHEN nullif(trim(r."Model"), '') IS NULL
         THEN {'column': 'Model', 'value': r."Model", 'reason': 'missing key: Model is blank'} END AS _reject,
    list_filter([
        CASE WHEN nullif(trim(r."Publication date"), '') IS NOT NULL AND plausible_date(parse_date_any(r."Publication date", false), $max_day) IS NULL THEN {'column': 'Publication date', 'value': r."Publication date", 'issue': 'impossible date set to NULL'} END,
        CASE WHEN nullif(trim(r."Country (of organization)"), '') IS NOT NULL AND c.unknown THEN {'column': 'Country (of organization)', 'value': r."Country (of organization)", 'issue': 'unknown country code set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    trim(r."Model")                                                         AS model_name,
    list_filter(list_transform(string_split(coalesce(r."Organization", ''), ','), lambda x: norm_name(x)),
                lambda x: x IS NOT NULL)                                         AS org_names_norm,
    nullif(trim(r."Organization"), '')                                      AS organizations,
    plausible_date(parse_date_any(r."Publication date", false), $max_day)   AS published_on,
    nullif(trim(r."Domain"), '')                                            AS domain,
    try_cast(nullif(trim(r."Parameters"), '') AS DOUBLE)                    AS parameters,
    try_cast(nullif(trim(r."Training compute (FLOP)"), '') AS DOUBLE)       AS training_compute_flop,
    nullif(trim(r."Training hardware"), '')                                 AS training_hardware,
    try_cast(nullif(trim(r."Hardware quantity"), '') AS DOUBLE)             AS hardware_quantity,
    nullif(trim(r."Organization categorization"), '')                       AS categorization,
    c.country_code                                                          AS country_code,
    r._source_file,
    r._source_row
FROM query_table($raw_table) AS r
LEFT JOIN country_lookup AS c ON c.country_text = r."Country (of organization)"
