-- Crunchbase funding rounds, typed, staged and converted to EUR at the ECB rate of the round date.
WITH typed AS (
    SELECT
        r.*,
        clean_key(r.company_permalink)                                 AS company_key,
        lower(trim(r.funding_round_type))                              AS round_type,
        nullif(upper(trim(r.funding_round_code)), '')                  AS round_code,
        plausible_date(parse_date_any(r.funded_at, true), $max_day)    AS funded_on,
        parse_amount(r.raised_amount_usd)                              AS amount_parsed
    FROM query_table($raw_table) AS r
), usd AS (
    SELECT rate_date, units_per_eur FROM ref.fx_rates WHERE currency = 'USD'
)
SELECT
    coalesce(clean_key(t.funding_round_permalink),
             md5(concat_ws('|', t.company_key, t.round_type, t.round_code, t.funded_at, t.raised_amount_usd))) AS _key,
    CASE
        WHEN t.company_key IS NULL
            THEN {'column': 'company_permalink', 'value': t.company_permalink, 'reason': 'missing key: company_permalink is blank'}
        WHEN t.funded_on IS NULL
            THEN {'column': 'funded_at', 'value': t.funded_at, 'reason': 'unparseable or implausible date (required)'}
        WHEN nullif(trim(t.raised_amount_usd), '') IS NOT NULL AND plausible_amount(t.amount_parsed) IS NULL
            THEN {'column': 'raised_amount_usd', 'value': t.raised_amount_usd, 'reason': 'amount not a number in [0, 1e12)'}
        WHEN NOT EXISTS (SELECT 1 FROM staging.companies c WHERE c.company_key = t.company_key)
            THEN {'column': 'company_permalink', 'value': t.company_permalink, 'reason': 'orphan: company not in companies'}
    END AS _reject,
    list_filter([
        CASE WHEN coalesce(by_code.stage, by_type.stage) IS NULL THEN {'column': 'funding_round_type', 'value': t.funding_round_type, 'issue': 'unknown round type, staged as undisclosed'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    coalesce(clean_key(t.funding_round_permalink),
             md5(concat_ws('|', t.company_key, t.round_type, t.round_code, t.funded_at, t.raised_amount_usd))) AS round_key,
    t.company_key,
    t.round_type,
    t.round_code,
    coalesce(by_code.stage, by_type.stage, 'undisclosed')               AS stage,
    s.stage_order,
    s.stage_group,
    t.funded_on,
    plausible_amount(t.amount_parsed)                                  AS amount_usd,
    plausible_amount(t.amount_parsed) / fx.units_per_eur               AS amount_eur,
    fx.rate_date                                                       AS fx_rate_date,
    t._source_file,
    t._source_row
FROM typed AS t
LEFT JOIN ref.round_stage_map AS by_code
       ON by_code.round_type = t.round_type AND by_code.round_code = coalesce(t.round_code, '-')
LEFT JOIN ref.round_stage_map AS by_type
       ON by_type.round_type = t.round_type AND by_type.round_code = ''
LEFT JOIN ref.stages AS s ON s.stage = coalesce(by_code.stage, by_type.stage, 'undisclosed')
ASOF LEFT JOIN usd AS fx ON t.funded_on >= fx.rate_date
