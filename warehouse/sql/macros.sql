-- Scalar macros shared by every staging query. Pure functions of their arguments.

-- A date from text in one of the formats providers use; NULL when it cannot be parsed, never an
-- error. Years are four digits from 1000 (year 0000 is 1 BC, a date Python cannot hold). Accepted,
-- case-insensitive, surrounding whitespace ignored:
--   2015-01-05[ 10:00:00 | T10:00:00Z ...]   2015/01/05   20150105   2015-01   2015
--   05-01-2015, 5/1/2015, 05.01.2015: day first when `dayfirst`, month first otherwise, unless
--     only the other order gives a real date (13-05-2015 is 13 May whatever `dayfirst` says)
--   5 Jan 2015, 05 January 2015, Jan 5, 2015, January 5 2015 (English month names)
CREATE OR REPLACE MACRO parse_date_any(s, dayfirst) AS (
    CASE
        -- Longer than any accepted format once trimmed: NULL, and no regexp runs on huge strings.
        WHEN s IS NULL OR length(trim(s)) > 64 THEN NULL
        -- `t` is `s` with every run of whitespace (NBSP included) made one space, trimmed and
        -- lower-cased; binding it through a one-element list_transform computes it once.
        ELSE list_transform([lower(trim(regexp_replace(s, '[\s\pZ]+', ' ', 'g')))], lambda t:
            CASE
                -- ISO date, optionally followed by a time: the time is ignored.
                WHEN regexp_matches(t, '^[1-9]\d{3}-\d{1,2}-\d{1,2}([ t].*)?$') THEN
                    try_strptime(regexp_extract(t, '^[0-9]+-[0-9]+-[0-9]+'), '%Y-%m-%d')
                -- Year first with slashes: 2015/01/05.
                WHEN regexp_matches(t, '^[1-9]\d{3}/\d{1,2}/\d{1,2}$') THEN
                    try_strptime(t, '%Y/%m/%d')
                -- Compact: 20150105.
                WHEN regexp_matches(t, '^[1-9]\d{7}$') THEN
                    try_strptime(t, '%Y%m%d')
                -- Numeric day and month before the year, separated by - / or . in any mix:
                -- the order `dayfirst` names, else the other when only that one is a real date.
                WHEN regexp_matches(t, '^\d{1,2}[-/.]\d{1,2}[-/.][1-9]\d{3}$') THEN
                    try_strptime(regexp_replace(t, '[/.]', '-', 'g'), CASE WHEN dayfirst
                        THEN ['%d-%m-%Y', '%m-%d-%Y']
                        ELSE ['%m-%d-%Y', '%d-%m-%Y']
                    END)
                -- Day, month name, year: 5 Jan 2015, 05 January 2015.
                WHEN regexp_matches(t, '^\d{1,2} [a-z]+ [1-9]\d{3}$') THEN
                    try_strptime(t, ['%d %b %Y', '%d %B %Y'])
                -- Month name, day, year, optional comma: Jan 5, 2015, January 5 2015.
                WHEN regexp_matches(t, '^[a-z]+ \d{1,2},? [1-9]\d{3}$') THEN
                    try_strptime(replace(t, ',', ''), ['%b %d %Y', '%B %d %Y'])
                -- Year and month: the first of the month.
                WHEN regexp_matches(t, '^[1-9]\d{3}-\d{1,2}$') THEN
                    try_strptime(t, '%Y-%m')
                -- Year alone: the first of January.
                WHEN regexp_matches(t, '^[1-9]\d{3}$') THEN
                    try_strptime(t, '%Y')
                -- Anything else, blank included.
                ELSE NULL
            END::DATE)[1]
    END
);

-- A plausible historical date: parsed, not before 1900 and not after the load day.
CREATE OR REPLACE MACRO plausible_date(d, max_day) AS (
    CASE WHEN d >= DATE '1900-01-01' AND d <= max_day THEN d ELSE NULL END
);

