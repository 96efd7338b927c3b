-- Fund raises by investor strictly as of $as_of (core.funds, announced on or before it): how
-- many, the latest, and the latest whose size is known. One row per investor with a fund raise
-- by then. Parameters: $as_of.
SELECT
    investor_id,
    count(*)                                                               AS n_funds_raised,
    max(announced_on)                                                      AS latest_fund_on,
    arg_max(fund_name, announced_on)                                       AS latest_fund_name,
    arg_max(size_usd, announced_on) FILTER (WHERE size_usd IS NOT NULL)    AS latest_fund_usd,
    arg_max(size_eur, announced_on) FILTER (WHERE size_usd IS NOT NULL)    AS latest_fund_eur,
    max(announced_on) FILTER (WHERE size_usd IS NOT NULL)                  AS latest_sized_fund_on
FROM core.funds
WHERE announced_on <= $as_of AND investor_id IS NOT NULL
GROUP BY investor_id
