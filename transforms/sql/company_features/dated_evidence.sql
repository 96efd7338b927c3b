SELECT company_id FROM core.funding_rounds WHERE funded_on <= $as_of
UNION SELECT company_id FROM core.company_models WHERE published_on <= $as_of
UNION SELECT company_id FROM core.investments WHERE funded_on <= $as_of AND company_id IS NOT NULL
