-- Outcome of each company in the population at $cutoff: a new round or an exit in
-- ($cutoff, $horizon_end]. Callers guarantee $horizon_end <= the scoring as_of.
SELECT
    c.company_id,
    (EXISTS (SELECT 1 FROM core.funding_rounds AS r
             WHERE r.company_id = c.company_id AND r.funded_on > $cutoff AND r.funded_on <= $horizon_end)
     OR EXISTS (SELECT 1 FROM core.company_exits AS x
             WHERE x.company_id = c.company_id AND x.exited_on > $cutoff AND x.exited_on <= $horizon_end)
    )::INT AS label
FROM _population AS c
