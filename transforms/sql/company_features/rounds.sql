SELECT * FROM core.funding_rounds
WHERE funded_on <= $as_of AND company_id IN (SELECT company_id FROM known)
