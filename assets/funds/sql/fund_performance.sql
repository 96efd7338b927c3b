-- core.fund_performance: one row per fund an LP disclosed (and report date), from
-- staging.fund_performance, with the investor the manager names in core.investors (investors are
-- one per normalised name across sources): the one of the same normalised name (`manager_match`
-- 'name'), else the one whose name is the manager's plus or minus trailing generic words
-- ("Lightspeed" / "Lightspeed Venture Partners", "Tailwind Capital Partners" / "Tailwind
-- Capital": 'name+generic words'), when exactly one investor is. Both names reduce to the same
-- stem, and one must start the other: "Boston Ventures" is not "Boston Capital Ventures".
CREATE OR REPLACE TEMP MACRO manager_stem(n) AS
    regexp_replace(n, '( (venture|ventures|partners|capital|management|associates|group|equity|investments|investment|advisors|advisers|fund|funds))+$', '');

CREATE OR REPLACE TEMP TABLE _manager_ids AS
WITH managers AS (
    SELECT DISTINCT manager_norm, manager_stem(manager_norm) AS stem FROM staging.fund_performance
), exact AS (
    SELECT m.manager_norm, i.investor_id FROM managers AS m
    JOIN core.investors AS i ON i.name_norm = m.manager_norm
), stems AS (
    SELECT investor_id, name_norm, manager_stem(name_norm) AS stem FROM core.investors
), by_stem AS (
    SELECT m.manager_norm, any_value(s.investor_id) AS investor_id
    FROM managers AS m
    JOIN stems AS s
      ON s.stem = m.stem AND length(m.stem) >= 4
     AND (starts_with(s.name_norm, m.manager_norm || ' ') OR starts_with(m.manager_norm, s.name_norm || ' '))
    WHERE m.manager_norm NOT IN (SELECT manager_norm FROM exact)
    GROUP BY m.manager_norm HAVING count(DISTINCT s.investor_id) = 1
)
SELECT manager_norm, investor_id, 'name' AS manager_match FROM exact
UNION ALL
SELECT manager_norm, investor_id, 'name+generic words' FROM by_stem;

CREATE OR REPLACE TABLE core.fund_performance AS
SELECT
    f.disclosure_key,
    f.fund,
    f.fund_name_norm,
    f.manager,
    f.manager_norm,
    i.investor_id,
    i.manager_match,
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
LEFT JOIN _manager_ids AS i USING (manager_norm)
ORDER BY f.manager_norm, f.vintage_year, f.fund_name_norm, f.lp;
