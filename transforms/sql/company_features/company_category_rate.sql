SELECT k.company_id, max(c.rate) AS category_rate_max, round(avg(c.rate::DECIMAL(18, 12)), 9)::DOUBLE AS category_rate_mean
FROM (SELECT company_id, unnest(categories) AS cat FROM subject_known) AS k
JOIN category_rate AS c USING (cat) GROUP BY k.company_id
