"""The shared SQL macros: dates, amounts, keys, names, domains."""

from datetime import date

import pytest


def one(con, sql: str, *params):
    return con.sql(sql, params=list(params)).fetchall()[0][0]


@pytest.mark.parametrize(
    ("text", "dayfirst", "expected"),
    [
        ("2015-01-05", False, date(2015, 1, 5)),
        ("05-01-2015", True, date(2015, 1, 5)),
        ("05-01-2015", False, date(2015, 5, 1)),
        ("05/01/2015", True, date(2015, 1, 5)),
        ("2015/01/05", False, date(2015, 1, 5)),
        ("2015-01", False, date(2015, 1, 1)),
        ("2015", False, date(2015, 1, 1)),
        ("2015-01-05 10:00:00", False, date(2015, 1, 5)),
        (" 2015-01-05 ", False, date(2015, 1, 5)),
        ("2015-13-45", False, None),
        ("31-02-2015", True, None),
        ("not a date", False, None),
        ("", False, None),
        (None, False, None),
        # ISO with a time of any shape; unpadded; 'T' separator
        ("2015-1-5 9:30", False, date(2015, 1, 5)),
        ("2015-01-05T10:00:00Z", True, date(2015, 1, 5)),
        ("2015-01-0512", False, None),
        # month names, English, any case
        ("5 Jan 2015", False, date(2015, 1, 5)),
        ("05 January 2015", True, date(2015, 1, 5)),
        ("Jan 5, 2015", True, date(2015, 1, 5)),
        ("January 5 2015", False, date(2015, 1, 5)),
        ("  SEPTEMBER  30,  2015 ", False, date(2015, 9, 30)),
        ("may 1 2015", False, date(2015, 5, 1)),
        ("5 Janvier 2015", False, None),
        ("Jan 32, 2015", False, None),
        ("Jan 5 15", False, None),
        # compact YYYYMMDD
        ("20150105", False, date(2015, 1, 5)),
        ("20151305", False, None),
        ("2015010", False, None),
        # the other day/month order when only that one is a real date
        ("13-05-2015", False, date(2015, 5, 13)),
        ("05/13/2015", True, date(2015, 5, 13)),
        ("5.1.2015", True, date(2015, 1, 5)),
        ("13-13-2015", False, None),
        # never an error, and never a year Python cannot hold (0000 is 1 BC)
        ("0000", False, None),
        ("0000-01-05", False, None),
        ("00000105", False, None),
        ("'); drop table x; --", False, None),
        ("２０１５-０１-０５", False, None),
        pytest.param(" 2015-01-05" + " " * 100, False, date(2015, 1, 5), id="padded"),
        pytest.param("2015-01-05" + "0" * 100, False, None, id="long"),
        pytest.param("2015-01-05 " + "x" * 10**6, False, None, id="megabyte"),
        ("\u00a02015-01-05\t", False, date(2015, 1, 5)),
    ],
)
def test_parse_date_any(con, text, dayfirst, expected):
    assert one(con, "SELECT parse_date_any(?, ?)", text, dayfirst) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1015-01-30", None),
        ("2914-01-01", None),
        ("1899-12-31", None),
        ("1900-01-01", date(1900, 1, 1)),
        ("2020-06-01", date(2020, 6, 1)),
        ("2031-01-01", None),
    ],
)
def test_plausible_date_drops_typos_and_future(con, text, expected):
    assert (
        one(con, "SELECT plausible_date(parse_date_any(?, false), DATE '2030-12-31')", text)
        == expected
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1200000", 1.2e6),
        ("1,200,000", 1.2e6),
        (" $300 ", 300.0),
        ("5e6", 5e6),
        ("12.5", 12.5),
        ("1\u202f200\u202f000 €", 1.2e6),
        ("1\u00a0200", 1200.0),
        ("", None),
        ("abc", None),
        ("1e15", None),
        ("-5", None),
        ("NaN", None),
    ],
)
def test_amounts(con, text, expected):
    assert one(con, "SELECT plausible_amount(parse_amount(?))", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mistral AI SAS", "mistral ai"),
        ("Mistral AI", "mistral ai"),
        ("  MISTRAL-AI, Inc. ", "mistral ai"),
        ("Société Générale", "societe generale"),
        ("AT&T", "at and t"),
        ("G42 FZ-LLC", "g42"),
        (" Co.", "co"),
        ('"Company" Inc', "company"),
        ("Inc", "inc"),
        ("Foo\tLtd\n", "foo"),
        ("'); drop table x; --", "drop table x"),
        ("", None),
        (None, None),
    ],
)
def test_norm_name(con, text, expected):
    assert one(con, "SELECT norm_name(?)", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://www.mistral.ai", "mistral.ai"),
        ("HTTPS://Mistral.AI/en/?x=1", "mistral.ai"),
        ("mistral.ai:443/path", "mistral.ai"),
        ("www2.example.com#frag", "example.com"),
        ("//example.com/x", "example.com"),
        ("\thttps://www.www.example.com\n", "example.com"),
        ("example.com/a\nb", "example.com"),
        ("http:// example.com", None),
        ("", None),
    ],
)
def test_norm_domain(con, text, expected):
    assert one(con, "SELECT norm_domain(?)", text) == expected


def test_clean_key_lowercases_scrambled_permalinks(con):
    assert one(con, "SELECT clean_key(?)", " /ORGANIZATION/-QOUNTER ") == "/organization/-qounter"
    assert one(con, "SELECT clean_key(?)", "   ") is None
