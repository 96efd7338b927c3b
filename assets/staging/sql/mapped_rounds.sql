-- Funding rounds of mapped exports (`mapped_exports:` of entity rounds), typed like
-- staging.rounds. The company is the mapped company whose provider id is the row's `company_id`
-- when there is exactly one, else the company's normalised name (`company_key`, as in
-- staging.mapped_companies). round_key: 'mapped:' || the lower-cased `round_id` when mapped, else
-- a hash of company, date, stage and amount text.
-- Amount: the number times its own scale when the text has one ("€3.4M", "500k"), else times the
-- file's `amount_unit`; currency: the row's `currency`, else the file's `currency`, else the
-- amount's sign (€ $ £), else USD; converted to EUR and USD at the ECB rate of the round date (or
-- the last one before it: fx_rate_date). An amount that is no number, a sign that contradicts
-- the currency, or a currency the ECB does not quote: amounts NULL and a value issue.
-- Stage: the provider's text through `mapped_stages:` of config/stages.yaml (normalised), or
-- "Series <letter>[digit | extension]" through `venture_codes:`; else undisclosed and an issue.
-- each file's date order: the one its dates prove (macro mapped_day_first), else day first
WITH date_order AS (
    SELECT _source_file, coalesce(bool_or(mapped_day_first(announced_on)), true) AS dayfirst
    FROM query_table($raw_table) GROUP BY _source_file
), by_id AS (
    SELECT provider_id, any_value(company_key) AS company_key
    FROM staging.mapped_companies WHERE provider_id IS NOT NULL
    GROUP BY provider_id HAVING count(*) = 1
), typed AS (
    SELECT
        r.*,
        coalesce(i.company_key, norm_name(r.company))                      AS company_key,
        plausible_date(CASE WHEN o.dayfirst THEN parse_date_mapped(r.announced_on, true)
                            ELSE parse_date_mapped(r.announced_on, false) END, $max_day) AS funded_on,
        norm_stage(r.stage)                                                 AS stage_text,
        upper(nullif(regexp_extract(norm_stage(r.stage),
              '^series ([a-z])( ?[0-9]+| extension| ext| bridge| ii| iii| plus)?$', 1), '')) AS series_code,
        parse_scaled_amount(r.amount)                                       AS parsed,
        coalesce(currency_of_sign(r.currency), nullif(upper(trim(r.currency)), '')) AS currency_given
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
           'mapped:' || coalesce(clean_key(p.round_id),
               md5(concat_ws('|', p.company_key, p.funded_on, p.stage_text, trim(p.amount)))) AS key
    FROM priced AS p
), usd AS (
    SELECT rate_date, units_per_eur FROM ref.fx_rates WHERE currency = 'USD'
)
SELECT
    f.key                                                                   AS _key,
    CASE
        WHEN norm_name(f.company) IS NULL
            THEN {'column': 'company', 'value': f.company, 'reason': 'missing key: company name is blank'}
        WHEN f.funded_on IS NULL
            THEN {'column': 'announced_on', 'value': f.announced_on, 'reason': 'unparseable or implausible date (required)'}
    END AS _reject,
    list_filter([
        CASE WHEN f.stage_text IS NOT NULL AND coalesce(m.stage, v.stage) IS NULL THEN {'column': 'stage', 'value': f.stage, 'issue': 'unknown stage, staged as undisclosed'} END,
        CASE WHEN f.parsed IS NOT NULL AND f.amount_local IS NULL THEN {'column': 'amount', 'value': f.amount, 'issue': 'amount not a number in [0, 1e12) set to NULL'} END,
        CASE WHEN f.amount_local IS NOT NULL AND f.sign_conflict THEN {'column': 'amount', 'value': f.amount, 'issue': 'currency sign contradicts currency ' || f.currency_code || ', amount set to NULL'} END,
        CASE WHEN f.amount_local IS NOT NULL AND NOT f.currency_known THEN {'column': 'currency', 'value': f.currency_code, 'issue': 'currency not quoted by the ECB, amount set to NULL'} END,
        CASE WHEN f.amount_local IS NOT NULL AND f.currency_known AND NOT f.sign_conflict AND (fx.units_per_eur IS NULL OR u.units_per_eur IS NULL) THEN {'column': 'announced_on', 'value': f.announced_on, 'issue': 'no ECB rate on or before the date, amount set to NULL'} END,
        CASE WHEN nullif(trim(f.company_country), '') IS NOT NULL AND c.unknown THEN {'column': 'company_country', 'value': f.company_country, 'issue': 'unknown country set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    f.key                                                                   AS round_key,
    f.company_key,
    f.stage_text                                                            AS round_type,
    f.series_code                                                           AS round_code,
    coalesce(m.stage, v.stage, 'undisclosed')                               AS stage,
    s.stage_order,
    s.stage_group,
    f.funded_on,
    CASE WHEN NOT f.sign_conflict THEN f.amount_local / fx.units_per_eur * u.units_per_eur END AS amount_usd,
    CASE WHEN NOT f.sign_conflict THEN f.amount_local / fx.units_per_eur END AS amount_eur,
    CASE WHEN NOT f.sign_conflict AND f.amount_local IS NOT NULL THEN least(fx.rate_date, u.rate_date) END AS fx_rate_date,
    nullif(trim(f.round_id), '')                                            AS provider_round_id,
    trim(f.company)                                                         AS company_name,
    norm_name(f.company)                                                    AS company_name_norm,
    norm_domain(f.company_domain)                                           AS company_domain,
    nullif(trim(f.company_country), '')                                     AS company_country_raw,
    c.country_code                                                          AS company_country_code,
    f.amount_local,
    f.currency_code                                                         AS currency,
    split_names(f.investors)                                                AS investors,
    split_names(f.lead_investors)                                           AS lead_investors,
    f._source_file,
    f._source_row
FROM flagged AS f
LEFT JOIN ref.round_stage_map AS m ON m.round_type = 'mapped' AND m.round_code = f.stage_text
LEFT JOIN ref.round_stage_map AS v ON v.round_type = 'venture' AND v.round_code = f.series_code
LEFT JOIN ref.stages AS s ON s.stage = coalesce(m.stage, v.stage, 'undisclosed')
LEFT JOIN country_lookup AS c ON c.country_text = f.company_country
ASOF LEFT JOIN ref.fx_rates AS fx ON fx.currency = f.currency_code AND f.funded_on >= fx.rate_date
ASOF LEFT JOIN usd AS u ON f.funded_on >= u.rate_date
