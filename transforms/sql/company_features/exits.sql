SELECT company_id, min(exited_on) AS exited_on FROM core.company_exits
WHERE exited_on <= $as_of AND company_id IN (SELECT company_id FROM known) GROUP BY company_id
