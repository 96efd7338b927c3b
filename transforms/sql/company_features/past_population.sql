-- companies funded two years before rates_as_of, and whether they raised or exited since:
-- the outcome rate of a category or region over the last completed 24-month window
SELECT r.company_id,
       (max(r.funded_on) > any_value(q.d) - INTERVAL 24 MONTH
        OR any_value(x.exited_on) > any_value(q.d) - INTERVAL 24 MONTH)::INT      AS succeeded
FROM rounds AS r CROSS JOIN rates_as_of AS q
LEFT JOIN exits AS x ON x.company_id = r.company_id AND x.exited_on <= q.d
WHERE r.funded_on <= q.d
GROUP BY r.company_id
HAVING min(r.funded_on) <= any_value(q.d) - INTERVAL 24 MONTH
   AND coalesce(any_value(x.exited_on) > any_value(q.d) - INTERVAL 24 MONTH, TRUE)
