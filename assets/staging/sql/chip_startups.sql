-- A. Olofsson's "Database of Awesome Semiconductor Startups" (startups.csv), typed. Key: the
-- normalised name. `Founded` is a year: founded_on is the 1st of January of that year. The
-- technology tag becomes the provider tag `chip_list:<technology>` (lower-cased).
WITH typed AS (
    SELECT
        r.*,
        norm_name(r."Company")                                              AS name_norm,
        plausible_date(parse_date_any(r."Founded", false), $max_day)        AS founded_parsed,
        list_filter(list_transform(string_split(coalesce(r."Technology", ''), '|'),
                                   lambda x: lower(trim(x))), lambda x: x <> '') AS technologies
    FROM query_table($raw_table) AS r
)
SELECT
    t.name_norm                                                             AS _key,
    CASE WHEN t.name_norm IS NULL
         THEN {'column': 'Company', 'value': t."Company", 'reason': 'missing key: Company is blank'} END AS _reject,
    list_filter([
        CASE WHEN nullif(trim(t."Founded"), '') IS NOT NULL AND t.founded_parsed IS NULL THEN {'column': 'Founded', 'value': t."Founded", 'issue': 'impossible date set to NULL (not a founding year)'} END,
        CASE WHEN nullif(trim(t."Country"), '') IS NOT NULL AND c.unknown THEN {'column': 'Country', 'value': t."Country", 'issue': 'unknown country code set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    trim(t."Company")                                                       AS name,
    t.name_norm,
    nullif(trim(t."Website"), '')                                           AS homepage_url,
    norm_domain(t."Website")                                                AS domain,
    t.technologies,
    list_transform(t.technologies, lambda x: 'chip_list:' || x)             AS tags,
    c.country_code,
    t.founded_parsed                                                        AS founded_on,
    nullif(trim(t."Description"), '')                                       AS description,
    t._source_file,
    t._source_row
FROM typed AS t
LEFT JOIN country_lookup AS c ON c.country_text = t."Country"
