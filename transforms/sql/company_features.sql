-- Company features strictly as of $as_of: only facts dated on or before it are read.
-- $status_usable says whether the provider snapshot's `status` may be read (as_of on or after the
-- declared snapshot date); otherwise status is ignored entirely.
--
-- A company is known at as_of when it was founded by then, or, with no founding date, when a
-- dated fact of it (round, Epoch AI model, investment) falls on or before as_of, or, for a
-- Crunchbase company, when the snapshot is usable (it was in the export by then). An undated
-- record of another source is known by its dated facts only: Epoch AI's organisations and the
-- current lists are today's, and would otherwise put companies founded later (Mistral AI,
-- Kyutai) into 2015. Every as-of aggregate below reads facts of known companies only, so
-- removing all facts dated after as_of from the inputs changes nothing here.
--
-- Rows are computed for every known company. `/*SUBJECTS*/` marks where
-- transforms.features.features_sql narrows the per-company parts to a `subjects` CTE (e.g. the
-- success model's training sample); the market statistics always read every known company.
WITH
dated_evidence AS (
    SELECT company_id FROM core.funding_rounds WHERE funded_on <= $as_of
    UNION SELECT company_id FROM core.company_models WHERE published_on <= $as_of
    UNION SELECT company_id FROM core.investments WHERE funded_on <= $as_of AND company_id IS NOT NULL
),
known AS (
    SELECT c.* FROM core.companies AS c
    WHERE c.founded_on <= $as_of
       OR (c.founded_on IS NULL AND (($status_usable AND c.primary_source = 'crunchbase')
                                     OR c.company_id IN (SELECT company_id FROM dated_evidence)))
),
rounds AS (
    SELECT * FROM core.funding_rounds
    WHERE funded_on <= $as_of AND company_id IN (SELECT company_id FROM known)
),
exits AS (
    SELECT company_id, min(exited_on) AS exited_on FROM core.company_exits
    WHERE exited_on <= $as_of AND company_id IN (SELECT company_id FROM known) GROUP BY company_id
),
-- the success model's population: known, funded, not exited (nor, when the snapshot is usable,
-- acquired or public by its status)
population AS (
    SELECT k.company_id FROM known AS k
    WHERE k.company_id IN (SELECT company_id FROM rounds)
      AND k.company_id NOT IN (SELECT company_id FROM exits)
      AND NOT ($status_usable AND coalesce(k.status, '') IN ('acquired', 'ipo'))
),
/*SUBJECTS_CTE*/
round_stats AS (
    SELECT
        company_id,
        count(*)                                                             AS n_rounds,
        count(*) FILTER (funded_on > $as_of - INTERVAL 24 MONTH)             AS n_rounds_24m,
        count(*) FILTER (funded_on > $as_of - INTERVAL 12 MONTH)             AS n_rounds_12m,
        arg_min(amount_usd, round_seq)                                       AS first_round_usd,
        max(amount_usd)                                                      AS max_round_usd,
        list(funded_on ORDER BY funded_on)                                   AS round_dates,
        coalesce(sum(amount_usd), 0)                                         AS total_raised_usd,
        coalesce(sum(amount_usd) FILTER (funded_on > $as_of - INTERVAL 24 MONTH), 0) AS raised_24m_usd,
        min(funded_on)                                                       AS first_round_on,
        max(funded_on)                                                       AS last_round_on,
        arg_max(stage, round_seq)                                            AS last_stage,
        arg_max(amount_usd, round_seq)                                       AS last_round_usd,
        max(stage_order)                                                     AS max_stage_order,
        count(*) FILTER (stage_group IN ('early', 'growth', 'late'))         AS n_equity_rounds,
        count(*) FILTER (stage_group = 'non_dilutive')                       AS n_debt_grant_rounds,
        list(amount_usd ORDER BY round_seq) FILTER (
            amount_usd IS NOT NULL AND stage_group IN ('early', 'growth', 'late')) AS equity_amounts
    FROM (
        -- rounds in order: by day, rounds of one day by stage, then by key (a hash of it), so
        -- the same round is the last one in every run and on any number of threads
        SELECT *, (date_diff('day', DATE '1970-01-01', funded_on) * 16 + coalesce(stage_order, 0)) * 4294967296 + (hash(round_key) >> 32)::BIGINT AS round_seq
        FROM rounds /*SUBJECTS*/
    ) GROUP BY company_id
),
acquisitions_made AS (
    SELECT company_id, count(*) AS n_acquisitions_made FROM core.company_acquisitions_made
    WHERE acquired_on <= $as_of AND company_id IN (SELECT company_id FROM known) /*AND_SUBJECTS*/
    GROUP BY company_id
),
models AS (
    SELECT company_id, count(DISTINCT model_name) AS n_models, min(published_on) AS first_model_on,
           max(training_compute_flop) AS max_training_compute_flop
    FROM core.company_models
    WHERE published_on <= $as_of AND company_id IN (SELECT company_id FROM known) /*AND_SUBJECTS*/
    GROUP BY company_id
),
edges AS (
    SELECT * FROM core.investments
    WHERE funded_on <= $as_of AND company_id IN (SELECT company_id FROM known)
),
-- Market statistics (investors' track records and follow-on rates, the top-investor cut,
-- categories' and regions' outcome rates) are measured as of the first day of as_of's quarter
-- (`rates_as_of`, never after as_of): they move slowly, and rounds or exits reported during the
-- quarter then change only their own companies' inputs, so a mid-week refresh recomputes those
-- companies only (models/incremental.py), not every company backed by the same investors.
rates_as_of AS (SELECT date_trunc('quarter', $as_of::DATE)::DATE AS d),
investor_track AS (
    -- per investor: companies backed by rates_as_of, and how many of them had exited by then
    SELECT e.investor_id,
           count(DISTINCT e.company_id)                                             AS n_backed,
           count(DISTINCT e.company_id) FILTER (
               x.exited_on <= (SELECT d FROM rates_as_of))                          AS n_exited
    FROM edges AS e LEFT JOIN exits AS x USING (company_id)
    WHERE e.company_id IS NOT NULL AND e.funded_on <= (SELECT d FROM rates_as_of)
    GROUP BY e.investor_id
),
investor_follow_on AS (
    -- per investor: share of its portfolio companies (first backed at least 12 months before
    -- rates_as_of) that raised again after that first investment, by rates_as_of
    SELECT f.investor_id,
           round(avg((EXISTS (SELECT 1 FROM rounds AS r WHERE r.company_id = f.company_id
                        AND r.funded_on > f.first_on
                        AND r.funded_on <= (SELECT d FROM rates_as_of)))::INT), 9) AS follow_on_rate,
           count(*)                                                                AS n_seasoned
    FROM (SELECT investor_id, company_id, min(funded_on) AS first_on FROM edges
          WHERE company_id IS NOT NULL GROUP BY ALL) AS f
    WHERE f.first_on <= (SELECT d FROM rates_as_of) - INTERVAL 12 MONTH
    GROUP BY f.investor_id
),
past_population AS (
    -- companies funded two years before rates_as_of, and whether they raised or exited since:
    -- the outcome rate of a category or region over the last completed 24-month window
    SELECT r.company_id,
           (max(r.funded_on) > any_value(q.d) - INTERVAL 24 MONTH
            OR any_value(x.exited_on) > any_value(q.d) - INTERVAL 24 MONTH)::INT      AS succeeded
    FROM rounds AS r CROSS JOIN rates_as_of AS q
    LEFT JOIN exits AS x ON x.company_id = r.company_id AND x.exited_on <= q.d
    WHERE r.funded_on <= q.d
    GROUP BY r.company_id
    HAVING min(r.funded_on) <= any_value(q.d) - INTERVAL 24 MONTH
       AND coalesce(any_value(x.exited_on) > any_value(q.d) - INTERVAL 24 MONTH, TRUE)
),
past_rate AS (SELECT round(avg(succeeded), 9) AS rate FROM past_population),
category_rate AS (
    SELECT cat, (sum(p.succeeded) + 20 * any_value(pr.rate)) / (count(*) + 20) AS rate
    FROM (SELECT company_id, unnest(categories) AS cat FROM known) AS k
    JOIN past_population AS p USING (company_id) CROSS JOIN past_rate AS pr
    GROUP BY cat
),
company_category_rate AS (
    SELECT k.company_id, max(c.rate) AS category_rate_max, round(avg(c.rate::DECIMAL(18, 12)), 9)::DOUBLE AS category_rate_mean
    FROM (SELECT company_id, unnest(categories) AS cat FROM known /*SUBJECTS*/) AS k
    JOIN category_rate AS c USING (cat) GROUP BY k.company_id
),
region_rate AS (
    SELECT k.country_code, k.region,
           (sum(p.succeeded) + 20 * any_value(pr.rate)) / (count(*) + 20) AS region_rate
    FROM known AS k JOIN past_population AS p USING (company_id) CROSS JOIN past_rate AS pr
    GROUP BY ALL
),
top_cut AS (
    SELECT coalesce(quantile_cont(n_backed, 0.9), 0) AS cut FROM investor_track
),
last_round_investors AS (
    SELECT e.company_id, count(DISTINCT e.investor_id) AS n_last_round_investors
    FROM edges AS e JOIN round_stats AS r ON r.company_id = e.company_id AND e.funded_on = r.last_round_on
    GROUP BY e.company_id
),
company_investors AS (
    SELECT
        e.company_id,
        count(DISTINCT e.investor_id)                                                AS n_investors,
        count(DISTINCT e.investor_id) FILTER (t.n_backed >= c.cut AND t.n_backed > 1) AS n_top_investors,
        -- averages over exact decimals: DuckDB's parallel sums of doubles differ in the last bits
        -- from run to run, and rounding alone does not fix a value on a rounding boundary
        round(avg((t.n_exited / nullif(t.n_backed, 0))::DECIMAL(18, 12)), 9)::DOUBLE AS investor_exit_rate,
        max(fo.follow_on_rate) FILTER (fo.n_seasoned >= 3)                           AS investor_follow_on_max,
        round(avg(fo.follow_on_rate::DECIMAL(18, 12)) FILTER (fo.n_seasoned >= 3), 9)::DOUBLE AS investor_follow_on_mean,
        max(t.n_backed)                                                              AS investor_portfolio_max,
        list_sort(list(DISTINCT i.name) FILTER (i.country_code = 'FRA'))             AS fra_investors,
        list_sort(list(DISTINCT i.name) FILTER (i.country_code = 'ARE'))             AS are_investors
    FROM edges AS e
    LEFT JOIN investor_track AS t USING (investor_id)  -- none for an investor new this quarter
    JOIN core.investors AS i USING (investor_id)
    LEFT JOIN investor_follow_on AS fo USING (investor_id)
    CROSS JOIN top_cut AS c
    WHERE e.company_id IS NOT NULL /*AND_EDGE_SUBJECTS*/
    GROUP BY e.company_id
),
-- The vertical as of as_of: the undated signals of core.company_taxonomy, and an Epoch AI model
-- published by as_of, which makes a model builder (confidence 1) unless the undated signals make
-- it an AI chip company or an application in a sector its categories state.
taxonomy AS (
    SELECT company_id,
           CASE WHEN _builder THEN true ELSE ai_signal END                               AS ai_signal,
           CASE WHEN first_model_on IS NOT NULL THEN 1.0 ELSE ai_confidence END::DOUBLE  AS ai_confidence,
           CASE WHEN _builder AND sector_by_default THEN NULL ELSE sector END            AS sector,
           CASE WHEN _builder THEN 'generative_models' ELSE vertical_by_categories END   AS vertical,
           nullif(concat_ws('; ',
               CASE WHEN first_model_on IS NOT NULL
                    THEN 'Epoch AI model builder (first model ' || strftime(first_model_on, '%Y-%m-%d') || ')' END,
               CASE WHEN _builder THEN regexp_replace(vertical_reason, '; no sector category: .*$', '')
                    ELSE vertical_reason END), '')                                       AS vertical_reason
    FROM (
        SELECT t.*, m.first_model_on,
               m.first_model_on IS NOT NULL
               AND coalesce(t.vertical_by_categories, '') NOT IN ('ai_semiconductors', 'generative_models')
               AND (t.sector IS NULL OR t.sector_by_default OR t.vertical_by_categories IS NULL) AS _builder
        FROM core.company_taxonomy AS t
        LEFT JOIN (SELECT company_id, first_model_on FROM models WHERE $epoch_model_builders) AS m
               USING (company_id)
    )
)
-- @select: the rows
SELECT
    u.company_id,
    $as_of::DATE                                                                     AS as_of,
    u.name,
    u.country_code,
    u.countries,
    CASE WHEN u.founded_on <= $as_of THEN u.founded_on END                           AS founded_on,
    date_diff('day', CASE WHEN u.founded_on <= $as_of THEN u.founded_on END, $as_of) / 365.25 AS age_years,
    coalesce(r.n_rounds, 0)                                                          AS n_rounds,
    coalesce(r.n_rounds_24m, 0)                                                      AS n_rounds_24m,
    coalesce(r.total_raised_usd, 0)                                                  AS total_raised_usd,
    coalesce(r.raised_24m_usd, 0)                                                    AS raised_24m_usd,
    coalesce(r.n_rounds_12m, 0)                                                      AS n_rounds_12m,
    r.first_round_usd,
    r.max_round_usd,
    date_diff('day', CASE WHEN u.founded_on <= $as_of THEN u.founded_on END, r.first_round_on) / 365.25 AS age_at_first_round,
    date_diff('day', r.round_dates[-2], r.round_dates[-1])                           AS last_gap_days,
    li.n_last_round_investors,
    ci.investor_follow_on_max,
    ci.investor_follow_on_mean,
    ci.investor_portfolio_max,
    ccr.category_rate_max,
    ccr.category_rate_mean,
    rr.region_rate,
    r.first_round_on,
    r.last_round_on,
    x.exited_on,
    date_diff('day', r.first_round_on, $as_of)                                       AS days_since_first_round,
    date_diff('day', r.last_round_on, $as_of)                                        AS days_since_last_round,
    date_diff('day', r.first_round_on, r.last_round_on) / nullif(r.n_rounds - 1, 0)  AS mean_days_between_rounds,
    r.last_stage,
    r.last_round_usd,
    r.max_stage_order,
    coalesce(r.n_equity_rounds, 0)                                                   AS n_equity_rounds,
    coalesce(r.n_debt_grant_rounds, 0)                                               AS n_debt_grant_rounds,
    CASE WHEN len(r.equity_amounts) >= 2
         THEN r.equity_amounts[-1] / nullif(r.equity_amounts[-2], 0) END             AS step_up,
    coalesce(ci.n_investors, 0)                                                      AS n_investors,
    coalesce(ci.n_top_investors, 0)                                                  AS n_top_investors,
    ci.investor_exit_rate,
    coalesce(ci.fra_investors, [])                                                   AS fra_investors,
    coalesce(ci.are_investors, [])                                                   AS are_investors,
    coalesce(a.n_acquisitions_made, 0)                                               AS n_acquisitions_made,
    coalesce(m.n_models, 0)                                                          AS n_models,
    m.max_training_compute_flop,
    t.ai_signal,
    t.ai_confidence,
    t.sector,
    t.vertical,
    t.vertical_reason,
    x.exited_on IS NOT NULL OR ($status_usable AND u.status IN ('acquired', 'ipo'))  AS exited,
    $status_usable AND u.status = 'closed'                                           AS closed,
    u.company_id IN (SELECT company_id FROM population)                              AS in_population
FROM known AS u
LEFT JOIN round_stats AS r USING (company_id)
LEFT JOIN exits AS x USING (company_id)
LEFT JOIN acquisitions_made AS a USING (company_id)
LEFT JOIN models AS m USING (company_id)
LEFT JOIN company_investors AS ci USING (company_id)
LEFT JOIN taxonomy AS t USING (company_id)
LEFT JOIN last_round_investors AS li USING (company_id)
LEFT JOIN company_category_rate AS ccr USING (company_id)
LEFT JOIN region_rate AS rr ON rr.country_code IS NOT DISTINCT FROM u.country_code AND rr.region IS NOT DISTINCT FROM u.region
/*SUBJECTS*/
