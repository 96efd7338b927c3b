-- Company features strictly as of $as_of: only facts dated on or before it are read.
-- $status_usable says whether the provider snapshot's `status` may be read (as_of on or after the
-- declared snapshot date); otherwise status is ignored entirely.
--
-- A company is known at as_of when it was founded by then, or, with no founding date, when a
-- dated fact of it (round, Epoch AI model, investment) falls on or before as_of (or the snapshot
-- is usable). Every as-of aggregate below reads facts of known companies only, so removing all
-- facts dated after as_of from the inputs changes nothing here.
WITH
dated_evidence AS (
    SELECT company_id FROM core.funding_rounds WHERE funded_on <= $as_of
    UNION SELECT company_id FROM core.company_models WHERE published_on <= $as_of
    UNION SELECT company_id FROM core.investments WHERE funded_on <= $as_of AND company_id IS NOT NULL
),
known AS (
    SELECT c.* FROM core.companies AS c
    WHERE c.founded_on <= $as_of
       OR (c.founded_on IS NULL AND ($status_usable OR c.company_id IN (SELECT company_id FROM dated_evidence)))
),
rounds AS (
    SELECT * FROM core.funding_rounds
    WHERE funded_on <= $as_of AND company_id IN (SELECT company_id FROM known)
),
round_stats AS (
    SELECT
        company_id,
        count(*)                                                             AS n_rounds,
        count(*) FILTER (funded_on > $as_of - INTERVAL 24 MONTH)             AS n_rounds_24m,
        coalesce(sum(amount_usd), 0)                                         AS total_raised_usd,
        coalesce(sum(amount_usd) FILTER (funded_on > $as_of - INTERVAL 24 MONTH), 0) AS raised_24m_usd,
        min(funded_on)                                                       AS first_round_on,
        max(funded_on)                                                       AS last_round_on,
        arg_max(stage, struct_pack(d := funded_on, o := stage_order))        AS last_stage,
        arg_max(amount_usd, funded_on)                                       AS last_round_usd,
        max(stage_order)                                                     AS max_stage_order,
        count(*) FILTER (stage_group IN ('early', 'growth', 'late'))         AS n_equity_rounds,
        count(*) FILTER (stage_group = 'non_dilutive')                       AS n_debt_grant_rounds,
        list(amount_usd ORDER BY funded_on) FILTER (
            amount_usd IS NOT NULL AND stage_group IN ('early', 'growth', 'late')) AS equity_amounts
    FROM rounds GROUP BY company_id
),
exits AS (
    SELECT company_id, min(exited_on) AS exited_on FROM core.company_exits
    WHERE exited_on <= $as_of AND company_id IN (SELECT company_id FROM known) GROUP BY company_id
),
acquisitions_made AS (
    SELECT company_id, count(*) AS n_acquisitions_made FROM core.company_acquisitions_made
    WHERE acquired_on <= $as_of AND company_id IN (SELECT company_id FROM known) GROUP BY company_id
),
models AS (
    SELECT company_id, count(DISTINCT model_name) AS n_models, min(published_on) AS first_model_on,
           max(training_compute_flop) AS max_training_compute_flop
    FROM core.company_models
    WHERE published_on <= $as_of AND company_id IN (SELECT company_id FROM known) GROUP BY company_id
),
edges AS (
    SELECT * FROM core.investments
    WHERE funded_on <= $as_of AND company_id IN (SELECT company_id FROM known)
),
investor_track AS (
    SELECT e.investor_id,
           count(DISTINCT e.company_id)                                             AS n_backed,
           count(DISTINCT e.company_id) FILTER (x.company_id IS NOT NULL)           AS n_exited
    FROM edges AS e LEFT JOIN exits AS x USING (company_id)
    WHERE e.company_id IS NOT NULL GROUP BY e.investor_id
),
top_cut AS (
    SELECT coalesce(quantile_cont(n_backed, 0.9), 0) AS cut FROM investor_track
),
company_investors AS (
    SELECT
        e.company_id,
        count(DISTINCT e.investor_id)                                                AS n_investors,
        count(DISTINCT e.investor_id) FILTER (t.n_backed >= c.cut AND t.n_backed > 1) AS n_top_investors,
        avg(t.n_exited / nullif(t.n_backed, 0))                                      AS investor_exit_rate,
        list_sort(list(DISTINCT i.name) FILTER (i.country_code = 'FRA'))             AS fra_investors,
        list_sort(list(DISTINCT i.name) FILTER (i.country_code = 'ARE'))             AS are_investors
    FROM edges AS e
    JOIN investor_track AS t USING (investor_id)
    JOIN core.investors AS i USING (investor_id)
    CROSS JOIN top_cut AS c
    WHERE e.company_id IS NOT NULL
    GROUP BY e.company_id
)
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
    t.sector,
    CASE
        WHEN t.vertical_by_categories = 'ai_semiconductors' THEN 'ai_semiconductors'
        WHEN t.vertical_by_categories = 'generative_models' THEN 'generative_models'
        WHEN m.first_model_on IS NOT NULL AND $epoch_model_builders
             AND (t.sector IS NULL OR t.vertical_by_categories IS NULL) THEN 'generative_models'
        ELSE t.vertical_by_categories
    END                                                                              AS vertical,
    x.exited_on IS NOT NULL OR ($status_usable AND u.status IN ('acquired', 'ipo'))  AS exited,
    $status_usable AND u.status = 'closed'                                           AS closed,
    coalesce(r.n_rounds, 0) > 0 AND x.exited_on IS NULL
        AND NOT ($status_usable AND coalesce(u.status, '') IN ('acquired', 'ipo'))   AS in_population
FROM known AS u
LEFT JOIN round_stats AS r USING (company_id)
LEFT JOIN exits AS x USING (company_id)
LEFT JOIN acquisitions_made AS a USING (company_id)
LEFT JOIN models AS m USING (company_id)
LEFT JOIN company_investors AS ci USING (company_id)
LEFT JOIN core.company_taxonomy AS t USING (company_id)
