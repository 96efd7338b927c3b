SELECT company_id, count(*) AS n_acquisitions_made FROM core.company_acquisitions_made
WHERE acquired_on <= $as_of AND company_id IN (SELECT company_id FROM subject_known)
GROUP BY company_id
