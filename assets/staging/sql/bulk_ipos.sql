-- IPOs of a licensed Crunchbase bulk export (ipos.csv), typed. Key: the lower-cased `uuid` (else
-- a hash of organisation and date). The company (`org_uuid`) must be an organisation of
-- staging.bulk_organizations, else the row is quarantined. Amounts are the provider's USD.
WITH typed AS (
    SELECT
        r.*,
        clean_key(r.org_uuid)                                           AS company_key,
        plausible_date(parse_date_any(r.went_public_on, false), $max_day) AS went_public_parsed,
        parse_amount(r.money_raised_usd)                                AS raised_parsed,
        parse_amount(r.valuation_price_usd)                             AS valuation_parsed,
        parse_amount(r.share_price_usd)                                 AS share_parsed
    FROM query_table($raw_table) AS r
), keyed AS (
    SELECT t.*, coalesce(clean_key(t.uuid), md5(concat_ws('|', t.company_key, t.went_public_on))) AS key_clean
    FROM typed AS t
)
SELECT
    k.key_clean                                                        AS _key,
    CASE
        WHEN k.company_key IS NULL
            THEN {'column': 'org_uuid', 'value': k.org_uuid, 'reason': 'missing key: org_uuid is blank'}
        WHEN k.went_public_parsed IS NULL
            THEN {'column': 'went_public_on', 'value': k.went_public_on, 'reason': 'unparseable or implausible date (required)'}
        WHEN NOT EXISTS (SELECT 1 FROM staging.bulk_organizations o WHERE o.company_key = k.company_key)
            THEN {'column': 'org_uuid', 'value': k.org_uuid, 'reason': 'orphan: org_uuid joins no organization in organizations'}
    END AS _reject,
    list_filter([
        CASE WHEN nullif(trim(k.money_raised_usd), '') IS NOT NULL AND plausible_amount(k.raised_parsed) IS NULL
             THEN {'column': 'money_raised_usd', 'value': k.money_raised_usd, 'issue': 'amount not a number in [0, 1e12) set to NULL'} END,
        CASE WHEN nullif(trim(k.valuation_price_usd), '') IS NOT NULL AND plausible_amount(k.valuation_parsed) IS NULL
             THEN {'column': 'valuation_price_usd', 'value': k.valuation_price_usd, 'issue': 'amount not a number in [0, 1e12) set to NULL'} END,
        CASE WHEN nullif(trim(k.share_price_usd), '') IS NOT NULL AND plausible_amount(k.share_parsed) IS NULL
             THEN {'column': 'share_price_usd', 'value': k.share_price_usd, 'issue': 'amount not a number in [0, 1e12) set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    k.key_clean                                                        AS ipo_key,
    k.company_key,
    nullif(trim(k.org_name), '')                                       AS company_name,
    k.went_public_parsed                                               AS went_public_on,
    nullif(trim(k.stock_exchange_symbol), '')                          AS stock_exchange,
    nullif(trim(k.stock_symbol), '')                                   AS stock_symbol,
    plausible_amount(k.share_parsed)                                   AS share_price_usd,
    plausible_amount(k.raised_parsed)                                  AS money_raised_usd,
    plausible_amount(k.valuation_parsed)                               AS valuation_usd,
    k._source_file,
    k._source_row
FROM keyed AS k
