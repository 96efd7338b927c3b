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


@pytest.mark.parametrize(
    ("text", "value", "scale", "sign"),
    [
        ("12.5", 12.5, None, None),
        ("1,200", 1200.0, None, None),  # commas group thousands
        ("1,200,000.5", 1200000.5, None, None),
        ("12,5", 12.5, None, None),  # a decimal comma
        ("1 200 000", 1200000.0, None, None),
        ("€3.4M", 3.4, 1e6, "€"),
        ("$20m", 20.0, 1e6, "$"),
        ("3.4 M €", 3.4, 1e6, "€"),
        ("500k", 500.0, 1e3, None),
        ("1.2bn", 1.2, 1e9, None),
        ("1.200.000,50", None, None, None),  # ambiguous: not read
        ("1,2345", None, None, None),
        ("lots", None, None, None),
        ("€3€", None, None, None),
    ],
)
def test_parse_scaled_amount(con, text, value, scale, sign):
    parsed = one(con, "SELECT parse_scaled_amount(?)", text)
    assert parsed == {"value": value, "scale": scale, "sign": sign}


def test_parse_scaled_amount_of_blank_is_null(con):
    assert one(con, "SELECT parse_scaled_amount(?)", " ") is None
    assert one(con, "SELECT parse_scaled_amount(NULL)") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-03-05", date(2021, 3, 5)),
        ("03/2021", date(2021, 3, 1)),
        ("Mar 2021", date(2021, 3, 1)),
        ("March 2021", date(2021, 3, 1)),
        ("13/2021", None),
        ("soon", None),
    ],
)
def test_parse_date_mapped(con, text, expected):
    for dayfirst in (True, False):
        assert one(con, "SELECT parse_date_mapped(?, ?)", text, dayfirst) == expected


def test_a_mapped_date_reads_in_its_file_s_order(con):
    assert one(con, "SELECT parse_date_mapped(?, true)", "05/03/2021") == date(2021, 3, 5)
    assert one(con, "SELECT parse_date_mapped(?, false)", "05/03/2021") == date(2021, 5, 3)
    assert one(con, "SELECT parse_date_mapped(?, false)", "11/29/2024") == date(2024, 11, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("17/04/2025", True), ("04/17/2025", False), ("05.03.2021", None), ("2021-03-05", None)],
)
def test_a_date_proves_its_order_or_not(con, text, expected):
    assert one(con, "SELECT mapped_day_first(?)", text) is expected


def test_split_names_drops_blanks_and_bare_legal_suffixes(con):
    names = one(con, "SELECT split_names(?)", "Partech, Eurazeo; Daphni | BPI\nSequoia, Inc., ;")
    assert sorted(names) == ["BPI", "Daphni", "Eurazeo", "Partech", "Sequoia"]
    assert one(con, "SELECT split_names(NULL)") == []


@pytest.mark.parametrize("text", ["Series A1", "SERIES-B", "Debt - General", "Séed  Round", "IPO"])
def test_norm_stage_matches_the_python_normalisation(con, text):
    from transforms.reference import norm_stage_text

    assert one(con, "SELECT norm_stage(?)", text) == norm_stage_text(text)


@pytest.mark.parametrize(
    ("text", "expected"), [(" € ", "EUR"), ("$", "USD"), ("£", "GBP"), ("EUR", None), (None, None)]
)
def test_currency_of_sign(con, text, expected):
    assert one(con, "SELECT currency_of_sign(?)", text) == expected
