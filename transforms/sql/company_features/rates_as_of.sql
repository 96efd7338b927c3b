-- Market statistics (investors' track records and follow-on rates, the top-investor cut,
-- categories' and regions' outcome rates) are measured as of the first day of as_of's quarter
-- (`rates_as_of`, never after as_of): they move slowly, and rounds or exits reported during the
-- quarter then change only their own companies' inputs, so a mid-week refresh recomputes those
-- companies only (models/incremental.py), not every company backed by the same investors.
SELECT date_trunc('quarter', $as_of::DATE)::DATE AS d
