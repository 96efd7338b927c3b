-- Acquisitions of a licensed Crunchbase bulk export (acquisitions.csv), typed. Key: the
-- lower-cased `uuid` (else a hash of acquiree, acquirer and date). The acquiree (`acquiree_uuid`)
-- must be an organisation of staging.bulk_organizations, else the row is quarantined; the
-- acquirer may be any organisation. Price: `price_usd`, else `price` in `price_currency_code`
-- (USD when blank) at the ECB rate of the day or the last one before it; price_eur likewise.
WITH typed AS (
    SELECT
        r.*,
        clean_key(r.acquiree_uuid)                                    AS company_key,
        clean_key(r.acquirer_uuid)                                    AS acquirer_key,
        plausible_date(parse_date_any(r.acquired_on, false), $max_day) AS acquired_on_parsed,
        parse_amount(r.price_usd)                                     AS usd_parsed,
        parse_amount(r.price)                                         AS local_parsed,
        coalesce(nullif(upper(trim(r.price_currency_code)), ''), 'USD') AS currency
    FROM query_table($raw_table) AS r
), rates AS (
    SELECT rate_date, currency, units_per_eur FROM ref.fx_rates
), usd AS (
    SELECT rate_date, units_per_eur FROM ref.fx_rates WHERE currency = 'USD'
), priced AS (
    SELECT t.*, fx.units_per_eur AS ccy_per_eur
    FROM typed AS t
    ASOF LEFT JOIN rates AS fx ON t.currency = fx.currency AND t.acquired_on_parsed >= fx.rate_date
), amounts AS (
    SELECT p.*, u.units_per_eur AS usd_per_eur, u.rate_date AS fx_rate_date,
           coalesce(plausible_amount(p.usd_parsed),
                    CASE WHEN p.currency = 'USD' THEN plausible_amount(p.local_parsed)
                         ELSE plausible_amount(p.local_parsed) / p.ccy_per_eur * u.units_per_eur END) AS usd,
           coalesce(clean_key(p.uuid), md5(concat_ws('|', p.company_key, p.acquirer_key, p.acquired_on))) AS key_clean
    FROM priced AS p
    ASOF LEFT JOIN usd AS u ON p.acquired_on_parsed >= u.rate_date
)
SELECT
    a.key_clean                                                        AS _key,
    CASE
        WHEN a.company_key IS NULL
            THEN {'column': 'acquiree_uuid', 'value': a.acquiree_uuid, 'reason': 'missing key: acquiree_uuid is blank'}
        WHEN a.acquired_on_parsed IS NULL
            THEN {'column': 'acquired_on', 'value': a.acquired_on, 'reason': 'unparseable or implausible date (required)'}
        WHEN nullif(trim(a.price_usd), '') IS NOT NULL AND plausible_amount(a.usd_parsed) IS NULL
            THEN {'column': 'price_usd', 'value': a.price_usd, 'reason': 'amount not a number in [0, 1e12)'}
        WHEN nullif(trim(a.price_usd), '') IS NULL AND nullif(trim(a.price), '') IS NOT NULL
             AND plausible_amount(a.local_parsed) IS NULL
            THEN {'column': 'price', 'value': a.price, 'reason': 'amount not a number in [0, 1e12)'}
        WHEN NOT EXISTS (SELECT 1 FROM staging.bulk_organizations o WHERE o.company_key = a.company_key)
            THEN {'column': 'acquiree_uuid', 'value': a.acquiree_uuid, 'reason': 'orphan: acquiree_uuid joins no organization in organizations'}
    END AS _reject,
    list_filter([
        CASE WHEN plausible_amount(a.usd_parsed) IS NULL AND plausible_amount(a.local_parsed) IS NOT NULL
                  AND a.currency NOT IN (SELECT currency FROM ref.fx_rates)
             THEN {'column': 'price_currency_code', 'value': a.price_currency_code, 'issue': 'unknown currency, price not converted'} END,
        CASE WHEN plausible_amount(a.usd_parsed) IS NULL AND plausible_amount(a.local_parsed) IS NOT NULL
                  AND a.currency IN (SELECT currency FROM ref.fx_rates) AND a.usd IS NULL
             THEN {'column': 'acquired_on', 'value': a.acquired_on, 'issue': 'no ECB rate on or before that date, price not converted'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    a.key_clean                                                        AS acquisition_key,
    a.company_key,
    a.acquirer_key,
    nullif(trim(a.acquiree_name), '')                                  AS company_name,
    nullif(trim(a.acquirer_name), '')                                  AS acquirer_name,
    nullif(lower(trim(a.acquisition_type)), '')                        AS acquisition_type,
    a.acquired_on_parsed                                               AS acquired_on,
    a.usd                                                              AS price_usd,
    CASE WHEN plausible_amount(a.usd_parsed) IS NULL AND a.currency = 'EUR' THEN plausible_amount(a.local_parsed)
         ELSE a.usd / a.usd_per_eur END                                AS price_eur,
    a.fx_rate_date,
    a._source_file,
    a._source_row
FROM amounts AS a
