"""Where the pipeline writes: `<home>/pipeline.duckdb` unless the Warehouse's `database` (or
DEALFLOW_WAREHOUSE) names another DuckDB database, e.g. `md:dealflow` on MotherDuck (not reached
here: the same string goes to `duckdb.connect`, tested with local files)."""

from pathlib import Path

from pipelines.runner import contract_env
from tests.helpers import query
from warehouse.resources import DealflowSettings, Warehouse


def write_marker(warehouse: Warehouse) -> None:
    with warehouse.connect() as con:
        con.execute("CREATE TABLE meta.marker AS SELECT 42 AS answer")


def test_by_default_the_warehouse_is_the_file_in_home(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("DEALFLOW_WAREHOUSE", raising=False)
    warehouse = Warehouse(settings=DealflowSettings(home=str(tmp_path)))
    write_marker(warehouse)
    assert warehouse.database_target() == str(tmp_path / "pipeline.duckdb")
    assert query(tmp_path / "pipeline.duckdb", "SELECT answer FROM meta.marker")["answer"][0] == 42


def test_a_configured_database_is_written_instead_of_the_home_file(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("DEALFLOW_WAREHOUSE", raising=False)
    elsewhere = tmp_path / "shared" / "team.duckdb"
    elsewhere.parent.mkdir()
    home = tmp_path / "home"
    write_marker(Warehouse(settings=DealflowSettings(home=str(home)), database=str(elsewhere)))
    assert query(elsewhere, "SELECT answer FROM meta.marker")["answer"][0] == 42
    assert not (home / "pipeline.duckdb").exists()


def test_dealflow_warehouse_is_read_when_the_run_starts_and_config_wins(tmp_path: Path):
    settings = DealflowSettings(home=str(tmp_path))
    from_env, from_config = tmp_path / "env.duckdb", tmp_path / "config.duckdb"
    warehouse = Warehouse(settings=settings)  # built before the variable is set
    with contract_env(warehouse=str(from_env)):
        assert warehouse.database_target() == str(from_env)
        configured = Warehouse(settings=settings, database=str(from_config))
        assert configured.database_target() == str(from_config)
        write_marker(warehouse)
    assert query(from_env, "SELECT answer FROM meta.marker")["answer"][0] == 42
