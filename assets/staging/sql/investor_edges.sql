-- Investor-to-company round edges (company by name only), typed.
WITH typed AS (
    SELECT
        r.*,
        norm_name(r.company_name)                                    AS company_name_norm,
        norm_name(r.investor_name)                                   AS investor_name_norm,
        plausible_date(parse_date_any(r.funded_when, false), $max_day) AS funded_on,
        parse_amount(r.amount_usd)                                   AS amount_parsed
    FROM raw.investor_edges AS r
)
SELECT
    md5(concat_ws('|', t.company_name_norm, t.investor_name_norm, t.funded_when, t.amount_usd)) AS _key,
    CASE
        WHEN t.company_name_norm IS NULL THEN 'company_name'
        WHEN t.investor_name_norm IS NULL THEN 'investor_name'
        WHEN nullif(trim(t.amount_usd), '') IS NOT NULL AND plausible_amount(t.amount_parsed) IS NULL THEN 'amount_usd'
    END AS _reject_column,
    CASE
        WHEN t.company_name_norm IS NULL THEN t.company_name
        WHEN t.investor_name_norm IS NULL THEN t.investor_name
        ELSE t.amount_usd
    END AS _reject_value,
    CASE
        WHEN t.company_name_norm IS NULL THEN 'missing key: company_name is blank'
        WHEN t.investor_name_norm IS NULL THEN 'missing key: investor_name is blank'
        WHEN nullif(trim(t.amount_usd), '') IS NOT NULL AND plausible_amount(t.amount_parsed) IS NULL THEN 'amount not a number in [0, 1e12)'
    END AS _reject_reason,
    (nullif(trim(t.funded_when), '') IS NOT NULL AND t.funded_on IS NULL)::INT AS _dates_nulled,
    trim(t.company_name)                  AS company_name,
    t.company_name_norm,
    trim(t.investor_name)                 AS investor_name,
    t.investor_name_norm,
    t.funded_on,
    plausible_amount(t.amount_parsed)     AS round_amount_usd,
    t._source_file,
    t._source_row
FROM typed AS t
