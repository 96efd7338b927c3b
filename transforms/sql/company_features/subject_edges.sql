SELECT * FROM edges WHERE company_id IN (SELECT company_id FROM subjects)
