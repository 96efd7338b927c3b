-- the companies whose rows are computed: the relation named by $subjects, one of the relations
-- above (`known`: every company; `population`, `population_sample`) or a table of `company_id`
-- (e.g. the companies whose inputs changed, models/incremental.py). Only their per-company parts
-- are computed; the market statistics always read every known company, so a subject's row is
-- the row it has when every company is computed.
SELECT company_id FROM query_table($subjects)
