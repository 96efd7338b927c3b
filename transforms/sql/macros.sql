-- Scalar macros shared by every staging query. Pure functions of their arguments.

-- A date from text in one of the formats providers use; NULL when it cannot be parsed.
CREATE OR REPLACE MACRO parse_date_any(s, dayfirst) AS (
    CASE
        WHEN s IS NULL OR trim(s) = '' THEN NULL
        WHEN regexp_matches(trim(s), '^\d{4}-\d{1,2}-\d{1,2}') THEN
            try_strptime(left(trim(s), 10), '%Y-%m-%d')::DATE
        WHEN regexp_matches(trim(s), '^\d{4}/\d{1,2}/\d{1,2}$') THEN
            try_strptime(trim(s), '%Y/%m/%d')::DATE
        WHEN regexp_matches(trim(s), '^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}$') THEN
            CASE WHEN dayfirst
                THEN try_strptime(regexp_replace(trim(s), '[/.]', '-', 'g'), '%d-%m-%Y')::DATE
                ELSE try_strptime(regexp_replace(trim(s), '[/.]', '-', 'g'), '%m-%d-%Y')::DATE
            END
        WHEN regexp_matches(trim(s), '^\d{4}-\d{1,2}$') THEN
            try_strptime(trim(s) || '-01', '%Y-%m-%d')::DATE
        WHEN regexp_matches(trim(s), '^\d{4}$') THEN
            try_strptime(trim(s) || '-01-01', '%Y-%m-%d')::DATE
        ELSE NULL
    END
);

-- A plausible historical date: parsed, not before 1900 and not after the load day.
CREATE OR REPLACE MACRO plausible_date(d, max_day) AS (
    CASE WHEN d >= DATE '1900-01-01' AND d <= max_day THEN d ELSE NULL END
);

-- A non-negative amount from text ("1,200,000", " 5e6 ", "$300"); NULL when not numeric.
CREATE OR REPLACE MACRO parse_amount(s) AS (
    CASE
        WHEN s IS NULL OR trim(s) = '' THEN NULL
        ELSE try_cast(regexp_replace(trim(s), '[,$€£\s_]', '', 'g') AS DOUBLE)
    END
);

-- Amounts kept when finite, non-negative and below a sane bound (1e12 USD).
CREATE OR REPLACE MACRO plausible_amount(x) AS (
    CASE WHEN x >= 0 AND x < 1e12 AND NOT isnan(x) THEN x ELSE NULL END
);

-- Join key for a provider key: trimmed, lower-cased, NULL when blank.
CREATE OR REPLACE MACRO clean_key(s) AS (nullif(lower(trim(s)), ''));

-- Name normalised for matching: accents, case, punctuation and legal suffixes removed.
CREATE OR REPLACE MACRO norm_name(s) AS (
    nullif(trim(regexp_replace(
        regexp_replace(
            regexp_replace(
                replace(lower(strip_accents(coalesce(s, ''))), '&', ' and '),
                '[^a-z0-9]+', ' ', 'g'),
            '( (inc|incorporated|ltd|limited|llc|llp|plc|corp|corporation|co|company|gmbh|ag|sa|sas|sarl|bv|nv|oy|ab|spa|srl|pte|pty|fz|fze|fzco|fzllc))+ *$',
            '', 'g'),
        '\s+', ' ', 'g')), '')
);

-- Registrable host of a URL: scheme, "www.", port, path and query removed.
CREATE OR REPLACE MACRO norm_domain(s) AS (
    nullif(regexp_replace(
        regexp_replace(
            regexp_replace(lower(trim(coalesce(s, ''))), '^[a-z][a-z0-9+.-]*://', ''),
            '[/?#:].*$', ''),
        '^www[0-9]*\.', ''), '')
);
