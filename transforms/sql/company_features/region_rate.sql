SELECT k.country_code, k.region,
       (sum(p.succeeded) + 20 * any_value(pr.rate)) / (count(*) + 20) AS region_rate
FROM known AS k JOIN past_population AS p USING (company_id) CROSS JOIN past_rate AS pr
GROUP BY ALL
