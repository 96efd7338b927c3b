-- the success model's population: known, funded, not exited (nor, when the snapshot is usable,
-- acquired or public by its status)
SELECT k.company_id FROM known AS k
WHERE k.company_id IN (SELECT company_id FROM rounds)
  AND k.company_id NOT IN (SELECT company_id FROM exits)
  AND NOT ($status_usable AND coalesce(k.status, '') IN ('acquired', 'ipo'))
