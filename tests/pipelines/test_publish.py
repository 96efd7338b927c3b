"""The analysts' replica: made from a copy of the warehouse file, or table by table, the same."""

from pathlib import Path

import duckdb
import pytest

import assets.publish.assets as publish


def _warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    for schema in ("raw", "staging", "core", "marts", "meta", "scratch"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute("CREATE TABLE raw.companies AS SELECT range AS id FROM range(1000)")
    con.execute(
        "CREATE TABLE core.companies AS SELECT range AS id, 'c' || range AS name FROM range(50)"
    )
    con.execute(
        "CREATE TABLE marts.company_scores AS SELECT range AS id, range / 7 AS s FROM range(50)"
    )
    con.execute("CREATE TABLE marts._features AS SELECT 1 AS private")
    con.execute("CREATE TABLE scratch.t AS SELECT 1 AS x")
    con.execute("CREATE VIEW marts.v AS SELECT * FROM raw.companies")
    con.execute("CREATE TABLE meta.row_accounting (n INTEGER)")
    return con


def _contents(path: Path) -> dict[str, list]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = con.sql(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() ORDER BY 1"
        ).fetchall()
        views = con.sql("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
        assert views == []
        return {n: con.sql(f"SELECT * FROM {n} ORDER BY ALL").fetchall() for (n,) in names}


@pytest.mark.parametrize("file_copy", [True, False])
def test_replica_holds_exactly_the_published_tables(tmp_path, monkeypatch, file_copy):
    con = _warehouse(tmp_path / "pipeline.duckdb")
    if not file_copy:  # e.g. a remote warehouse: the tables are copied one by one
        monkeypatch.setattr(publish, "_checkpointed_file", lambda con: None)
    replica = tmp_path / "dealflow.duckdb"
    tables = publish.publish_replica(con, replica)
    assert tables == ["core.companies", "marts.company_scores", "meta.row_accounting"]
    contents = _contents(replica)
    assert sorted(contents) == tables
    assert (
        contents["marts.company_scores"]
        == con.sql("SELECT * FROM marts.company_scores ORDER BY ALL").fetchall()
    )
    assert not replica.with_name("dealflow.duckdb.tmp").exists()
    con.close()


def test_both_ways_give_the_same_replica_and_a_reader_keeps_the_old_one(tmp_path, monkeypatch):
    con = _warehouse(tmp_path / "pipeline.duckdb")
    copied, rebuilt = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    publish.publish_replica(con, copied)
    reader = duckdb.connect(str(copied), read_only=True)
    con.execute("INSERT INTO core.companies VALUES (99, 'new')")
    publish.publish_replica(con, copied)  # swapped in while the reader holds the old file
    assert reader.sql("SELECT count(*) FROM core.companies").fetchall() == [(50,)]
    reader.close()
    monkeypatch.setattr(publish, "_checkpointed_file", lambda con: None)
    publish.publish_replica(con, rebuilt)
    assert _contents(copied) == _contents(rebuilt)
    assert _contents(copied)["core.companies"][-1] == (99, "new")
    con.close()
