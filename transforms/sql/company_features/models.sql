SELECT company_id, count(DISTINCT model_name) AS n_models, min(published_on) AS first_model_on,
       max(training_compute_flop) AS max_training_compute_flop
FROM core.company_models
WHERE published_on <= $as_of AND company_id IN (SELECT company_id FROM subject_known)
GROUP BY company_id
