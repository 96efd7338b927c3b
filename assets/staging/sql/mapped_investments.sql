-- Investments of mapped exports (`mapped_exports:` of entity investments: one investor in one
-- company's round per row), typed. The company is resolved as in mapped_rounds.sql. round_key:
-- 'mapped:' || the lower-cased `round_id` when a mapped round has it (a round id that joins no
-- mapped round: NULL and a value issue), else the one mapped round of the company on the row's
-- date, else NULL. Amount and currency are read as in mapped_rounds.sql (the
-- round's size, in EUR and USD at the ECB rate of the date). is_lead: true/yes/y/1/x/lead or
-- false/no/n/0 (blank: false); anything else NULL with a value issue.
-- each file's date order: the one its dates prove (macro mapped_day_first), else day first
WITH date_order AS (
    SELECT _source_file, coalesce(bool_or(mapped_day_first(announced_on)), true) AS dayfirst
    FROM query_table($raw_table) GROUP BY _source_file
), by_id AS (
    SELECT provider_id, any_value(company_key) AS company_key
    FROM staging.mapped_companies WHERE provider_id IS NOT NULL
    GROUP BY provider_id HAVING count(*) = 1
), by_date AS (
    SELECT company_key, funded_on, any_value(round_key) AS round_key
    FROM staging.mapped_rounds GROUP BY ALL HAVING count(*) = 1
), typed AS (
    SELECT
        r.*,
        coalesce(i.company_key, norm_name(r.company))                      AS company_key,
        norm_name(r.investor)                                               AS investor_name_norm,
        plausible_date(CASE WHEN o.dayfirst THEN parse_date_mapped(r.announced_on, true)
                            ELSE parse_date_mapped(r.announced_on, false) END, $max_day) AS funded_on,
        norm_stage(r.stage)                                                 AS stage_text,
        parse_scaled_amount(r.amount)                                       AS parsed,
        coalesce(currency_of_sign(r.currency), nullif(upper(trim(r.currency)), '')) AS currency_given,
        CASE WHEN lower(trim(coalesce(r.is_lead, ''))) IN ('true', 't', 'yes', 'y', '1', 'x', 'lead', 'lead investor') THEN true
             WHEN lower(trim(coalesce(r.is_lead, ''))) IN ('false', 'f', 'no', 'n', '0', '') THEN false END AS lead_flag
    FROM query_table($raw_table) AS r
    LEFT JOIN by_id AS i ON i.provider_id = nullif(trim(r.company_id), '')
    LEFT JOIN date_order AS o USING (_source_file)
), priced AS (
    SELECT t.*,
           currency_of_sign(t.parsed.sign)                                  AS sign_currency,
           coalesce(t.currency_given, t.default_currency, currency_of_sign(t.parsed.sign),
                    'USD')                                                  AS currency_code,
           plausible_amount(t.parsed.value * coalesce(t.parsed.scale, try_cast(t.amount_unit AS DOUBLE), 1)) AS amount_local
    FROM typed AS t
), flagged AS (
    SELECT p.*,
           p.currency_code IN (SELECT DISTINCT currency FROM ref.fx_rates)  AS currency_known,
           p.sign_currency IS NOT NULL AND p.sign_currency <> p.currency_code AS sign_conflict,
           CASE WHEN clean_key(p.round_id) IS NOT NULL THEN r.round_key ELSE d.round_key END AS round_key,
           clean_key(p.round_id) IS NOT NULL AND r.round_key IS NULL        AS round_unknown
    FROM priced AS p
    LEFT JOIN staging.mapped_rounds AS r ON r.round_key = 'mapped:' || clean_key(p.round_id)
    LEFT JOIN by_date AS d ON d.company_key = p.company_key AND d.funded_on = p.funded_on
), usd AS (
    SELECT rate_date, units_per_eur FROM ref.fx_rates WHERE currency = 'USD'
)
SELECT
    md5(concat_ws('|', f.company_key, f.investor_name_norm, coalesce(f.round_key, clean_key(f.round_id), f.funded_on::VARCHAR, trim(f.announced_on)))) AS _key,
    CASE
        WHEN norm_name(f.company) IS NULL
            THEN {'column': 'company', 'value': f.company, 'reason': 'missing key: company name is blank'}
        WHEN f.investor_name_norm IS NULL
            THEN {'column': 'investor', 'value': f.investor, 'reason': 'missing key: investor name is blank'}
    END AS _reject,
    list_filter([
        CASE WHEN nullif(trim(f.announced_on), '') IS NOT NULL AND f.funded_on IS NULL THEN {'column': 'announced_on', 'value': f.announced_on, 'issue': 'impossible date set to NULL'} END,
        CASE WHEN f.round_unknown THEN {'column': 'round_id', 'value': f.round_id, 'issue': 'round id joins no mapped round, round_key set to NULL'} END,
        CASE WHEN f.lead_flag IS NULL THEN {'column': 'is_lead', 'value': f.is_lead, 'issue': 'not a yes/no value, set to NULL'} END,
        CASE WHEN f.parsed IS NOT NULL AND f.amount_local IS NULL THEN {'column': 'amount', 'value': f.amount, 'issue': 'amount not a number in [0, 1e12) set to NULL'} END,
        CASE WHEN f.amount_local IS NOT NULL AND f.sign_conflict THEN {'column': 'amount', 'value': f.amount, 'issue': 'currency sign contradicts currency ' || f.currency_code || ', amount set to NULL'} END,
        CASE WHEN f.amount_local IS NOT NULL AND NOT f.currency_known THEN {'column': 'currency', 'value': f.currency_code, 'issue': 'currency not quoted by the ECB, amount set to NULL'} END,
        CASE WHEN nullif(trim(f.company_country), '') IS NOT NULL AND c.unknown THEN {'column': 'company_country', 'value': f.company_country, 'issue': 'unknown country set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    md5(concat_ws('|', f.company_key, f.investor_name_norm, coalesce(f.round_key, clean_key(f.round_id), f.funded_on::VARCHAR, trim(f.announced_on)))) AS investment_key,
    f.round_key,
    f.company_key,
    trim(f.company)                                                         AS company_name,
    norm_name(f.company)                                                    AS company_name_norm,
    norm_domain(f.company_domain)                                           AS company_domain,
    nullif(trim(f.company_country), '')                                     AS company_country_raw,
    c.country_code                                                          AS company_country_code,
    trim(f.investor)                                                        AS investor_name,
    f.investor_name_norm,
    f.lead_flag                                                             AS is_lead,
    f.funded_on,
    coalesce(ms.stage, v.stage, CASE WHEN f.stage_text IS NOT NULL THEN 'undisclosed' END) AS stage,
    CASE WHEN NOT f.sign_conflict THEN f.amount_local / fx.units_per_eur * u.units_per_eur END AS round_amount_usd,
    CASE WHEN NOT f.sign_conflict THEN f.amount_local / fx.units_per_eur END AS round_amount_eur,
    f._source_file,
    f._source_row
FROM flagged AS f
LEFT JOIN ref.round_stage_map AS ms ON ms.round_type = 'mapped' AND ms.round_code = f.stage_text
LEFT JOIN ref.round_stage_map AS v ON v.round_type = 'venture'
      AND v.round_code = upper(nullif(regexp_extract(f.stage_text, '^series ([a-z])( ?[0-9]+| extension| ext| bridge| ii| iii| plus)?$', 1), ''))
LEFT JOIN country_lookup AS c ON c.country_text = f.company_country
ASOF LEFT JOIN ref.fx_rates AS fx ON fx.currency = f.currency_code AND f.funded_on >= fx.rate_date
ASOF LEFT JOIN usd AS u ON f.funded_on >= u.rate_date
