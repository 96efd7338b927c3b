-- Exits observable at a date: acquisitions, IPOs (first post-IPO round: the IPO was by then; the
-- bulk export's IPOs on their listing day) and
-- the exits of the semiconductor start-ups list (acquisition; IPO or SPAC listing as `ipo`;
-- dated the last day of the exit year, see staging/chip_exits). A shutdown is not an exit. One
-- row per company and exit type: the earliest date any source gives.
CREATE OR REPLACE TABLE core.company_exits AS
SELECT company_id, exit_type, min(exited_on) AS exited_on
FROM (
    SELECT s.company_id, 'acquisition' AS exit_type, a.acquired_on AS exited_on
    FROM staging.acquisitions AS a
    JOIN core.company_source_ids AS s ON s.source = 'crunchbase' AND s.source_key = a.company_key
    UNION ALL
    SELECT company_id, 'ipo', funded_on FROM core.funding_rounds WHERE stage = 'post_ipo'
    UNION ALL
    SELECT s.company_id, CASE WHEN x.exit_kind = 'acquisition' THEN 'acquisition' ELSE 'ipo' END,
           x.exited_on
    FROM staging.chip_exits AS x
    JOIN core.company_source_ids AS s ON s.source = 'chip_exits' AND s.source_key = x.name_norm
    WHERE x.exit_kind IN ('acquisition', 'ipo', 'spac')
    UNION ALL
    SELECT s.company_id, 'acquisition', a.acquired_on
    FROM staging.bulk_acquisitions AS a
    JOIN core.company_source_ids AS s ON s.source = 'crunchbase_bulk' AND s.source_key = a.company_key
    UNION ALL
    SELECT s.company_id, 'ipo', i.went_public_on
    FROM staging.bulk_ipos AS i
    JOIN core.company_source_ids AS s ON s.source = 'crunchbase_bulk' AND s.source_key = i.company_key
)
GROUP BY ALL;
