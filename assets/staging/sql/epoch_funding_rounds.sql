-- Epoch AI funding rounds of AI companies (ai_companies_funding_rounds.csv), typed. Dates are
-- M/D/YYYY. Amounts are USD: amount_usd = equity + debt, amount_eur at the ECB rate of the close
-- date (the same rule as the Crunchbase rounds).
-- Which rows are rounds (`counts_as_round`): Status `Closed` and Type primary equity and/or debt.
-- Rounds still in discussion (`Late discussions`, no close date), secondary sales (tender offers:
-- the company raises nothing) and `Other` (a merger) are staged but are not funding rounds.
-- Stage, from the round's name (`Id`): `Seed` -> seed; `Series <letter>` -> the Crunchbase venture
-- code of that letter (config/stages.yaml: A, B, C, then late); else undisclosed. A round
-- reported twice (same company, close date, equity and debt: e.g. `June 2024 6B` and `June 2024
-- Series B`) is one round (duplicates collapsed), with the stage any of its reports names.
WITH typed AS (
    SELECT
        r.*,
        norm_name(r."Company")                                              AS company_key,
        lower(trim(r."Status"))                                             AS status_lc,
        nullif(lower(regexp_replace(trim(coalesce(r."Type", '')), '\s*,\s*', ',', 'g')), '') AS round_type,
        plausible_date(parse_date_any(r."Close date", false), $max_day)     AS funded_on,
        plausible_date(parse_date_any(r."Report date", false), $max_day)    AS reported_on,
        parse_amount(r."Funding (equity)")                                  AS equity_parsed,
        parse_amount(r."Funding (debt)")                                    AS debt_parsed,
        parse_amount(r."Valuation (post-money)")                            AS valuation_parsed,
        CASE WHEN regexp_matches(coalesce(r."Id", ''), '(?i)\bseed\b') THEN 'SEED'
             ELSE nullif(regexp_extract(coalesce(r."Id", ''), '(?i)\bseries\s+([a-z])\b', 1), '') END AS id_code
    FROM query_table($raw_table) AS r
), keyed AS (
    SELECT t.*,
           md5(concat_ws('|', t.company_key, coalesce(t.funded_on::VARCHAR, 'open:' || coalesce(t."Id", t._source_row::VARCHAR)),
                         plausible_amount(t.equity_parsed), plausible_amount(t.debt_parsed))) AS key_hash
    FROM typed AS t
), staged AS (
    SELECT k.*,
           upper(max(k.id_code) OVER (PARTITION BY k.key_hash))              AS round_code,
           k.status_lc = 'closed' AND k.funded_on IS NOT NULL
               AND (k.round_type LIKE '%primary%' OR k.round_type LIKE '%debt%')  AS counts_as_round
    FROM keyed AS k
), usd AS (
    SELECT rate_date, units_per_eur FROM ref.fx_rates WHERE currency = 'USD'
)
SELECT
    s.key_hash                                                              AS _key,
    CASE
        WHEN s.company_key IS NULL
            THEN {'column': 'Company', 'value': s."Company", 'reason': 'missing key: Company is blank'}
        WHEN s.status_lc = 'closed' AND s.funded_on IS NULL
            THEN {'column': 'Close date', 'value': s."Close date", 'reason': 'unparseable or implausible date (required for a closed round)'}
        WHEN nullif(trim(s."Funding (equity)"), '') IS NOT NULL AND plausible_amount(s.equity_parsed) IS NULL
            THEN {'column': 'Funding (equity)', 'value': s."Funding (equity)", 'reason': 'amount not a number in [0, 1e12)'}
        WHEN nullif(trim(s."Funding (debt)"), '') IS NOT NULL AND plausible_amount(s.debt_parsed) IS NULL
            THEN {'column': 'Funding (debt)', 'value': s."Funding (debt)", 'reason': 'amount not a number in [0, 1e12)'}
    END AS _reject,
    list_filter([
        CASE WHEN nullif(trim(s."Close date"), '') IS NOT NULL AND s.funded_on IS NULL AND s.status_lc <> 'closed' THEN {'column': 'Close date', 'value': s."Close date", 'issue': 'impossible date set to NULL'} END,
        CASE WHEN nullif(trim(s."Report date"), '') IS NOT NULL AND s.reported_on IS NULL THEN {'column': 'Report date', 'value': s."Report date", 'issue': 'impossible date set to NULL'} END,
        CASE WHEN nullif(trim(s."Valuation (post-money)"), '') IS NOT NULL AND s.valuation_parsed IS NULL THEN {'column': 'Valuation (post-money)', 'value': s."Valuation (post-money)", 'issue': 'valuation not a number set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    'epoch:' || s.key_hash                                                  AS round_key,
    s.company_key,
    trim(s."Company")                                                       AS company_name,
    nullif(trim(s."Id"), '')                                                AS round_name,
    s.status_lc                                                             AS status,
    s.counts_as_round,
    s.round_type,
    s.round_code,
    CASE WHEN s.round_code = 'SEED' THEN 'seed'
         ELSE coalesce(m.stage, 'undisclosed') END                          AS stage,
    st.stage_order,
    st.stage_group,
    s.funded_on,
    s.reported_on,
    plausible_amount(s.equity_parsed)                                       AS amount_equity_usd,
    plausible_amount(s.debt_parsed)                                         AS amount_debt_usd,
    CASE WHEN plausible_amount(s.equity_parsed) IS NOT NULL OR plausible_amount(s.debt_parsed) IS NOT NULL
         THEN coalesce(plausible_amount(s.equity_parsed), 0) + coalesce(plausible_amount(s.debt_parsed), 0) END AS amount_usd,
    CASE WHEN plausible_amount(s.equity_parsed) IS NOT NULL OR plausible_amount(s.debt_parsed) IS NOT NULL
         THEN (coalesce(plausible_amount(s.equity_parsed), 0) + coalesce(plausible_amount(s.debt_parsed), 0)) / fx.units_per_eur END AS amount_eur,
    fx.rate_date                                                            AS fx_rate_date,
    s.valuation_parsed                                                      AS valuation_post_usd,
    nullif(trim(s."Confidence"), '')                                        AS confidence,
    s._source_file,
    s._source_row
FROM staged AS s
LEFT JOIN ref.round_stage_map AS m
       ON m.round_type = 'venture' AND m.round_code = s.round_code
LEFT JOIN ref.stages AS st
       ON st.stage = CASE WHEN s.round_code = 'SEED' THEN 'seed' ELSE coalesce(m.stage, 'undisclosed') END
ASOF LEFT JOIN usd AS fx ON s.funded_on >= fx.rate_date
