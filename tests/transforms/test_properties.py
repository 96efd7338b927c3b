"""Property-based tests (Hypothesis) for the parsers and normalisers.

Two kinds of property: the functions are total (any text in, the right type out, never an error),
and they round-trip what they claim to accept. The SQL macros run on one module-scoped DuckDB
connection; input always travels as a query parameter, never inside the SQL text.
"""

import re
import unicodedata
from datetime import date

import pycountry
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from transforms.countries import is_valid_iso3, to_iso3

PROPERTY = settings(max_examples=200, deadline=None)


def row(con, exprs: str, *params) -> tuple:
    """The row of `SELECT <exprs>`; `exprs` is a constant of this file, the input goes in `params`.

    Several expressions share one query: each query costs about a millisecond, mostly binding.
    """
    return con.sql(f"SELECT {exprs}", params=list(params)).fetchall()[0]


def sql1(con, expr: str, *params):
    """The value of `SELECT <expr>`."""
    return row(con, expr, *params)[0]


# ---------------------------------------------------------------------------------------------
# Arbitrary text: every code point but lone surrogates (DuckDB strings are UTF-8), plus hostile
# values, very long values and near misses of the accepted formats, so every branch gets hit.

NASTY = [
    "'); drop table x; --",
    '"; select 1; --',
    "\x00",
    "\t\n\r\x0b\x0c",
    "\u00a0\u202f\u2007",
    "\u200b\ufeff",
    "\U0001f600\U0001f1eb\U0001f1f7",
    "e\u0301\u0301\u0301",
    "\u0130\u0131\u1e9e\ufb03",
    "١٢٣٤-٠١-٠٥",
    "２０１５－０１－０５",
    "0000",
    "0000-00-00",
    "00000000",
    "99999999",
    "1e400",
    "-inf",
    "NaN",
    "$",
    "(" * 50 + ")" * 50,
]

any_text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"])),
    st.sampled_from(NASTY),
    st.builds(
        lambda s, n: s * n,
        st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=8),
        st.integers(1, 5_000),
    ),
    st.from_regex(
        r"[ \t]?[0-9]{0,9}[-/. ,]{0,2}([0-9]{1,4}|[A-Za-z]{1,9})[-/. ,]{0,2}[0-9]{0,9}[ T:0-9]{0,9}",
        fullmatch=True,
    ),
    st.from_regex(r"[$€£ ]?[-+]?[0-9,._ ]{0,20}([eE][-+]?[0-9]{1,4})?[ ]?", fullmatch=True),
)


@PROPERTY
@given(text=any_text, dayfirst=st.booleans())
@example(text="0000", dayfirst=False)
@example(text="0000-01-05", dayfirst=False)
@example(text="01/02/0000", dayfirst=True)
def test_parse_date_any_is_total(con, text, dayfirst):
    parsed, kept = row(
        con,
        "parse_date_any(?, ?), plausible_date(parse_date_any(?, ?), DATE '2030-12-31')",
        *[text, dayfirst] * 2,
    )
    assert parsed is None or type(parsed) is date
    assert kept is None or date(1900, 1, 1) <= kept <= date(2030, 12, 31)


@PROPERTY
@given(text=any_text)
def test_amounts_are_total(con, text):
    parsed, kept = row(con, "parse_amount(?), plausible_amount(parse_amount(?))", text, text)
    assert parsed is None or type(parsed) is float
    assert kept is None or (type(kept) is float and 0 <= kept < 1e12)


@PROPERTY
@given(text=any_text)
def test_keys_names_and_domains_are_total(con, text):
    key, name, domain = row(con, "clean_key(?), norm_name(?), norm_domain(?)", *[text] * 3)
    assert key is None or (type(key) is str and key)
    assert name is None or re.fullmatch(r"[a-z0-9]+( [a-z0-9]+)*", name)
    assert domain is None or (type(domain) is str and domain)


