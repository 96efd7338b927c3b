-- per investor: companies backed by rates_as_of, and how many of them had exited by then
SELECT e.investor_id,
       count(DISTINCT e.company_id)                                             AS n_backed,
       count(DISTINCT e.company_id) FILTER (
           x.exited_on <= (SELECT d FROM rates_as_of))                          AS n_exited
FROM edges AS e LEFT JOIN exits AS x USING (company_id)
WHERE e.company_id IS NOT NULL AND e.funded_on <= (SELECT d FROM rates_as_of)
GROUP BY e.investor_id
