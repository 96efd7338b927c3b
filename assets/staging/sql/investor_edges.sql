-- Investor-to-company round edges (company by name only), typed.
WITH typed AS (
    SELECT
        r.*,
        norm_name(r.company_name)                                    AS company_name_norm,
        norm_name(r.investor_name)                                   AS investor_name_norm,
        plausible_date(parse_date_any(r.funded_when, false), $max_day) AS funded_on,
        parse_amount(r.amount_usd)                                   AS amount_parsed
    FROM query_table($raw_table) AS r
)
SELECT
    md5(concat_ws('|', t.company_name_norm, t.investor_name_norm, t.funded_when, t.amount_usd)) AS _key,
    CASE
        WHEN t.company_name_norm IS NULL
            THEN {'column': 'company_name', 'value': t.company_name, 'reason': 'missing key: company_name is blank'}
        WHEN t.investor_name_norm IS NULL
            THEN {'column': 'investor_name', 'value': t.investor_name, 'reason': 'missing key: investor_name is blank'}
        WHEN nullif(trim(t.amount_usd), '') IS NOT NULL AND plausible_amount(t.amount_parsed) IS NULL
            THEN {'column': 'amount_usd', 'value': t.amount_usd, 'reason': 'amount not a number in [0, 1e12)'}
    END AS _reject,
    list_filter([
        CASE WHEN nullif(trim(t.funded_when), '') IS NOT NULL AND t.funded_on IS NULL THEN {'column': 'funded_when', 'value': t.funded_when, 'issue': 'impossible date set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    trim(t.company_name)                  AS company_name,
    t.company_name_norm,
    trim(t.investor_name)                 AS investor_name,
    t.investor_name_norm,
    t.funded_on,
    plausible_amount(t.amount_parsed)     AS round_amount_usd,
    t._source_file,
    t._source_row
FROM typed AS t