-- An amount from text ("1,200,000", " 5e6 ", "$300", "1 200 000 €" with French narrow no-break
-- spaces); NULL when not numeric. Thousands separators, currency signs and any space are dropped.
CREATE OR REPLACE MACRO parse_amount(s) AS (
    CASE
        WHEN s IS NULL OR trim(s) = '' THEN NULL
        ELSE try_cast(regexp_replace(s, '[,$€£_\s\pZ]', '', 'g') AS DOUBLE)
    END
);

-- Amounts kept when finite, non-negative and below a sane bound (1e12 USD).
CREATE OR REPLACE MACRO plausible_amount(x) AS (
    CASE WHEN x >= 0 AND x < 1e12 AND NOT isnan(x) THEN x ELSE NULL END
);

-- Join key for a provider key: trimmed, lower-cased, NULL when blank.
CREATE OR REPLACE MACRO clean_key(s) AS (nullif(lower(trim(s)), ''));

-- Name normalised for matching: accents, case, punctuation and trailing legal suffixes removed
-- ("Mistral AI SAS" -> "mistral ai"); a name that is only a suffix word keeps it (" Co." -> "co").
-- The result is words of [a-z0-9] joined by single spaces; idempotent.
CREATE OR REPLACE MACRO norm_name(s) AS (
    nullif(regexp_replace(
        trim(regexp_replace(
            replace(lower(strip_accents(coalesce(s, ''))), '&', ' and '),
            '[^a-z0-9]+', ' ', 'g')),
        '( (inc|incorporated|ltd|limited|llc|llp|plc|corp|corporation|co|company|gmbh|ag|sa|sas|sarl|bv|nv|oy|ab|spa|srl|pte|pty|fz|fze|fzco|fzllc))+$',
        ''), '')
);

-- An investor's id: a hash of its normalised name (edges name investors, no provider key does).
CREATE OR REPLACE MACRO investor_id(name_norm) AS ('I' || substr(md5(name_norm), 1, 16));

-- Host of a URL: surrounding whitespace, scheme (or a bare "//"), any "www." prefixes, port,
-- path, query and fragment removed. The host ends at the first character that cannot be in one
-- (whitespace included, so a newline in a path cannot leak through). Idempotent.
CREATE OR REPLACE MACRO norm_domain(s) AS (
    nullif(regexp_replace(
        regexp_extract(
            regexp_replace(
                lower(regexp_replace(coalesce(s, ''), '^[\s\pZ]+|[\s\pZ]+$', '', 'g')),
                '^([a-z][a-z0-9+.-]*:)?//', ''),
            '^[^/?#:\s\pZ]*'),
        '^(www[0-9]*\.)+', ''), '')
);

-- Stage text of a mapped export as matched against `mapped_stages:` in config/stages.yaml:
-- accents, case and punctuation removed, words joined by single spaces (Python:
-- transforms.reference.norm_stage_text). NULL when nothing is left.
CREATE OR REPLACE MACRO norm_stage(s) AS (
    nullif(trim(regexp_replace(lower(strip_accents(coalesce(s, ''))), '[^a-z0-9]+', ' ', 'g')), '')
);