@PROPERTY
@given(text=any_text)
def test_to_iso3_is_total(text):
    code = to_iso3(text)
    assert code is None or is_valid_iso3(code)


def test_to_iso3_survives_deeply_nested_parentheses():
    assert to_iso3("x" + "(" * 3000 + ")" * 3000) is None


# ---------------------------------------------------------------------------------------------
# Dates: a date written in each supported format parses back to itself.

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]

# Four-digit years; 0000 (1 BC) is not a date Python can hold.
dates = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


def _recase(text: str, how: str) -> str:
    return {"lower": text.lower(), "upper": text.upper(), "title": text.title()}.get(how, text)


# Formats that read the same whatever `dayfirst` says.
UNAMBIGUOUS = {
    "iso": lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}",
    "iso unpadded": lambda d: f"{d.year:04d}-{d.month}-{d.day}",
    "iso with time": lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d} 10:30:00",
    "iso T time zone": lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}T23:59:59.123+04:00",
    "year slash": lambda d: f"{d.year:04d}/{d.month:02d}/{d.day:02d}",
    "compact": lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}",
    "5 Jan 2015": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "05 January 2015": lambda d: f"{d.day:02d} {MONTH_NAMES[d.month - 1]} {d.year}",
    "Jan 5, 2015": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "January 5 2015": lambda d: f"{MONTH_NAMES[d.month - 1]} {d.day} {d.year}",
    "January 05, 2015": lambda d: f"{MONTH_NAMES[d.month - 1]} {d.day:02d}, {d.year}",
}


@PROPERTY
@given(
    d=dates,
    fmt=st.sampled_from(sorted(UNAMBIGUOUS)),
    case=st.sampled_from(["lower", "upper", "title"]),
    pad=st.sampled_from(["", " ", "  ", "\t"]),
    dayfirst=st.booleans(),
)
def test_unambiguous_formats_round_trip(con, d, fmt, case, pad, dayfirst):
    text = pad + _recase(UNAMBIGUOUS[fmt](d), case) + pad
    assert sql1(con, "parse_date_any(?, ?)", text, dayfirst) == d


@PROPERTY
@given(
    d=dates,
    sep=st.sampled_from("-/."),
    zero_pad=st.booleans(),
    dayfirst=st.booleans(),
)
@example(d=date(2015, 5, 13), sep="-", zero_pad=True, dayfirst=True)
@example(d=date(2015, 2, 28), sep="/", zero_pad=False, dayfirst=False)
def test_numeric_day_month_year_round_trips(con, d, sep, zero_pad, dayfirst):
    day, month = (f"{d.day:02d}", f"{d.month:02d}") if zero_pad else (str(d.day), str(d.month))
    text = sep.join([day, month, str(d.year)] if dayfirst else [month, day, str(d.year)])
    announced, swapped = row(
        con, "parse_date_any(?, ?), parse_date_any(?, ?)", text, dayfirst, text, not dayfirst
    )
    # Written in the order `dayfirst` announces: always read back.
    assert announced == d
    # Read with the other order: the same date when only one order is possible (or both agree),
    # else the announced (wrong) order wins.
    if d.day > 12 or d.day == d.month:
        assert swapped == d
    else:
        assert swapped == date(d.year, d.day, d.month)


@PROPERTY
@given(d=dates, dayfirst=st.booleans())
def test_partial_dates_read_as_first_day(con, d, dayfirst):
    month, year = row(
        con,
        "parse_date_any(?, ?), parse_date_any(?, ?)",
        *[f"{d.year}-{d.month:02d}", dayfirst, str(d.year), dayfirst],
    )
    assert month == d.replace(day=1)
    assert year == date(d.year, 1, 1)


@PROPERTY
@given(
    y=st.integers(1000, 9999),
    m=st.integers(0, 99),
    dd=st.integers(0, 99),
    dayfirst=st.booleans(),
)
def test_impossible_dates_are_null(con, y, m, dd, dayfirst):
    try:
        real = date(y, m, dd)
    except ValueError:
        real = None
    assert row(
        con,
        "parse_date_any(?, ?), parse_date_any(?, ?)",
        *[f"{y}-{m:02d}-{dd:02d}", dayfirst, f"{y}{m:02d}{dd:02d}", dayfirst],
    ) == (real, real)


