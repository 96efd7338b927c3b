-- per investor: share of its portfolio companies (first backed at least 12 months before
-- rates_as_of) that raised again after that first investment, by rates_as_of
SELECT f.investor_id,
       round(avg((EXISTS (SELECT 1 FROM rounds AS r WHERE r.company_id = f.company_id
                    AND r.funded_on > f.first_on
                    AND r.funded_on <= (SELECT d FROM rates_as_of)))::INT), 9) AS follow_on_rate,
       count(*)                                                                AS n_seasoned
FROM (SELECT investor_id, company_id, min(funded_on) AS first_on FROM edges
      WHERE company_id IS NOT NULL GROUP BY ALL) AS f
WHERE f.first_on <= (SELECT d FROM rates_as_of) - INTERVAL 12 MONTH
GROUP BY f.investor_id
