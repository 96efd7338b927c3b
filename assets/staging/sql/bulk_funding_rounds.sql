-- Funding rounds of a licensed Crunchbase bulk export (funding_rounds.csv), typed like
-- staging.rounds. Keys: the lower-cased `uuid` and `org_uuid` (an org_uuid that joins no
-- organisation of staging.bulk_organizations quarantines the round). Stage from `investment_type`
-- (config/stages.yaml `round_types`). Amount: `raised_amount_usd`, else `raised_amount` in
-- `raised_amount_currency_code` (USD when blank) converted at the ECB rate of the round date or
-- the last one before it; amount_eur at the ECB USD rate of that date (EUR amounts as given).
WITH typed AS (
    SELECT
        r.*,
        clean_key(r.uuid)                                               AS key_clean,
        clean_key(r.org_uuid)                                           AS company_key,
        nullif(lower(trim(r.investment_type)), '')                      AS round_type,
        plausible_date(parse_date_any(r.announced_on, false), $max_day) AS funded_on,
        parse_amount(r.raised_amount_usd)                               AS usd_parsed,
        parse_amount(r.raised_amount)                                   AS local_parsed,
        coalesce(nullif(upper(trim(r.raised_amount_currency_code)), ''), 'USD') AS currency,
        parse_amount(r.post_money_valuation_usd)                        AS valuation_parsed
    FROM query_table($raw_table) AS r
), rates AS (
    SELECT rate_date, currency, units_per_eur FROM ref.fx_rates
), usd AS (
    SELECT rate_date, units_per_eur FROM ref.fx_rates WHERE currency = 'USD'
), priced AS (
    SELECT t.*, fx.units_per_eur AS ccy_per_eur
    FROM typed AS t
    ASOF LEFT JOIN rates AS fx ON t.currency = fx.currency AND t.funded_on >= fx.rate_date
), amounts AS (
    SELECT p.*, u.units_per_eur AS usd_per_eur, u.rate_date AS fx_rate_date,
           coalesce(plausible_amount(p.usd_parsed),
                    CASE WHEN p.currency = 'USD' THEN plausible_amount(p.local_parsed)
                         ELSE plausible_amount(p.local_parsed) / p.ccy_per_eur * u.units_per_eur END) AS usd
    FROM priced AS p
    ASOF LEFT JOIN usd AS u ON p.funded_on >= u.rate_date
)
SELECT
    a.key_clean                                                        AS _key,
    CASE
        WHEN a.key_clean IS NULL
            THEN {'column': 'uuid', 'value': a.uuid, 'reason': 'missing key: uuid is blank'}
        WHEN a.company_key IS NULL
            THEN {'column': 'org_uuid', 'value': a.org_uuid, 'reason': 'missing key: org_uuid is blank'}
        WHEN a.funded_on IS NULL
            THEN {'column': 'announced_on', 'value': a.announced_on, 'reason': 'unparseable or implausible date (required)'}
        WHEN nullif(trim(a.raised_amount_usd), '') IS NOT NULL AND plausible_amount(a.usd_parsed) IS NULL
            THEN {'column': 'raised_amount_usd', 'value': a.raised_amount_usd, 'reason': 'amount not a number in [0, 1e12)'}
        WHEN nullif(trim(a.raised_amount_usd), '') IS NULL AND nullif(trim(a.raised_amount), '') IS NOT NULL
             AND plausible_amount(a.local_parsed) IS NULL
            THEN {'column': 'raised_amount', 'value': a.raised_amount, 'reason': 'amount not a number in [0, 1e12)'}
        WHEN NOT EXISTS (SELECT 1 FROM staging.bulk_organizations o WHERE o.company_key = a.company_key)
            THEN {'column': 'org_uuid', 'value': a.org_uuid, 'reason': 'orphan: org_uuid joins no organization in organizations'}
    END AS _reject,
    list_filter([
        CASE WHEN s.stage IS NULL THEN {'column': 'investment_type', 'value': a.investment_type, 'issue': 'unknown round type, staged as undisclosed'} END,
        CASE WHEN plausible_amount(a.usd_parsed) IS NULL AND plausible_amount(a.local_parsed) IS NOT NULL
                  AND a.currency NOT IN (SELECT currency FROM ref.fx_rates)
             THEN {'column': 'raised_amount_currency_code', 'value': a.raised_amount_currency_code, 'issue': 'unknown currency, amount not converted'} END,
        CASE WHEN plausible_amount(a.usd_parsed) IS NULL AND plausible_amount(a.local_parsed) IS NOT NULL
                  AND a.currency IN (SELECT currency FROM ref.fx_rates) AND a.usd IS NULL
             THEN {'column': 'announced_on', 'value': a.announced_on, 'issue': 'no ECB rate on or before that date, amount not converted'} END,
        CASE WHEN nullif(trim(a.post_money_valuation_usd), '') IS NOT NULL AND plausible_amount(a.valuation_parsed) IS NULL
             THEN {'column': 'post_money_valuation_usd', 'value': a.post_money_valuation_usd, 'issue': 'valuation not a number in [0, 1e12) set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    a.key_clean                                                        AS round_key,
    a.company_key,
    a.round_type,
    NULL::VARCHAR                                                      AS round_code,
    coalesce(s.stage, 'undisclosed')                                   AS stage,
    st.stage_order,
    st.stage_group,
    a.funded_on,
    a.usd                                                              AS amount_usd,
    CASE WHEN plausible_amount(a.usd_parsed) IS NULL AND a.currency = 'EUR' THEN plausible_amount(a.local_parsed)
         ELSE a.usd / a.usd_per_eur END                                AS amount_eur,
    a.fx_rate_date,
    list_distinct(list_filter(
        list_transform(string_split(regexp_replace(coalesce(a.lead_investor_uuids, ''), '[{}"\[\]]', '', 'g'), ','),
                       lambda x: clean_key(x)),
        lambda x: x IS NOT NULL))                                      AS lead_investor_keys,
    plausible_amount(a.valuation_parsed)                               AS post_money_valuation_usd,
    nullif(trim(a.org_name), '')                                       AS company_name,
    a._source_file,
    a._source_row
FROM amounts AS a
LEFT JOIN ref.round_stage_map AS s ON s.round_type = a.round_type AND s.round_code = ''
LEFT JOIN ref.stages AS st ON st.stage = coalesce(s.stage, 'undisclosed')
