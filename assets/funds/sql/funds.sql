-- core.funds: fund raises by investor (Crunchbase bulk funds.csv), the investor by normalised
-- name (investor_id(investor_name_norm), one investor per normalised name across sources);
-- `in_investors` says whether core.investors knows that investor.
CREATE OR REPLACE TABLE core.funds AS
SELECT
    f.fund_key,
    investor_id(f.investor_name_norm)                                  AS investor_id,
    f.investor_key,
    f.investor_name,
    f.investor_name_norm,
    f.fund_name,
    f.announced_on,
    f.vintage_year                                                     AS vintage,
    f.raised_amount_usd                                                AS size_usd,
    f.raised_amount_eur                                                AS size_eur,
    investor_id(f.investor_name_norm) IN (SELECT investor_id FROM core.investors) AS in_investors,
    f._source_file,
    f._source_row
FROM staging.bulk_funds AS f
ORDER BY f.investor_name_norm, f.announced_on;
