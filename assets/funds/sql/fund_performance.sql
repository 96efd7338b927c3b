-- core.fund_performance: one row per fund an LP disclosed (and report date), from
-- staging.fund_performance, with the investor of the manager's normalised name when one is in
-- core.investors (investors are one per normalised name across sources).
CREATE OR REPLACE TABLE core.fund_performance AS
SELECT
    f.disclosure_key,
    f.fund,
    f.fund_name_norm,
    f.manager,
    f.manager_norm,
    i.investor_id,
    f.vintage_year                  AS vintage,
    f.strategy,
    f.asset_class,
    f.sub_strategy,
    f.net_irr,
    f.tvpi,
    f.dpi,
    f.commitment_usd,
    f.as_of_date                    AS as_of,
    f.lp                            AS source,
    f.source_url,
    f.source_document,
    f.extraction_confidence,
    f._source_file,
    f._source_row
FROM staging.fund_performance AS f
LEFT JOIN core.investors AS i ON i.name_norm = f.manager_norm
ORDER BY f.manager_norm, f.vintage_year, f.fund_name_norm, f.lp;