# ---------------------------------------------------------------------------------------------
# Amounts: numbers written plain, with thousands separators, with "$", in scientific notation.

THOUSANDS = [",", " ", "_", "\u00a0", "\u202f"]  # the last two: French "1 200 000 €"


@PROPERTY
@given(
    x=st.floats(min_value=0, max_value=1e12, exclude_max=True),
    style=st.sampled_from(["plain", "thousands", "dollar", "euro", "scientific"]),
    sep=st.sampled_from(THOUSANDS),
    pad=st.sampled_from(["", " "]),
)
@example(x=1_200_000.0, style="thousands", sep="\u202f", pad="")
@example(x=999_999_999_999.999, style="plain", sep=",", pad="")
def test_amounts_round_trip(con, x, style, sep, pad):
    plain = f"{x:.2f}"
    text = {
        "plain": plain,
        "thousands": f"{x:,.2f}".replace(",", sep),
        "dollar": f"${x:,.2f}",
        "euro": f"{x:,.2f}".replace(",", sep) + " €",
        "scientific": f"{x:.6e}",
    }[style]
    expected = float(f"{x:.6e}") if style == "scientific" else float(plain)
    got = sql1(con, "plausible_amount(parse_amount(?))", pad + text + pad)
    assert got == (expected if expected < 1e12 else None)


@PROPERTY
@given(n=st.integers(0, 10**12 - 1), sep=st.sampled_from(THOUSANDS))
def test_whole_amounts_round_trip(con, n, sep):
    assert sql1(con, "plausible_amount(parse_amount(?))", f"{n:,}".replace(",", sep)) == n


# ---------------------------------------------------------------------------------------------
# Names: idempotent, and blind to case, accents and punctuation.

ACCENTED = {
    "a": "àáâäãå",
    "c": "ç",
    "e": "èéêë",
    "i": "ìíîï",
    "n": "ñ",
    "o": "òóôöõ",
    "u": "ùúûü",
    "y": "ýÿ",
}
words = st.lists(st.from_regex(r"[a-z][a-z0-9]{0,9}", fullmatch=True), min_size=1, max_size=4)
joiners = st.sampled_from([" ", "  ", "-", " - ", ".", ". ", ", ", "_", "/", "\t", "·", "\u00a0"])


@st.composite
def name_variants(draw):
    """A plain name (words joined by spaces) and the same name dressed up."""
    ws = draw(words)
    dressed = []
    for word in ws:
        chars = []
        for ch in word:
            if ch in ACCENTED and draw(st.booleans()):
                ch = draw(st.sampled_from(ACCENTED[ch]))
            chars.append(ch.upper() if draw(st.booleans()) else ch)
        dressed.append("".join(chars))
    text = dressed[0]
    for word in dressed[1:]:
        text += draw(joiners) + word
    text = (
        draw(st.sampled_from(["", " ", "'", '"']))
        + text
        + draw(st.sampled_from(["", ".", ",", " ", "!"]))
    )
    form = draw(st.sampled_from(["NFC", "NFD"]))
    return " ".join(ws), unicodedata.normalize(form, text)


@PROPERTY
@given(text=st.one_of(any_text, name_variants().map(lambda p: p[1])))
@example(text="foo inc ltd")
@example(text="a, co. inc.")
def test_norm_name_is_idempotent(con, text):
    once, twice = row(con, "norm_name(?), norm_name(norm_name(?))", text, text)
    assert twice == once


