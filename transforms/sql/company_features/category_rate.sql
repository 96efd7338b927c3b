SELECT cat, (sum(p.succeeded) + 20 * any_value(pr.rate)) / (count(*) + 20) AS rate
FROM (SELECT company_id, unnest(categories) AS cat FROM known) AS k
JOIN past_population AS p USING (company_id) CROSS JOIN past_rate AS pr
GROUP BY cat
