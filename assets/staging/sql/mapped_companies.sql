-- Companies of mapped exports (`mapped_exports:` of entity companies: a Dealroom or PitchBook
-- download read through the user's column mapping), typed. One company per normalised name
-- (`company_key` = norm_name(name)): the first row of a name wins, later ones are duplicates.
-- Countries as names, ISO-2 or ISO-3 codes; categories split on , ; | and newlines.
WITH typed AS (
    SELECT
        r.*,
        norm_name(r.name)                                             AS name_norm,
        plausible_date(parse_date_any(r.founded_on, false), $max_day) AS founded_parsed
    FROM query_table($raw_table) AS r
)
SELECT
    t.name_norm                                                       AS _key,
    CASE WHEN t.name_norm IS NULL
         THEN {'column': 'name', 'value': t.name, 'reason': 'missing key: company name is blank'} END AS _reject,
    list_filter([
        CASE WHEN nullif(trim(t.founded_on), '') IS NOT NULL AND t.founded_parsed IS NULL THEN {'column': 'founded_on', 'value': t.founded_on, 'issue': 'impossible date set to NULL'} END,
        CASE WHEN nullif(trim(t.country), '') IS NOT NULL AND c.unknown THEN {'column': 'country', 'value': t.country, 'issue': 'unknown country set to NULL'} END
    ], lambda x: x IS NOT NULL)                                       AS _issues,
    t.name_norm                                                       AS company_key,
    nullif(trim(t.id), '')                                            AS provider_id,
    trim(t.name)                                                      AS name,
    t.name_norm,
    nullif(trim(t.domain), '')                                        AS homepage_url,
    norm_domain(t.domain)                                             AS domain,
    nullif(trim(t.country), '')                                       AS country_raw,
    c.country_code,
    nullif(trim(t.city), '')                                          AS city,
    list_distinct(list_filter(
        list_transform(regexp_split_to_array(coalesce(t.categories, ''), '[,;|\n\r]+'), lambda x: trim(x)),
        lambda x: x <> ''))                                           AS categories,
    nullif(trim(t.description), '')                                   AS description,
    nullif(lower(trim(t.status)), '')                                 AS status,
    t.founded_parsed                                                  AS founded_on,
    t._source_file,
    t._source_row
FROM typed AS t
LEFT JOIN country_lookup AS c ON c.country_text = t.country
