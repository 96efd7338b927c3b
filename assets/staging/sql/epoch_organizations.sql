-- Epoch AI organisations, typed. Key: normalised name.
SELECT
    norm_name(r."Organization")                                   AS _key,
    CASE WHEN norm_name(r."Organization") IS NULL
         THEN {'column': 'Organization', 'value': r."Organization", 'reason': 'missing key: Organization is blank'} END AS _reject,
    list_filter([
        CASE WHEN nullif(trim(r."Country"), '') IS NOT NULL AND c.unknown THEN {'column': 'Country', 'value': r."Country", 'issue': 'unknown country code set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    trim(r."Organization")                                        AS org_name,
    norm_name(r."Organization")                                   AS name_norm,
    nullif(trim(r."Country"), '')                                 AS country_raw,
    c.country_code,
    nullif(trim(r."Organization categorization"), '')             AS categorization,
    coalesce(r."Organization categorization" ILIKE '%industry%', false) AS is_industry,
    list_filter(list_transform(string_split(coalesce(r."All ML Systems", ''), ','), lambda x: trim(x)),
                lambda x: x <> '')                                     AS model_names,
    r._source_file,
    r._source_row
FROM query_table($raw_table) AS r
LEFT JOIN country_lookup AS c ON c.country_text = r."Country"
