"""The analysts' decisions file: read as CSV or Excel, staged (bad rows quarantined with row and
column), and each row matched to a company by provider key, web domain, then name; unmatched
rows stay, with their reason."""

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from assets.decisions.assets import SQL_DIR as DECISIONS_SQL
from assets.staging.assets import SQL_DIR as STAGING_SQL
from transforms.ingest import raw_frame
from transforms.sources import SOURCE_KINDS
from transforms.staging import stage
from warehouse.sql import install_macros, sql_text

KIND = SOURCE_KINDS["analyst_decisions"]
ROWS = [
    ("Dataiku SAS", "in_diligence", "call with the CTO", "C. Martin", "2015-11-02"),
    ("shift-technology.com", "Passed", "too late", "A. Al Mansoori", "05/11/2015"),
    ("/organization/snips", "portfolio", None, "C. Martin", "2015-10-01"),
    ("snips", "watch", None, "C. Martin", "2015-10-01"),
    ("Twin Labs", "watch", "which one?", "C. Martin", "2015-10-01"),
    ("Nowhere Robotics SAS", "watch", None, "C. Martin", "2015-10-01"),
    ("Cardiologs", "maybe", None, "C. Martin", "2015-10-01"),
    ("", "watch", None, "C. Martin", "2015-10-01"),
    ("Dataiku", "watch", None, "C. Martin", "someday"),
]
COLUMNS = ["company", "status", "note", "analyst", "decided_on"]
COMPANIES = pl.DataFrame(
    {
        "company_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
        "name": ["Dataiku", "Shift Technology", "Snips", "Twin Labs", "Twin Labs", "Cardiologs"],
        "name_norm": [
            "dataiku",
            "shift technology",
            "snips",
            "twin labs",
            "twin labs",
            "cardiologs",
        ],
        "domain": ["dataiku.com", "shift-technology.com", "snips.ai", None, None, None],
    }
)
SOURCE_IDS = pl.DataFrame(
    {
        "company_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
        "source": ["crunchbase"] * 6,
        "source_key": [
            "/organization/dataiku",
            "/organization/shift-technology",
            "/organization/snips",
            "/organization/twin-labs",
            "/organization/twinlabs",
            "/organization/cardiologs",
        ],
    }
)


def _write_csv(path: Path) -> Path:
    pl.DataFrame(ROWS, schema=COLUMNS, orient="row").write_csv(path)
    return path


def _write_xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    sheet.append([None] * 5)  # a blank row between header and data: skipped, rows keep their number
    for row in ROWS:
        values = list(row)
        if values[4] == "2015-11-02":
            values[4] = date(2015, 11, 2)  # a real date cell, as Excel stores it
        sheet.append(values)
    book.save(path)
    return path


def _staged_and_matched(path: Path) -> tuple[duckdb.DuckDBPyConnection, dict]:
    con = duckdb.connect()
    install_macros(con)
    for schema in ("raw", "staging", "core", "meta"):
        con.execute(f"CREATE SCHEMA {schema}")
    frame, _ = raw_frame(KIND, path)
    con.register("_raw", frame.to_arrow())
    con.execute("CREATE TABLE raw.analyst_decisions AS SELECT * FROM _raw")
    for table, rows in (("companies", COMPANIES), ("company_source_ids", SOURCE_IDS)):
        con.register("_t", rows.to_arrow())
        con.execute(f"CREATE TABLE core.{table} AS SELECT * FROM _t")
        con.unregister("_t")
    sql = sql_text("analyst_decisions", STAGING_SQL)
    counts = stage(
        con,
        "analyst_decisions",
        "raw.analyst_decisions",
        sql,
        "staging.analyst_decisions",
        date(2026, 1, 1),
    )
    con.execute(sql_text("analyst_decisions", DECISIONS_SQL))
    return con, counts


@pytest.fixture(params=["csv", "xlsx"])
def decisions(request, tmp_path):
    write = _write_csv if request.param == "csv" else _write_xlsx
    con, counts = _staged_and_matched(write(tmp_path / f"decisions.{request.param}"))
    yield request.param, con, counts
    con.close()


def test_every_row_is_staged_or_quarantined_with_its_row_and_column(decisions):
    kind, con, counts = decisions
    assert counts["rows_read"] == 9 and counts["reconciled"]
    assert counts["rows_staged"] == 6 and counts["rows_quarantined"] == 3
    quarantined = con.sql(
        "SELECT source_row, column_name, raw_value, reason FROM meta.quarantine ORDER BY 1"
    ).fetchall()
    offset = 1 if kind == "xlsx" else 0  # the blank spreadsheet row keeps its number
    assert [(r[0] - offset, r[1], r[2] or None) for r in quarantined] == [
        (7, "status", "maybe"),
        (8, "company", None),
        (9, "decided_on", "someday"),
    ]
    assert "unknown status" in quarantined[0][3] and "watch, in_diligence" in quarantined[0][3]


def test_status_and_dates_are_typed(decisions):
    _, con, _ = decisions
    rows = con.sql(
        "SELECT company, status, decided_on FROM staging.analyst_decisions ORDER BY _source_row"
    ).fetchall()
    assert rows[0] == ("Dataiku SAS", "in_diligence", date(2015, 11, 2))
    assert rows[1] == ("shift-technology.com", "passed", date(2015, 11, 5))  # day first


def test_rows_match_by_provider_key_then_domain_then_name(decisions):
    _, con, _ = decisions
    matched = {
        r[0]: r[1:]
        for r in con.sql(
            "SELECT company, company_id, matched_by, unmatched_reason FROM core.analyst_decisions"
        ).fetchall()
    }
    assert matched["Dataiku SAS"] == ("C1", "name", None)  # legal suffix dropped
    assert matched["shift-technology.com"] == ("C2", "domain", None)
    assert matched["/organization/snips"] == ("C3", "provider key", None)
    assert matched["snips"] == ("C3", "provider key", None)  # permalink without its prefix
    company_id, how, why = matched["Twin Labs"]
    assert company_id is None and how is None and why.startswith("ambiguous: name matches 2")
    company_id, _, why = matched["Nowhere Robotics SAS"]
    assert company_id is None and why == "no company with this provider key, web domain or name"
    assert con.sql("SELECT count(*) FROM core.analyst_decisions").fetchall()[0][0] == 6


def test_a_file_that_is_not_a_workbook_is_refused_with_its_name(tmp_path):
    from transforms.readers import SourceFileError

    bad = tmp_path / "decisions.xlsx"
    bad.write_text("company,status\n")
    with pytest.raises(SourceFileError, match=r"decisions\.xlsx: not a readable Excel workbook"):
        raw_frame(KIND, bad)
