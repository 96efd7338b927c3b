-- Crunchbase acquisitions, typed; price converted to USD and EUR at the ECB rate of the day.
WITH typed AS (
    SELECT
        r.*,
        clean_key(r.company_permalink)                               AS company_key,
        clean_key(r.acquirer_permalink)                              AS acquirer_key,
        plausible_date(parse_date_any(r.acquired_at, false), $max_day) AS acquired_on,
        parse_amount(r.price_amount)                                 AS price_parsed,
        coalesce(nullif(upper(trim(r.price_currency_code)), ''), 'USD') AS currency
    FROM query_table($raw_table) AS r
), rates AS (
    SELECT rate_date, currency, units_per_eur FROM ref.fx_rates
), priced AS (
    SELECT t.*, fx.units_per_eur AS ccy_per_eur, fx.rate_date AS fx_rate_date
    FROM typed AS t
    ASOF LEFT JOIN rates AS fx ON t.currency = fx.currency AND t.acquired_on >= fx.rate_date
), usd AS (
    SELECT rate_date, units_per_eur FROM ref.fx_rates WHERE currency = 'USD'
)
SELECT
    md5(concat_ws('|', p.company_key, p.acquirer_key, p.acquired_at))  AS _key,
    CASE
        WHEN p.company_key IS NULL
            THEN {'column': 'company_permalink', 'value': p.company_permalink, 'reason': 'missing key: company_permalink is blank'}
        WHEN p.acquired_on IS NULL
            THEN {'column': 'acquired_at', 'value': p.acquired_at, 'reason': 'unparseable or implausible date (required)'}
        WHEN nullif(trim(p.price_amount), '') IS NOT NULL AND plausible_amount(p.price_parsed) IS NULL
            THEN {'column': 'price_amount', 'value': p.price_amount, 'reason': 'amount not a number in [0, 1e12)'}
    END AS _reject,
    list_filter([
        CASE WHEN plausible_amount(p.price_parsed) IS NOT NULL AND p.currency NOT IN (SELECT currency FROM ref.fx_rates)
             THEN {'column': 'price_currency_code', 'value': p.price_currency_code, 'issue': 'unknown currency, price not converted'} END,
        CASE WHEN plausible_amount(p.price_parsed) IS NOT NULL AND p.currency IN (SELECT currency FROM ref.fx_rates)
                  AND p.ccy_per_eur IS NULL AND p.currency NOT IN ('USD', 'EUR')
             THEN {'column': 'acquired_at', 'value': p.acquired_at, 'issue': 'no ECB rate on or before that date, price not converted'} END,
        CASE WHEN nullif(trim(p.acquirer_country_code), '') IS NOT NULL AND ac.unknown THEN {'column': 'acquirer_country_code', 'value': p.acquirer_country_code, 'issue': 'unknown country code set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    md5(concat_ws('|', p.company_key, p.acquirer_key, p.acquired_at))  AS acquisition_key,
    p.company_key,
    nullif(trim(p.company_name), '')                                  AS company_name,
    p.acquirer_key,
    nullif(trim(p.acquirer_name), '')                                 AS acquirer_name,
    ac.country_code                                                   AS acquirer_country_code,
    p.acquired_on,
    plausible_amount(p.price_parsed)                                  AS price_amount,
    p.currency                                                        AS price_currency,
    CASE WHEN p.currency = 'EUR' THEN plausible_amount(p.price_parsed)
         ELSE plausible_amount(p.price_parsed) / p.ccy_per_eur END     AS price_eur,
    CASE WHEN p.currency = 'USD' THEN plausible_amount(p.price_parsed)
         ELSE plausible_amount(p.price_parsed) / p.ccy_per_eur * u.units_per_eur END AS price_usd,
    p.fx_rate_date,
    p._source_file,
    p._source_row
FROM priced AS p
ASOF LEFT JOIN usd AS u ON p.fx_rate_date >= u.rate_date
LEFT JOIN country_lookup AS ac ON ac.country_text = p.acquirer_country_code