-- An amount as providers' spreadsheets write it, with its own scale when it has one:
-- {'value': number, 'scale': 1e3 | 1e6 | 1e9 | NULL, 'sign': '€' | '$' | '£' | NULL}; NULL for
-- blank text, and `value` NULL when the text is not such an amount. Accepted: "12.5", "1,200" / "1,200,000.5" (commas group
-- thousands), "12,5" (a decimal comma: one or two digits after it, no dot), "1 200" (spaces
-- dropped), a leading or trailing currency sign (€ $ £), a scale suffix k / m / mn / mm / b / bn
-- (any case, e.g. "€3.4M", "$20m", "1.2bn"). Anything else (text, several numbers,
-- "1.200.000,50") is NULL.
CREATE OR REPLACE MACRO parse_scaled_amount(s) AS (
    CASE WHEN s IS NULL OR trim(s) = '' THEN NULL
         WHEN length(trim(s)) > 64 THEN {'value': NULL::DOUBLE, 'scale': NULL::DOUBLE, 'sign': NULL::VARCHAR} ELSE
    list_transform(
        [regexp_extract(lower(regexp_replace(s, '[\s\pZ]+', '', 'g')),
                        '^([€$£]?)([0-9][0-9.,]*)(k|m|mn|mm|b|bn)?([€$£]?)$', ['pre', 'num', 'suffix', 'post'])],
        lambda p: CASE WHEN p.num = '' OR (p.pre <> '' AND p.post <> '') THEN {'value': NULL::DOUBLE, 'scale': NULL::DOUBLE, 'sign': NULL::VARCHAR}
                       ELSE {'value': CASE
                                 WHEN regexp_matches(p.num, '^[0-9]+(\.[0-9]+)?$') THEN try_cast(p.num AS DOUBLE)
                                 WHEN regexp_matches(p.num, '^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$') THEN try_cast(replace(p.num, ',', '') AS DOUBLE)
                                 WHEN regexp_matches(p.num, '^[0-9]+,[0-9]{1,2}$') THEN try_cast(replace(p.num, ',', '.') AS DOUBLE)
                             END,
                             'scale': CASE p.suffix WHEN 'k' THEN 1e3 WHEN 'm' THEN 1e6 WHEN 'mn' THEN 1e6
                                                    WHEN 'mm' THEN 1e6 WHEN 'b' THEN 1e9 WHEN 'bn' THEN 1e9 END,
                             'sign': nullif(p.pre || p.post, '')} END
    )[1] END
);

-- The currency a sign stands for (€, $, £; the text of an amount or a currency cell), else NULL.
CREATE OR REPLACE MACRO currency_of_sign(s) AS (
    CASE trim(s) WHEN '€' THEN 'EUR' WHEN '$' THEN 'USD' WHEN '£' THEN 'GBP' END
);

-- A date of a mapped export: any `parse_date_any` format (`dayfirst`, a constant: 05/03/2021 is
-- the 5th of March, else May 3rd; the file's order is decided by `mapped_day_first`; cells of an Excel
-- workbook arrive as ISO dates), else a month and year ("03/2021", "Mar 2021", "March 2021": the
-- first of the month).
CREATE OR REPLACE MACRO parse_date_mapped(s, dayfirst) AS (
    coalesce(parse_date_any(s, dayfirst),
             CASE WHEN length(trim(s)) <= 20
                  THEN try_strptime(lower(trim(regexp_replace(s, '[\s\pZ]+', ' ', 'g'))), ['%m/%Y', '%m-%Y', '%b %Y', '%B %Y'])::DATE END)
);

-- Whether a date written nn/nn/yyyy (or with - or .) reads day first: true when its first number
-- cannot be a month (13-31), false when its second cannot (13-31), NULL when both can. A file's
-- order is the one its dates prove (`bool_or` over its rows), day first when none does: the
-- European order of the providers a France-UAE desk reads.
CREATE OR REPLACE MACRO mapped_day_first(s) AS (
    CASE WHEN regexp_matches(trim(coalesce(s, '')), '^(1[3-9]|2[0-9]|3[01])[/.-][0-9]{1,2}[/.-][0-9]{2,4}$') THEN true
         WHEN regexp_matches(trim(coalesce(s, '')), '^[0-9]{1,2}[/.-](1[3-9]|2[0-9]|3[01])[/.-][0-9]{2,4}$') THEN false
    END
);

-- A list of names written in one cell ("Partech, Eurazeo; Daphni | BPI"): split on , ; | and
-- line breaks, trimmed, blanks and bare legal suffixes ("Sequoia Capital, Inc.") dropped,
-- distinct (in no particular order).
CREATE OR REPLACE MACRO split_names(s) AS (
    list_distinct(list_filter(
        list_transform(regexp_split_to_array(coalesce(s, ''), '[,;|\n\r]+'), lambda x: trim(x)),
        lambda x: x <> '' AND NOT regexp_matches(lower(x), '^(inc|incorporated|ltd|limited|llc|llp|plc|corp|co|gmbh|ag|sa|sas|sarl|bv|nv|spa|srl)\.?$')))
);
