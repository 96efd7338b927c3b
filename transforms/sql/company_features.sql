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
-- The relations it reads (known, rounds, round_stats, ...) are the CTEs of
-- company_features/<name>.sql, each a SELECT reading those before it, composed in the order of
-- transforms.features.FEATURE_CTES. Rows are computed for the companies of `subjects`
-- (the relation named by $subjects: every known company by default).
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
FROM subject_known AS u
LEFT JOIN round_stats AS r USING (company_id)
LEFT JOIN exits AS x USING (company_id)
LEFT JOIN acquisitions_made AS a USING (company_id)
LEFT JOIN models AS m USING (company_id)
LEFT JOIN company_investors AS ci USING (company_id)
LEFT JOIN taxonomy AS t USING (company_id)
LEFT JOIN last_round_investors AS li USING (company_id)
LEFT JOIN company_category_rate AS ccr USING (company_id)
LEFT JOIN region_rate AS rr ON rr.country_code IS NOT DISTINCT FROM u.country_code AND rr.region IS NOT DISTINCT FROM u.region
