-- Crunchbase bulk export investments: one row per investor in a funding round, joined by UUID.
-- Key: round and investor (an investor is in a round once). An investment whose round is not in
-- staging.bulk_funding_rounds is quarantined; a blank investor name is taken from the investors
-- file. `is_lead_investor` is true/false (v3: t/f).
WITH typed AS (
    SELECT
        r.*,
        clean_key(r.funding_round_uuid)                                  AS round_key,
        clean_key(r.investor_uuid)                                       AS investor_key,
        lower(trim(r.is_lead_investor))                                  AS lead_text,
        lower(trim(r.investor_type))                                     AS type_text
    FROM query_table($raw_table) AS r
), named AS (
    SELECT t.*,
           coalesce(nullif(trim(t.investor_name), ''), i.name)           AS name_or_listed,
           norm_name(coalesce(nullif(trim(t.investor_name), ''), i.name)) AS name_norm
    FROM typed AS t
    LEFT JOIN staging.bulk_investors AS i ON i.investor_key = t.investor_key
)
SELECT
    concat_ws('|', n.round_key, n.investor_key)                          AS _key,
    CASE
        WHEN n.round_key IS NULL
            THEN {'column': 'funding_round_uuid', 'value': n.funding_round_uuid, 'reason': 'missing key: funding_round_uuid is blank'}
        WHEN n.investor_key IS NULL
            THEN {'column': 'investor_uuid', 'value': n.investor_uuid, 'reason': 'missing key: investor_uuid is blank'}
        WHEN n.name_norm IS NULL
            THEN {'column': 'investor_name', 'value': n.investor_name, 'reason': 'missing key: investor_name is blank and investor_uuid is not in investors'}
        WHEN NOT EXISTS (SELECT 1 FROM staging.bulk_funding_rounds AS b WHERE b.round_key = n.round_key)
            THEN {'column': 'funding_round_uuid', 'value': n.funding_round_uuid, 'reason': 'orphan: funding round not in funding_rounds'}
    END AS _reject,
    list_filter([
        CASE WHEN n.lead_text <> '' AND n.lead_text NOT IN ('true', 'false', 't', 'f', '1', '0', 'yes', 'no') THEN {'column': 'is_lead_investor', 'value': n.is_lead_investor, 'issue': 'not true/false, set to NULL'} END,
        CASE WHEN n.type_text <> '' AND n.type_text NOT IN ('organization', 'person') THEN {'column': 'investor_type', 'value': n.investor_type, 'issue': 'not organization/person, set to NULL'} END
    ], lambda x: x IS NOT NULL) AS _issues,
    coalesce(clean_key(n.uuid), md5(concat_ws('|', n.round_key, n.investor_key))) AS investment_key,
    n.round_key,
    n.investor_key,
    trim(n.name_or_listed)                                               AS investor_name,
    n.name_norm                                                          AS investor_name_norm,
    CASE WHEN n.type_text IN ('organization', 'person') THEN n.type_text END AS investor_type,
    CASE WHEN n.lead_text IN ('true', 't', '1', 'yes') THEN true
         WHEN n.lead_text IN ('false', 'f', '0', 'no') THEN false END    AS is_lead,
    n._source_file,
    n._source_row
FROM named AS n
