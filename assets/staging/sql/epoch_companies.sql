-- Epoch AI "AI Companies" registry (ai_companies.csv), typed. Key: the normalised name. Dates are
-- M/D/YYYY. Company type and product domains become provider tags (`epoch_type:foundation`,
-- `epoch_domain:language`).
WITH typed AS (
    SELECT
        r.*,
        norm_name(r."Name")                                                 AS name_norm,
        plausible_date(parse_date_any(r."Founding date", false), $max_day)  AS founded_parsed,
        list_filter(list_transform(string_split(coalesce(r."Product Domain(s)", ''), ','),
                                   lambda x: lower(trim(x))), lambda x: x <> '') AS domains
    FROM query_table($raw_table) AS r
)
SELECT
    t.name_norm                                                             AS _key,
    CASE WHEN t.name_norm IS NULL
         THEN {'column': 'Name', 'value': t."Name", 'reason': 'missing key: Name is blank'} END AS _reject,
    list_filter([
        CASE WHEN nullif(trim(t."Founding date"), '') IS NOT NULL AND t.founded_parsed IS NULL THEN {'column': 'Founding date', 'value': t."Founding date", 'issue': 'impossible date set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    trim(t."Name")                                                          AS name,
    t.name_norm,
    nullif(trim(t."Organization (from Organizations)"), '')                 AS organization,
    nullif(lower(trim(t."Company type")), '')                               AS company_type,
    t.domains                                                               AS product_domains,
    list_concat(
        list_transform(list_filter([nullif(lower(trim(t."Company type")), '')], lambda x: x IS NOT NULL),
                       lambda x: 'epoch_type:' || x),
        list_transform(t.domains, lambda x: 'epoch_domain:' || x))          AS tags,
    t.founded_parsed                                                        AS founded_on,
    t._source_file,
    t._source_row
FROM typed AS t
