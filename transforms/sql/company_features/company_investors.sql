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
FROM subject_edges AS e
LEFT JOIN investor_track AS t USING (investor_id)  -- none for an investor new this quarter
JOIN core.investors AS i USING (investor_id)
LEFT JOIN investor_follow_on AS fo USING (investor_id)
CROSS JOIN top_cut AS c
WHERE e.company_id IS NOT NULL
GROUP BY e.company_id
