-- the known companies among the subjects: whose rows are computed (when every known company is,
-- transforms.features.feature_ctes reads `known` itself here, and likewise for the two below)
SELECT * FROM known WHERE company_id IN (SELECT company_id FROM subjects)
