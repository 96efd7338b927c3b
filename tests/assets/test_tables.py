"""A table kept across runs takes the columns added since it was written."""

from datetime import date

import duckdb
import polars as pl

from warehouse.tables import add_missing_columns, replace_week


def test_a_week_with_a_new_column_lands_in_an_older_table():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE SCHEMA scratch")  # as `Warehouse.connect` creates it
    old = pl.DataFrame({"week_start": [date(2015, 11, 30)], "company_id": ["a"]})
    replace_week(con, "marts.scores", old, date(2015, 11, 30))
    new = old.with_columns(
        week_start=pl.lit(date(2015, 12, 7)), ai_confidence=pl.lit(0.8), vertical_reason=pl.lit("x")
    )
    replace_week(con, "marts.scores", new, date(2015, 12, 7))
    rows = con.sql("SELECT * FROM marts.scores ORDER BY week_start").pl()
    assert rows.columns == ["week_start", "company_id", "ai_confidence", "vertical_reason"]
    assert rows["ai_confidence"].to_list() == [None, 0.8]
    assert add_missing_columns(con, "marts.scores", "marts.scores") == []


def test_markdown_tables_show_numbers_as_analysts_read_them():
    from warehouse.metadata import markdown_table

    frame = pl.DataFrame(
        {"score": [0.8499999999999999, 0.872841001684342], "raised_usd": [2.0e9, 1234.4]}
    )
    lines = markdown_table(frame).splitlines()
    assert lines[2] == "| 0.85 | 2,000,000,000 |"
    assert lines[3] == "| 0.873 | 1,234 |"
