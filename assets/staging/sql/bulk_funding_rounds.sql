-- STAND-IN written by engineer B2 so that staging.bulk_investments and core.investments run on
-- this branch: the staged-table contract's columns of staging.bulk_funding_rounds, without the
-- orphan-organisation check. Engineer B1 owns this table; at merge their file replaces this one.
WITH typed AS (
    SELECT
        r.*,
        clean_key(r.uuid)                                               AS round_key_parsed,
        clean_key(r.org_uuid)                                           AS company_key,
        nullif(lower(trim(r.investment_type)), '')                      AS round_type,
        plausible_date(parse_date_any(r.announced_on, false), $max_day) AS funded_on,
        parse_amount(r.raised_amount_usd)                               AS amount_parsed
    FROM query_table($raw_table) AS r
), usd AS (
    SELECT rate_date, units_per_eur FROM ref.fx_rates WHERE currency = 'USD'
)
SELECT
    t.round_key_parsed                                                  AS _key,
    CASE
        WHEN t.round_key_parsed IS NULL
            THEN {'column': 'uuid', 'value': t.uuid, 'reason': 'missing key: uuid is blank'}
        WHEN t.company_key IS NULL
            THEN {'column': 'org_uuid', 'value': t.org_uuid, 'reason': 'missing key: org_uuid is blank'}
        WHEN t.funded_on IS NULL
            THEN {'column': 'announced_on', 'value': t.announced_on, 'reason': 'unparseable or implausible date (required)'}
    END AS _reject,
    []::STRUCT("column" VARCHAR, "value" VARCHAR, issue VARCHAR)[]      AS _issues,
    t.round_key_parsed                                                  AS round_key,
    t.company_key,
    t.round_type,
    NULL::VARCHAR                                                       AS round_code,
    coalesce(m.stage, 'undisclosed')                                    AS stage,
    s.stage_order,
    s.stage_group,
    t.funded_on,
    plausible_amount(t.amount_parsed)                                   AS amount_usd,
    plausible_amount(t.amount_parsed) / fx.units_per_eur                AS amount_eur,
    fx.rate_date                                                        AS fx_rate_date,
    list_filter(list_transform(string_split(coalesce(t.lead_investor_uuids, ''), ','),
                               lambda x: clean_key(x)), lambda x: x IS NOT NULL) AS lead_investor_keys,
    plausible_amount(parse_amount(t.post_money_valuation_usd))          AS post_money_valuation_usd,
    t._source_file,
    t._source_row
FROM typed AS t
LEFT JOIN ref.round_stage_map AS m ON m.round_type = t.round_type AND m.round_code = ''
LEFT JOIN ref.stages AS s ON s.stage = coalesce(m.stage, 'undisclosed')
ASOF LEFT JOIN usd AS fx ON t.funded_on >= fx.rate_date
