SELECT e.company_id, count(DISTINCT e.investor_id) AS n_last_round_investors
FROM edges AS e JOIN round_stats AS r ON r.company_id = e.company_id AND e.funded_on = r.last_round_on
GROUP BY e.company_id
