-- Organisations of a licensed Crunchbase bulk export (organizations.csv), typed. Key: the
-- lower-cased `uuid`. `category_list`, `category_groups_list` and `roles` are comma-separated
-- (kept: distinct values in the file's order). `country_code` is ISO alpha-3 in real rows (any
-- country text resolves through the lookup);
-- `employee_count` stays the provider's range text (e.g. `11-50`); `roles` (company, investor,
-- school) says which organisations are companies (core.companies keeps those with no roles or
-- the role company).
SELECT
    clean_key(r.uuid)                                        AS _key,
    CASE WHEN clean_key(r.uuid) IS NULL
         THEN {'column': 'uuid', 'value': r.uuid, 'reason': 'missing key: uuid is blank'} END AS _reject,
    list_filter([
        CASE WHEN nullif(trim(r.founded_on), '') IS NOT NULL AND plausible_date(parse_date_any(r.founded_on, false), $max_day) IS NULL THEN {'column': 'founded_on', 'value': r.founded_on, 'issue': 'impossible date set to NULL'} END,
        CASE WHEN nullif(trim(r.closed_on), '') IS NOT NULL AND plausible_date(parse_date_any(r.closed_on, false), $max_day) IS NULL THEN {'column': 'closed_on', 'value': r.closed_on, 'issue': 'impossible date set to NULL'} END,
        CASE WHEN nullif(trim(r.country_code), '') IS NOT NULL AND c.unknown THEN {'column': 'country_code', 'value': r.country_code, 'issue': 'unknown country code set to NULL'} END,
        CASE WHEN nullif(trim(r.total_funding_usd), '') IS NOT NULL AND plausible_amount(parse_amount(r.total_funding_usd)) IS NULL THEN {'column': 'total_funding_usd', 'value': r.total_funding_usd, 'issue': 'amount not a number in [0, 1e12) set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    clean_key(r.uuid)                                        AS company_key,
    trim(r.name)                                             AS name,
    norm_name(r.name)                                        AS name_norm,
    nullif(trim(r.legal_name), '')                           AS legal_name,
    nullif(trim(r.homepage_url), '')                         AS homepage_url,
    coalesce(norm_domain(r.domain), norm_domain(r.homepage_url)) AS domain,
    list_transform([list_filter(
        list_transform(string_split(coalesce(r.category_list, ''), ','), lambda x: trim(x)),
        lambda x: x <> '')], lambda l: list_filter(l, lambda x, i: list_position(l, x) = i))[1] AS categories,
    list_transform([list_filter(
        list_transform(string_split(coalesce(r.category_groups_list, ''), ','), lambda x: trim(x)),
        lambda x: x <> '')], lambda l: list_filter(l, lambda x, i: list_position(l, x) = i))[1] AS category_groups,
    nullif(trim(r.short_description), '')                    AS description,
    nullif(lower(trim(r.status)), '')                        AS status,
    nullif(trim(r.country_code), '')                         AS country_raw,
    c.country_code                                           AS country_code,
    nullif(trim(r.state_code), '')                           AS state_code,
    nullif(trim(r.region), '')                               AS region,
    nullif(trim(r.city), '')                                 AS city,
    plausible_date(parse_date_any(r.founded_on, false), $max_day) AS founded_on,
    plausible_date(parse_date_any(r.closed_on, false), $max_day)  AS closed_on,
    plausible_amount(parse_amount(r.total_funding_usd))      AS funding_total_usd_reported,
    nullif(trim(r.employee_count), '')                       AS employee_count,
    list_transform([list_filter(
        list_transform(string_split(lower(coalesce(r.roles, '')), ','), lambda x: trim(x)),
        lambda x: x <> '')], lambda l: list_filter(l, lambda x, i: list_position(l, x) = i))[1] AS roles,
    r._source_file,
    r._source_row
FROM query_table($raw_table) AS r
LEFT JOIN country_lookup AS c ON c.country_text = r.country_code
