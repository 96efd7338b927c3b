"""Where the pipeline writes: `<home>/pipeline.duckdb` unless the Warehouse's `database` (or
DEALFLOW_WAREHOUSE) names another DuckDB database, e.g. `md:dealflow` on MotherDuck (not reached
here: the same string goes to `duckdb.connect`, tested with local files)."""

from pathlib import Path

import dagster as dg

from pipelines.definitions import defs
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
    from_env, from_config = tmp_path / "env.duckdb", tmp_path / "config.duckdb"
    resources = dict(defs.resources)  # bound to the variables before they are set
    with contract_env(home=str(tmp_path), warehouse=str(from_env)):
        with dg.build_resources(resources) as started:
            warehouse = started.warehouse
            assert warehouse.database_target() == str(from_env)
        configured = {"warehouse": {"config": {"database": str(from_config)}}}
        with dg.build_resources(resources, resource_config=configured) as started:
            assert started.warehouse.database_target() == str(from_config)
        write_marker(warehouse)
    assert query(from_env, "SELECT answer FROM meta.marker")["answer"][0] == 42


def test_launchpad_settings_reach_the_warehouse_lock_and_file(tmp_path: Path):
    """The launchpad's config for `settings` is the warehouse's nested settings too: its lock and
    its file are in the configured home, not in DEALFLOW_HOME's."""
    from_env, launched = tmp_path / "from_env", tmp_path / "launched"
    config = {"settings": {"config": {"home": str(launched)}}}
    with (
        contract_env(home=str(from_env), warehouse=""),
        dg.build_resources(dict(defs.resources), resource_config=config) as started,
    ):
        assert started.warehouse.settings.home_path() == launched
        assert started.warehouse.database_target() == str(launched / "pipeline.duckdb")
        assert (launched / "pipeline.lock").exists()
    assert not from_env.exists()


def test_paths_create_nothing_and_the_writer_creates_the_home(tmp_path: Path):
    settings = DealflowSettings(home=str(tmp_path / "new" / "home"))
    assert settings.outputs_dir() == tmp_path / "new" / "home" / "shortlists"
    assert settings.replica_db().parent == settings.home_path() == tmp_path / "new" / "home"
    assert not (tmp_path / "new").exists()
    write_marker(Warehouse(settings=settings))
    assert query(settings.pipeline_db(), "SELECT answer FROM meta.marker")["answer"][0] == 42
