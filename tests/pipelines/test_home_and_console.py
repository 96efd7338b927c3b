"""One dataset per home, the latest week, the console's step lines and the UI's table metadata."""

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.console import StepLines
from warehouse.metadata import table_metadata
from warehouse.resources import DEFAULT_HOME, DealflowSettings, dataset_name
from warehouse.runs import (
    OtherDatasetError,
    check_dataset,
    latest_week,
    mark_published,
    record_run,
    run_started_on,
)


def test_each_sources_file_has_its_own_default_home(monkeypatch):
    monkeypatch.delenv("DEALFLOW_HOME", raising=False)
    assert dataset_name(Path("data/sample/sources.yaml")) == "sample"
    assert dataset_name(Path("config/sources.shared-datasets.yaml")) == "shared-datasets"
    assert dataset_name(Path("/x/mine.yaml")) == "mine"
    settings = DealflowSettings(sources="config/sources.shared-datasets.yaml")
    assert settings.home_path() == DEFAULT_HOME / "shared-datasets"
    assert DealflowSettings().home_path() == DEFAULT_HOME / "sample"


def test_a_home_refuses_another_dataset_and_latest_is_the_last_published_run(tmp_path: Path):
    con = duckdb.connect()
    con.execute("CREATE SCHEMA meta")
    sample, real = tmp_path / "sample.yaml", tmp_path / "real.yaml"
    check_dataset(con, real, tmp_path)  # an empty home takes any dataset
    record_run(con, "r1", "dealflow_job", real, date(2015, 12, 7), date(2015, 12, 9))
    mark_published(con, "r1")
    record_run(con, "r2", "dealflow_job", real, date(2015, 11, 30), date(2015, 12, 6))
    mark_published(con, "r2")  # a backfill of an older week, published last
    record_run(con, "r3", "dealflow_job", real, date(2015, 12, 14), date(2015, 12, 15))  # failed
    assert latest_week(con) == date(2015, 11, 30)  # not max(week_start), not the failed run's
    check_dataset(con, real, tmp_path)
    with pytest.raises(OtherDatasetError, match="DEALFLOW_HOME") as error:
        check_dataset(con, sample, tmp_path)
    assert str(real) in str(error.value) and str(sample) in str(error.value)


def test_a_runs_load_day_is_the_day_it_started_not_its_as_of():
    """Staging bounds plausible dates by the run's load day (`meta.runs.started_at`), whatever
    week it scores: a 2015 backfill started today keeps facts dated up to today."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA meta")
    with pytest.raises(LookupError, match="r1"):
        run_started_on(con, "r1")
    record_run(con, "r1", "dealflow_job", Path("real.yaml"), date(2015, 12, 7), date(2015, 12, 9))
    con.execute("UPDATE meta.runs SET started_at = TIMESTAMP '2026-12-07 23:30:00'")
    assert run_started_on(con, "r1") == date(2026, 12, 7)
    with pytest.raises(LookupError, match="r2"):
        run_started_on(con, "r2")


def _event(kind: str, step: str, data=None) -> dg.DagsterEvent:
    return dg.DagsterEvent(
        event_type_value=kind, job_name="dealflow_job", step_key=step, event_specific_data=data
    )


def test_console_prints_one_line_per_asset_step_and_what_a_warning_found():
    from dagster._core.events import StepMaterializationData, StepSuccessData

    lines = StepLines()
    materialized = dg.AssetMaterialization(
        asset_key=["marts", "weekly_shortlist"], metadata={"dagster/row_count": 40}
    )
    assert lines.lines(_event("STEP_SUCCESS", "gx_check", StepSuccessData(120.0))) == []
    assert (
        lines.lines(_event("ASSET_MATERIALIZATION", "s", StepMaterializationData(materialized)))
        == []
    )
    [line] = lines.lines(_event("STEP_SUCCESS", "s", StepSuccessData(1500.0)))
    assert "marts/weekly_shortlist" in line and "1.5s" in line and "40 rows" in line
    warning = dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey(["marts", "weekly_shortlist"]),
        check_name="shortlist_warnings",
        passed=False,
        severity=dg.AssetCheckSeverity.WARN,
        description="1 of 1 expectations failed: row count = 75: observed 40",
    )
    [line] = lines.lines(_event("ASSET_CHECK_EVALUATION", "s", warning))
    assert line.strip() == (
        "warning: marts/weekly_shortlist:shortlist_warnings: "
        "1 of 1 expectations failed: row count = 75: observed 40"
    )


def test_a_step_writing_several_tables_prints_its_own_table_and_how_many_beside_it():
    from dagster._core.events import StepMaterializationData, StepSuccessData

    lines = StepLines()
    for table, rows in (("companies", 3000), ("company_source_ids", 3100), ("company_models", 9)):
        materialized = dg.AssetMaterialization(
            asset_key=["core", table], metadata={"dagster/row_count": rows}
        )
        lines.lines(_event("ASSET_MATERIALIZATION", "s", StepMaterializationData(materialized)))
    [line] = lines.lines(_event("STEP_SUCCESS", "s", StepSuccessData(500.0)))
    assert line.split() == ["core/companies", "(+2)", "0.5s", "3,000", "rows"]


def test_table_metadata_describes_columns_and_previews_the_week():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.company_scores_history AS SELECT * FROM (VALUES "
        "(DATE '2026-11-23', 'old'), (DATE '2026-11-30', 'new')) t(week_start, name)"
    )
    meta = table_metadata(con, "marts.company_scores_history", date(2026, 11, 23))
    columns = {c.name: c.description for c in meta["dagster/column_schema"].columns}
    assert columns["name"] == "Company name"  # config/catalog.yaml, marts.company_scores
    preview = meta["preview"].value
    assert "old" in preview and "new" not in preview


def test_bar_chart_is_short_enough_to_show_inline():
    from warehouse.metadata import INLINE_MD_LIMIT, bar_chart

    chart = bar_chart("lane", "hit rate", [("france", 0.5), ("uae", 0.25), ("bridge", None)])
    lines = chart.splitlines()
    assert lines[2] == "| france | 0.50 | " + "█" * 20 + " |"
    assert lines[3] == "| uae | 0.25 | " + "█" * 10 + " |"
    assert lines[4] == "| bridge |  |  |"
    many = bar_chart("method", "precision", [(f"method_{i}", i / 100) for i in range(100)])
    assert len(many) < INLINE_MD_LIMIT


def test_make_sql_opens_the_replica_read_only_in_harlequin(tmp_path: Path, capsys):
    from pipelines.sql import harlequin_command, main

    replica = tmp_path / "dealflow.duckdb"
    command = harlequin_command(replica)
    assert Path(command[0]).name == "harlequin" and Path(command[0]).exists()
    assert command[1:] == ["-r", str(replica)]  # read-only: never blocks the pipeline
    assert main([str(replica)]) == 2  # no replica yet: says what to do
    assert "make run" in capsys.readouterr().err
