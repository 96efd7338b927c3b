SELECT * FROM rounds WHERE company_id IN (SELECT company_id FROM subjects)
