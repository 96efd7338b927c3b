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
    FROM subject_rounds
) GROUP BY company_id
