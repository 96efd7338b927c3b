-- The investor edges core.investments is built from (investments.sql, investments_rematch.sql,
-- investors.sql), in one shape: the rows of staging.investor_edges (company by name only), and
-- the edges of mapped exports - each investor of a mapped round's investors and lead investors
-- (once per normalised name), and each mapped investments row (which replaces the round-list
-- edge of the same investor in the same round). A mapped edge's company is the one its mapped
-- company key joined in core.company_source_ids (`company_id`); the others are matched by name.
-- `source`: investor_edges | mapped; `is_lead`: NULL when the source does not say.
CREATE OR REPLACE TEMP VIEW _investment_edges AS
WITH round_edges AS (
    SELECT r.round_key, r.company_key, r.company_name, r.company_name_norm, r.funded_on,
           r.amount_usd, r._source_file, r._source_row, norm_name(i.name) AS investor_name_norm,
           any_value(i.name ORDER BY i.name) AS investor_name,
           bool_or(i.lead) AS is_lead
    FROM (SELECT *, unnest(list_transform(investors, lambda x: {'name': x, 'lead': false})
                           || list_transform(lead_investors, lambda x: {'name': x, 'lead': true})) AS i
          FROM staging.mapped_rounds) AS r
    WHERE norm_name(i.name) IS NOT NULL
    GROUP BY ALL
), leads AS (
    SELECT round_key, investor_name_norm FROM round_edges WHERE is_lead
), mapped AS (
    SELECT e.company_key, e.company_name, e.company_name_norm, e.investor_name,
           e.investor_name_norm, e.funded_on, e.amount_usd AS round_amount_usd, e._source_file,
           e._source_row, e.round_key, e.is_lead
    FROM round_edges AS e
    WHERE NOT EXISTS (SELECT 1 FROM staging.mapped_investments AS i
                      WHERE i.round_key = e.round_key AND i.investor_name_norm = e.investor_name_norm)
    UNION ALL
    SELECT i.company_key, i.company_name, i.company_name_norm, i.investor_name,
           i.investor_name_norm, coalesce(i.funded_on, r.funded_on),
           coalesce(i.round_amount_usd, r.amount_usd), i._source_file, i._source_row, i.round_key,
           coalesce(i.is_lead, false) OR l.round_key IS NOT NULL
    FROM staging.mapped_investments AS i
    LEFT JOIN staging.mapped_rounds AS r USING (round_key)
    LEFT JOIN leads AS l USING (round_key, investor_name_norm)
)
SELECT company_name, company_name_norm, investor_name, investor_name_norm, funded_on,
       round_amount_usd, _source_file, _source_row, NULL::VARCHAR AS round_key,
       NULL::BOOLEAN AS is_lead, NULL::VARCHAR AS investor_type, 'investor_edges' AS source,
       NULL::VARCHAR AS company_id
FROM staging.investor_edges
UNION ALL
SELECT m.company_name, m.company_name_norm, m.investor_name, m.investor_name_norm, m.funded_on,
       m.round_amount_usd, m._source_file, m._source_row, m.round_key, m.is_lead,
       NULL::VARCHAR, 'mapped', s.company_id
FROM mapped AS m
LEFT JOIN core.company_source_ids AS s ON s.source = 'mapped' AND s.source_key = m.company_key;
