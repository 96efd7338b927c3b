SELECT c.* FROM core.companies AS c
WHERE c.founded_on <= $as_of
   OR (c.founded_on IS NULL AND (($status_usable AND c.primary_source IN ('crunchbase', 'crunchbase_bulk'))
                                 OR c.company_id IN (SELECT company_id FROM dated_evidence)))
