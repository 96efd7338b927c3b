-- Crunchbase bulk export funds.csv: a fund raised by an investor (entity_uuid), typed; the size
-- in USD (raised_amount_usd, else raised_amount in its currency at the ECB rate of the day) and
-- in EUR. The investor is one per normalised name across sources (investor_name_norm).
WITH typed AS (
    SELECT
        r.*,
        clean_key(r.entity_uuid)                                           AS investor_key,
        nullif(trim(r.entity_name), '')                                    AS investor_name_clean,
        norm_name(r.entity_name)                                           AS investor_name_norm,
        plausible_date(parse_date_any(r.announced_on, false), $max_day)    AS announced_parsed,
        parse_amount(r.raised_amount_usd)                                  AS usd_parsed,
        parse_amount(r.raised_amount)                                      AS amount_parsed,
        coalesce(nullif(upper(trim(r.raised_amount_currency_code)), ''), 'USD') AS currency
    FROM query_table($raw_table) AS r
), rates AS (
    SELECT rate_date, currency, units_per_eur FROM ref.fx_rates
), priced AS (
    SELECT t.*, fx.units_per_eur AS ccy_per_eur, fx.rate_date AS ccy_rate_date
    FROM typed AS t
    ASOF LEFT JOIN rates AS fx ON t.currency = fx.currency AND t.announced_parsed >= fx.rate_date
), usd AS (
    SELECT rate_date, units_per_eur FROM ref.fx_rates WHERE currency = 'USD'
), sized AS (
    SELECT p.*,
           coalesce(plausible_amount(p.usd_parsed),
                    CASE WHEN p.currency = 'USD' THEN plausible_amount(p.amount_parsed)
                         ELSE plausible_amount(p.amount_parsed) / p.ccy_per_eur * u.units_per_eur END) AS size_usd,
           u.units_per_eur AS usd_per_eur, u.rate_date AS fx_rate_date
    FROM priced AS p
    ASOF LEFT JOIN usd AS u ON p.announced_parsed >= u.rate_date
)
SELECT
    coalesce(clean_key(s.uuid), md5(concat_ws('|', s.investor_key, s.announced_on, s.name)))  AS _key,
    CASE
        WHEN s.investor_key IS NULL
            THEN {'column': 'entity_uuid', 'value': s.entity_uuid, 'reason': 'missing key: entity_uuid is blank'}
        WHEN s.investor_name_norm IS NULL
            THEN {'column': 'entity_name', 'value': s.entity_name, 'reason': 'missing name: entity_name is blank (investors are matched by name)'}
        WHEN s.announced_parsed IS NULL
            THEN {'column': 'announced_on', 'value': s.announced_on, 'reason': 'unparseable or implausible date (required)'}
        WHEN nullif(trim(s.raised_amount_usd), '') IS NOT NULL AND plausible_amount(s.usd_parsed) IS NULL
            THEN {'column': 'raised_amount_usd', 'value': s.raised_amount_usd, 'reason': 'amount not a number in [0, 1e12)'}
        WHEN nullif(trim(s.raised_amount), '') IS NOT NULL AND plausible_amount(s.amount_parsed) IS NULL
            THEN {'column': 'raised_amount', 'value': s.raised_amount, 'reason': 'amount not a number in [0, 1e12)'}
    END AS _reject,
    list_filter([
        CASE WHEN s.size_usd IS NULL AND plausible_amount(s.amount_parsed) IS NOT NULL
             THEN {'column': 'raised_amount_currency_code', 'value': s.raised_amount_currency_code, 'issue': 'unknown currency or no ECB rate by then, size not converted'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    coalesce(clean_key(s.uuid), md5(concat_ws('|', s.investor_key, s.announced_on, s.name)))  AS fund_key,
    s.investor_key,
    s.investor_name_clean                                                  AS investor_name,
    s.investor_name_norm,
    nullif(lower(trim(s.entity_type)), '')                                 AS investor_entity_type,
    nullif(trim(s.name), '')                                               AS fund_name,
    s.announced_parsed                                                     AS announced_on,
    year(s.announced_parsed)                                               AS vintage_year,
    plausible_amount(s.amount_parsed)                                      AS raised_amount,
    s.currency                                                             AS raised_currency,
    s.size_usd                                                             AS raised_amount_usd,
    s.size_usd / s.usd_per_eur                                             AS raised_amount_eur,
    s.fx_rate_date,
    s._source_file,
    s._source_row
FROM sized AS s