@PROPERTY
@given(pair=name_variants())
@example(pair=("societe generale", "Socie\u0301te\u0301 Ge\u0301ne\u0301rale"))
@example(pair=("mistral ai", "MISTRAL-AI, Inc."))
@example(pair=("co", " co"))
def test_norm_name_ignores_case_accents_and_punctuation(con, pair):
    plain, dressed = pair
    normalised_dressed, normalised_plain = row(con, "norm_name(?), norm_name(?)", dressed, plain)
    assert normalised_dressed == normalised_plain


# ---------------------------------------------------------------------------------------------
# Domains: idempotent, and the host comes back out of any URL around it.

labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
hosts = st.builds(
    lambda first, rest, tld: ".".join([first, *rest, tld]),
    labels.filter(lambda label: not re.fullmatch(r"www[0-9]*", label)),
    st.lists(labels, max_size=2),
    st.from_regex(r"[a-z]{2,6}", fullmatch=True),
)


@PROPERTY
@given(
    text=st.one_of(
        any_text,
        hosts.map(lambda h: "www.www." + h),
        st.builds(lambda h, sep, tail: h + sep + tail, hosts, st.sampled_from("/?#: "), any_text),
    )
)
@example(text="www.www.example.com")
@example(text="/\n0")
@example(text="example.com/a\nb")
@example(text="http:// www.example.com")
@example(text="www. example.com")
def test_norm_domain_is_idempotent(con, text):
    once, twice = row(con, "norm_domain(?), norm_domain(norm_domain(?))", text, text)
    assert twice == once


@PROPERTY
@given(host=hosts)
def test_norm_domain_extracts_the_host(con, host):
    assert sql1(con, "norm_domain(?)", "https://www." + host + "/path?q=1") == host


@PROPERTY
@given(
    host=hosts,
    scheme=st.sampled_from(["", "http://", "https://", "HTTPS://", "ftp://", "//"]),
    www=st.sampled_from(["", "www.", "WWW.", "www2."]),
    port=st.sampled_from(["", ":443", ":8080"]),
    tail=st.sampled_from(["", "/", "/en/about", "?x=1", "#top", "/a?b=c#d"]),
    pad=st.sampled_from(["", " ", "\t", " \n"]),
    upper=st.booleans(),
)
@example(host="example.com", scheme="//", www="", port="", tail="", pad="", upper=False)
def test_norm_domain_extracts_the_host_from_any_url(con, host, scheme, www, port, tail, pad, upper):
    url = scheme + www + (host.upper() if upper else host) + port + tail
    assert sql1(con, "norm_domain(?)", pad + url + pad) == host


# ---------------------------------------------------------------------------------------------
# Countries: every code and name pycountry knows maps to its alpha-3.

COUNTRY_FIELDS = ("alpha_2", "alpha_3", "name", "official_name", "common_name")


@pytest.mark.parametrize("country", list(pycountry.countries), ids=lambda c: c.alpha_3)
def test_to_iso3_knows_every_country(country):
    for field in COUNTRY_FIELDS:
        value = getattr(country, field, None)
        if value:
            assert to_iso3(value) == country.alpha_3, (field, value)


@PROPERTY
@given(
    country=st.sampled_from(list(pycountry.countries)),
    field=st.sampled_from(COUNTRY_FIELDS),
    case=st.sampled_from(["lower", "upper", "title", "as is"]),
    pad=st.sampled_from(["", " ", "  ", "\t"]),
)
def test_to_iso3_ignores_case_and_spacing(country, field, case, pad):
    value = getattr(country, field, None) or country.name
    text = pad + _recase(value, case).replace(" ", pad or " ") + pad
    assert to_iso3(text) == country.alpha_3


@PROPERTY
@given(
    text=st.one_of(
        any_text,
        st.sampled_from([c.name for c in pycountry.countries]),
        st.lists(
            st.sampled_from(["Multinational", "France", "FR", "ARE", "Atlantis", "UK", "ROM"]),
            max_size=3,
        ).map(",".join),
    )
)
def test_to_iso3_is_idempotent(text):
    code = to_iso3(text)
    if code is not None:
        assert to_iso3(code) == code
