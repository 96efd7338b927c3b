"""The shortlist CSVs (UTF-8 with BOM, rounded) and the companies' links, city and founding year."""

import csv
import re
from datetime import date

import duckdb
import polars as pl

from assets.publish.assets import export_shortlists
from assets.shortlist.assets import with_company_links
from reports.frames import round_floats, safe_url

BOM = b"\xef\xbb\xbf"
DECIMALS = re.compile(r"^-?\d+\.(\d+)$")


def test_shortlist_csv_has_a_bom_and_rounded_numbers(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.weekly_shortlist AS SELECT * FROM (VALUES "
        "(DATE '2026-11-02', 'france', 1, 1, 'C1', 'Société − Été', 0.9299999999999999::DOUBLE, "
        " 12345678.901::DOUBLE, ['Bpifrance', 'Elaia'], []::VARCHAR[], 'https://example.fr', 2019), "
        "(DATE '2026-11-02', 'uae', 1, 2, 'C2', 'G42', 0.1::DOUBLE + 0.2::DOUBLE, NULL, [], ['MGX'], NULL, NULL)"
        ") AS t(week_start, lane, lane_rank, rank, company_id, name, total_score, "
        "total_raised_usd, fra_investors, are_investors, link, founded_year)"
    )
    (path,) = export_shortlists(con, tmp_path)
    raw = path.read_bytes()
    assert raw.startswith(BOM)
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0]["name"] == "Société − Été" and rows[0]["total_score"] == "0.93"
    assert rows[1]["total_score"] == "0.3"  # 0.30000000000000004 before
    assert rows[0]["fra_investors"] == "Bpifrance; Elaia"
    assert rows[0]["link"] == "https://example.fr" and rows[0]["founded_year"] == "2019"
    for row in rows:
        for value in row.values():
            match = DECIMALS.match(value)
            assert match is None or len(match.group(1)) <= 3, value


def test_round_floats_keeps_three_decimals_and_amounts_whole():
    frame = pl.DataFrame({"p": [0.123456], "raised_usd": [1234.56], "n": [3]})
    assert round_floats(frame).row(0) == (0.123, 1235.0, 3)


def test_safe_url_keeps_web_addresses_only():
    assert safe_url("https://mistral.ai/") == "https://mistral.ai/"
    assert safe_url(" http://example.com ") == "http://example.com"
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "mistral.ai", "", None, "http://a b"):
        assert safe_url(bad) is None, bad


def test_company_links_homepage_else_crunchbase_profile_and_facts_as_of():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core")
    con.execute(
        "CREATE TABLE core.companies AS SELECT * FROM (VALUES "
        "('C1', 'https://mistral.ai', 'Paris', DATE '2023-04-28'), "
        "('C2', 'www.dataiku.com', 'Paris', DATE '2013-02-26'), "
        "('C3', 'javascript:alert(1)', NULL, DATE '2030-01-01'), "
        "('C4', NULL, 'Dubai', NULL), "
        "('C5', NULL, NULL, NULL)"
        ") AS t(company_id, homepage_url, city, founded_on)"
    )
    con.execute(
        "CREATE TABLE core.company_source_ids AS SELECT * FROM (VALUES "
        "('C3', 'crunchbase', '/organization/c-three', 'permalink'), "
        "('C4', 'crunchbase', '/organization/g42', 'permalink'), "
        "('C5', 'epoch', 'Some Lab', 'new')"
        ") AS t(company_id, source, source_key, match_method)"
    )
    rows = pl.DataFrame(
        {"company_id": ["C1", "C2", "C3", "C4", "C5", "C9"], "as_of": [date(2026, 11, 4)] * 6}
    )
    out = with_company_links(con, rows).sort("company_id")
    assert out["link"].to_list() == [
        "https://mistral.ai",
        "http://www.dataiku.com",
        "https://www.crunchbase.com/organization/c-three",
        "https://www.crunchbase.com/organization/g42",
        None,
        None,
    ]
    assert out["city"].to_list() == ["Paris", "Paris", None, "Dubai", None, None]
    # founded after as_of: not known yet
    assert out["founded_year"].to_list() == [2023, 2013, None, None, None, None]
    empty = with_company_links(con, rows.clear())
    assert empty.columns == ["company_id", "as_of", "link", "city", "founded_year"]
