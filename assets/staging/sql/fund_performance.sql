-- Fund performance disclosed by limited partners (one row per LP, fund and report date), typed.
-- Money in the file is in USD millions (stored here in USD); net_irr is a fraction, net_multiple
-- is TVPI. Fund names vary between LPs ("Fund IV" / "Fund IV, L.P." / "Fund IV (CalPERS)"):
-- fund_name_norm drops parentheses, asterisks and trailing partnership words so that one fund
-- disclosed by several LPs shares (manager_norm, vintage_year, fund_name_norm).
WITH typed AS (
    SELECT
        r.*,
        nullif(trim(r.fund_name), '')                                      AS fund,
        nullif(trim(r.general_partner), '')                                AS manager,
        norm_name(r.general_partner)                                       AS manager_norm,
        nullif(regexp_replace(
            norm_name(regexp_replace(coalesce(r.fund_name, ''), '\([^)]*\)|\*', ' ', 'g')),
            '( (l p( [0-9]+)?|lp|limited partnership|scsp|institutional|usd))+$', ''), '') AS fund_name_norm,
        try_cast(trim(r.vintage_year) AS INTEGER)                          AS vintage_parsed,
        plausible_date(parse_date_any(r.as_of_date, false), $max_day)      AS as_of_parsed,
        try_cast(trim(r.net_irr) AS DOUBLE)                                AS irr_parsed,
        try_cast(trim(r.net_multiple) AS DOUBLE)                           AS tvpi_parsed,
        try_cast(trim(r.dpi) AS DOUBLE)                                    AS dpi_parsed,
        nullif(trim(r.sub_strategy), '')                                   AS sub_strategy_clean,
        nullif(trim(r.asset_class), '')                                    AS asset_class_clean
    FROM query_table($raw_table) AS r
), keyed AS (
    SELECT t.*,
           md5(concat_ws('|', lower(trim(t.pension_fund_name)), t.manager_norm, t.fund_name_norm,
                         t.vintage_parsed, t.as_of_parsed)) AS disclosure_key
    FROM typed AS t
)
SELECT
    k.disclosure_key                                                       AS _key,
    CASE
        WHEN k.fund IS NULL OR k.fund_name_norm IS NULL
            THEN {'column': 'fund_name', 'value': k.fund_name, 'reason': 'missing key: fund_name is blank'}
        WHEN k.manager IS NULL OR k.manager_norm IS NULL
            THEN {'column': 'general_partner', 'value': k.general_partner, 'reason': 'missing key: general_partner is blank'}
        WHEN k.vintage_parsed IS NULL OR k.vintage_parsed < 1900 OR k.vintage_parsed > year($max_day)
            THEN {'column': 'vintage_year', 'value': k.vintage_year, 'reason': 'unparseable or implausible vintage year (required)'}
    END AS _reject,
    list_filter([
        CASE WHEN nullif(trim(k.as_of_date), '') IS NOT NULL AND k.as_of_parsed IS NULL
             THEN {'column': 'as_of_date', 'value': k.as_of_date, 'issue': 'impossible date set to NULL (never read as of a week)'} END,
        CASE WHEN nullif(trim(k.as_of_date), '') IS NULL
             THEN {'column': 'as_of_date', 'value': k.as_of_date, 'issue': 'undated disclosure (never read as of a week)'} END,
        CASE WHEN nullif(trim(k.net_irr), '') IS NOT NULL AND k.irr_parsed IS NULL
             THEN {'column': 'net_irr', 'value': k.net_irr, 'issue': 'not a number, set to NULL'} END,
        CASE WHEN nullif(trim(k.net_multiple), '') IS NOT NULL AND (k.tvpi_parsed IS NULL OR k.tvpi_parsed < 0)
             THEN {'column': 'net_multiple', 'value': k.net_multiple, 'issue': 'not a multiple >= 0, set to NULL'} END,
        CASE WHEN nullif(trim(k.dpi), '') IS NOT NULL AND (k.dpi_parsed IS NULL OR k.dpi_parsed < 0)
             THEN {'column': 'dpi', 'value': k.dpi, 'issue': 'not a multiple >= 0, set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    k.disclosure_key,
    nullif(trim(k.pension_fund_name), '')                                  AS lp,
    k.fund,
    k.fund_name_norm,
    k.manager,
    k.manager_norm,
    k.vintage_parsed                                                       AS vintage_year,
    k.asset_class_clean                                                    AS asset_class,
    k.sub_strategy_clean                                                   AS sub_strategy,
    coalesce(k.sub_strategy_clean, k.asset_class_clean)                    AS strategy,
    parse_amount(k.commitment_mm) * 1e6                                    AS commitment_usd,
    parse_amount(k.capital_called_mm) * 1e6                                AS called_usd,
    parse_amount(k.capital_distributed_mm) * 1e6                           AS distributed_usd,
    parse_amount(k.remaining_value_mm) * 1e6                               AS remaining_value_usd,
    k.irr_parsed                                                           AS net_irr,
    CASE WHEN k.tvpi_parsed >= 0 THEN k.tvpi_parsed END                    AS tvpi,
    CASE WHEN k.dpi_parsed >= 0 THEN k.dpi_parsed END                      AS dpi,
    k.as_of_parsed                                                         AS as_of_date,
    nullif(trim(k.source_url), '')                                         AS source_url,
    nullif(trim(k.source_document), '')                                    AS source_document,
    try_cast(trim(k.extraction_confidence) AS DOUBLE)                      AS extraction_confidence,
    k._source_file,
    k._source_row
FROM keyed AS k
