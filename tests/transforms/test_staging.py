"""The generic staging step accounts for every row."""

from datetime import date

import duckdb
import polars as pl

from transforms.staging import stage
from warehouse.sql import install_macros

TYPED = """
SELECT clean_key(k) AS _key,
       CASE WHEN clean_key(k) IS NULL THEN {'column': 'k', 'value': k, 'reason': 'missing key'} END AS _reject,
       list_filter([CASE WHEN nullif(d, '') IS NOT NULL AND plausible_date(parse_date_any(d, false), $max_day) IS NULL
                         THEN {'column': 'd', 'value': d, 'issue': 'impossible date set to NULL'} END],
                   lambda x: x IS NOT NULL) AS _issues,
       clean_key(k) AS key, plausible_date(parse_date_any(d, false), $max_day) AS d,
       _source_file, _source_row
FROM raw.t
"""


def test_rows_read_equal_staged_plus_quarantined_plus_collapsed():
    con = duckdb.connect()
    install_macros(con)
    for s in ("raw", "meta", "staging"):
        con.execute(f"CREATE SCHEMA {s}")
    raw = pl.DataFrame(
        {
            "k": ["/A", "/a", None, "/b", " "],
            "d": ["2015-01-01", "2016-01-01", "2015-01-01", "2914-01-01", ""],
            "_malformed": [None, None, None, None, None],
            "_source_file": ["f.csv"] * 5,
            "_source_row": [1, 2, 3, 4, 5],
        }
    )
    con.register("raw_df", raw.to_arrow())
    con.execute("CREATE TABLE raw.t AS SELECT * FROM raw_df")
    counts = stage(con, "t", "raw.t", TYPED, "staging.t", date(2026, 1, 1))
    assert counts == {
        "rows_read": 5,
        "rows_staged": 2,
        "rows_quarantined": 2,
        "duplicates_collapsed": 1,
        "dates_nulled": 1,
        "value_issues": 1,
        "reconciled": True,
    }
    staged = con.sql("SELECT key, d FROM staging.t ORDER BY key").fetchall()
    assert staged == [("/a", date(2015, 1, 1)), ("/b", None)]  # first of the duplicate key kept
    quarantined = con.sql(
        "SELECT source_file, source_row, column_name, reason FROM meta.quarantine ORDER BY 2"
    ).fetchall()
    assert quarantined == [("f.csv", 3, "k", "missing key"), ("f.csv", 5, "k", "missing key")]
    assert con.sql("SELECT reconciled FROM meta.row_accounting WHERE source = 't'").fetchall() == [
        (True,)
    ]
