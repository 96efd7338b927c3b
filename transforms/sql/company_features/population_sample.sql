-- a fixed pseudo-random sample of the population: its $sample_size companies whose id hashes
-- lowest (all of it when $sample_size is NULL or larger), chosen before any company's features
-- are computed (transforms.features.population_as_of)
SELECT company_id FROM population ORDER BY hash(company_id), company_id LIMIT $sample_size
