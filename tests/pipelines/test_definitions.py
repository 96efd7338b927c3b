"""The code location loads, and every job, schedule, sensor and check the analysts rely on exists."""

import os
import subprocess
import sys
from datetime import date, datetime

import dagster as dg
import pytest

from assets.ingest.assets import MAPPED_TABLES, RAW_TABLES
from assets.staging.assets import STAGED as STAGED_TABLES
from pipelines.definitions import defs
from pipelines.sensors import sources_fingerprint
from tests.helpers import PROJECT_DIR
from warehouse.partitions import partition_key_for, resolve_as_of, week_start, weekly_partitions
from warehouse.resources import DealflowSettings

EXPECTED_ASSETS = {
    "raw/crunchbase_companies",
    "raw/crunchbase_rounds",
    "raw/crunchbase_acquisitions",
    "raw/investor_edges",
    "raw/epoch_models",
    "raw/epoch_organizations",
    "raw/chip_startups",
    "raw/chip_exits",
    "raw/epoch_funding_rounds",
    "raw/epoch_companies",
    "raw/analyst_decisions",
    "raw/crunchbase_bulk_organizations",
    "raw/crunchbase_bulk_funding_rounds",
    "raw/crunchbase_bulk_investments",
    "raw/crunchbase_bulk_investors",
    "raw/crunchbase_bulk_acquisitions",
    "raw/crunchbase_bulk_ipos",
    "raw/crunchbase_bulk_funds",
    "raw/fund_performance",
    "raw/mapped_companies",
    "raw/mapped_rounds",
    "raw/mapped_investments",
    "ref/fx_rates",
    "ref/round_stage_map",
    "staging/companies",
    "staging/rounds",
    "staging/acquisitions",
    "staging/investor_edges",
    "staging/epoch_models",
    "staging/epoch_organizations",
    "staging/chip_startups",
    "staging/chip_exits",
    "staging/epoch_funding_rounds",
    "staging/epoch_companies",
    "staging/analyst_decisions",
    "staging/bulk_organizations",
    "staging/bulk_funding_rounds",
    "staging/bulk_acquisitions",
    "staging/bulk_ipos",
    "staging/bulk_investors",
    "staging/bulk_investments",
    "staging/mapped_companies",
    "staging/mapped_rounds",
    "staging/mapped_investments",
    "staging/fund_performance",
    "staging/bulk_funds",
    "raw/round_drops",
    "staging/round_drops",
    "core/companies",
    "core/funding_rounds",
    "core/investors",
    "core/fund_performance",
    "core/funds",
    "core/company_taxonomy",
    "core/analyst_decisions",
    "marts/success_models",
    "marts/success_backtest",
    "marts/shortlist_backtest",
    "marts/company_scores",
    "marts/weekly_shortlist",
    "marts/shortlist_changes",
    "marts/investor_scores",
    "marts/fund_shortlist",
    "marts/manager_track_record",
    "analyst_replica",
    "weekly_pack",
    # the tables a step writes beside its own: each an asset too
    "ref/stages",
    "ref/known_investors",
    "core/company_source_ids",
    "core/company_acquisitions_made",
    "core/company_models",
    "core/company_exits",
    "core/investments",
    "marts/company_scores_history",
    "marts/company_model_inputs",
    "marts/investor_scores_history",
    "marts/success_calibration",
    "meta/quarantine",
    "meta/value_issues",
    "meta/row_accounting",
    "meta/runs",
}


def test_assets_jobs_schedules_sensors_exist():
    keys = {k.to_user_string() for k in defs.resolve_all_asset_keys()}
    assert keys == EXPECTED_ASSETS
    job = defs.resolve_job_def("dealflow_job")
    assert job.partitions_def == weekly_partitions
    schedule = defs.resolve_schedule_def("dealflow_job_schedule")
    assert schedule.cron_schedule == "0 7 * * 1" and schedule.execution_timezone == "Europe/Paris"
    assert defs.resolve_sensor_def("source_files_sensor").job_name == "dealflow_job"
    # the incremental path: each dropped rounds file its own partition, then a weekly refresh
    drops_job = defs.resolve_job_def("round_drops_job")
    assert isinstance(drops_job.partitions_def, dg.DynamicPartitionsDefinition)
    assert defs.resolve_job_def("rounds_refresh_job").partitions_def == weekly_partitions
    assert defs.resolve_sensor_def("round_drops_sensor").job_name == "round_drops_job"
    assert defs.resolve_sensor_def("round_drops_refresh_sensor").job_name == "rounds_refresh_job"
    assert "raw/round_drops" not in {
        k.to_user_string() for k in job.asset_layer.executable_asset_keys
    }
    # model evaluation: the backtests run in their own job, after each successful weekly run
    evaluation = defs.resolve_job_def("model_evaluation_job")
    assert evaluation.partitions_def == weekly_partitions
    assert {k.to_user_string() for k in evaluation.asset_layer.executable_asset_keys} == {
        "marts/success_backtest",
        "marts/success_calibration",
        "marts/shortlist_backtest",
    }
    weekly = {k.to_user_string() for k in job.asset_layer.executable_asset_keys}
    assert not weekly & {
        "marts/success_backtest",
        "marts/success_calibration",
        "marts/shortlist_backtest",
    }
    assert defs.resolve_sensor_def("model_evaluation_sensor").job_name == "model_evaluation_job"


def test_model_evaluation_follows_each_successful_weekly_run():
    """The run-status sensor asks for the backtest of the week the successful run materialized."""
    sensor = defs.resolve_sensor_def("model_evaluation_sensor")
    with dg.instance_for_test() as instance:
        job = defs.resolve_job_def("model_evaluation_job")
        for tags, expected in [({"dagster/partition": "2026-11-23"}, "2026-11-23"), ({}, None)]:
            run = instance.create_run_for_job(job, tags=tags)  # stands in for a dealflow_job run
            event = dg.DagsterEvent(
                event_type_value=dg.DagsterEventType.RUN_SUCCESS.value,
                job_name="dealflow_job",
            )
            context = dg.build_run_status_sensor_context(
                sensor_name=sensor.name,
                dagster_instance=instance,
                dagster_run=run,
                dagster_event=event,
            )
            result = sensor(context)
            if expected is None:
                assert isinstance(result, dg.SkipReason)
            else:
                assert result.partition_key == expected and run.run_id in result.run_key


BLOCKING_CHECKS = {
    # row accounting (SQL) and one GX suite per raw, reference and staged table
    *(f"staging/{t}:rows_reconcile" for t in STAGED_TABLES),
    *(f"raw/{t}:{t}_expectations" for t in (*RAW_TABLES, *MAPPED_TABLES)),
    "ref/fx_rates:fx_rates_expectations",
    "ref/round_stage_map:round_stage_map_expectations",
    *(f"staging/{t}:{t}_expectations" for t in STAGED_TABLES),
    # core: keys, referential integrity (rounds -> companies, edges -> investors), codes, ranges
    "core/companies:companies_expectations",
    "core/company_source_ids:company_source_ids_expectations",
    "core/funding_rounds:funding_rounds_expectations",
    "core/company_exits:company_exits_expectations",
    "core/company_acquisitions_made:company_acquisitions_made_expectations",
    "core/company_models:company_models_expectations",
    "core/company_taxonomy:company_taxonomy_expectations",
    "core/investors:investors_expectations",
    "core/investments:investments_expectations",
    "ref/known_investors:known_investors_expectations",
    "core/analyst_decisions:analyst_decisions_expectations",
    "core/fund_performance:fund_performance_expectations",
    "core/funds:funds_expectations",
    # marts, per weekly partition
    "marts/success_models:success_models_expectations",
    "marts/success_backtest:success_backtest_expectations",
    "marts/shortlist_backtest:shortlist_backtest_expectations",
    "marts/company_scores:company_scores_expectations",
    "marts/weekly_shortlist:shortlist_well_formed",
    "marts/shortlist_changes:shortlist_changes_expectations",
    "marts/investor_scores:investor_scores_expectations",
    "marts/fund_shortlist:fund_shortlist_well_formed",
}
WARNING_CHECKS = {
    "staging/companies:companies_warnings",
    "staging/rounds:rounds_warnings",
    "staging/acquisitions:acquisitions_warnings",
    "staging/investor_edges:investor_edges_warnings",
    "staging/epoch_models:epoch_models_warnings",
    "staging/chip_startups:chip_startups_warnings",
    "staging/epoch_funding_rounds:epoch_funding_rounds_warnings",
    "core/investments:investments_warnings",
    "staging/analyst_decisions:analyst_decisions_warnings",
    "staging/bulk_organizations:bulk_organizations_warnings",
    "staging/bulk_funding_rounds:bulk_funding_rounds_warnings",
    "staging/bulk_acquisitions:bulk_acquisitions_warnings",
    "staging/bulk_ipos:bulk_ipos_warnings",
    "staging/fund_performance:fund_performance_warnings",
    "core/analyst_decisions:analyst_decisions_warnings",
    "marts/weekly_shortlist:shortlist_warnings",
    "marts/success_models:success_models_warnings",
    "marts/success_backtest:success_backtest_warnings",
    "marts/fund_shortlist:fund_shortlist_warnings",
}


def test_checks_exist_and_block():
    """Blocking checks stop downstream assets on failure; warnings are only shown."""
    graph = defs.resolve_asset_graph()
    checks = {k.to_user_string(): k for k in graph.asset_check_keys}
    assert set(checks) == BLOCKING_CHECKS | WARNING_CHECKS, sorted(
        set(checks) ^ (BLOCKING_CHECKS | WARNING_CHECKS)
    )
    for name in BLOCKING_CHECKS:
        assert graph.get_check_spec(checks[name]).blocking, name
    for name in WARNING_CHECKS:
        assert not graph.get_check_spec(checks[name]).blocking, name


def test_every_suite_runs_as_a_check():
    """Each suite in quality/suites/ has its checks registered on the asset that writes its table."""
    from quality.spec import WARNING, load_suites

    graph = defs.resolve_asset_graph()
    checks = {k.to_user_string() for k in graph.asset_check_keys}
    for suite in load_suites():
        assert f"{suite.asset}:{suite.check}" in checks, suite.path
        if suite.by_severity(WARNING):
            assert f"{suite.asset}:{suite.warning_check}" in checks, suite.path


def test_schedule_requests_the_week_starting_that_monday():
    from warehouse.resources import DealflowSettings

    settings = DealflowSettings(sources="/data/mine.yaml", home="/tmp/mine", as_of="2026-11-25")
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 11, 23, 7, 0), resources={"settings": settings}
    )
    schedule = defs.resolve_schedule_def("dealflow_job_schedule")
    request = schedule(context)
    assert request.partition_key == "2026-11-23"
    # the runs list says what the run reads
    assert request.tags["dealflow/sources"] == "/data/mine.yaml"
    assert request.tags["dealflow/as_of"] == "2026-11-25"
    assert request.tags["dealflow/week"] == "2026-11-23"


def test_materialize_all_covers_one_partition_space_without_the_drop_assets():
    """What the UI's "Materialize all" launches: the materializable assets, together when they
    share a job and one partitions definition (else it asks for each root's partition). The drop
    assets are declared (reported by `round_drops_job`), not materializable."""
    graph = defs.resolve_asset_graph()
    materializable = graph.materializable_asset_keys
    drops = {dg.AssetKey(["raw", "round_drops"]), dg.AssetKey(["staging", "round_drops"])}
    assert drops <= set(graph.get_all_asset_keys()) and not drops & materializable
    assert {graph.get(k).partitions_def for k in materializable} - {None} == {weekly_partitions}
    assert {graph.get(k).group_name for k in drops} == {"drops"}


def test_weekly_job_depends_on_nothing_materializable_outside_it():
    """The UI's launchpad and "Materialize" ask "Are you sure?" when a selected asset depends on a
    materializable asset outside the selection that was never materialized (a fresh instance):
    `dealflow_job` has none, and the backtests follow the week's pack rather than feed the
    replica."""
    graph = defs.resolve_asset_graph()
    job = defs.resolve_job_def("dealflow_job")
    selected = set(job.asset_layer.executable_asset_keys)
    outside = {
        (key.to_user_string(), parent.to_user_string())
        for key in selected
        for parent in graph.get(key).parent_keys
        if parent not in selected and parent in graph.materializable_asset_keys
    }
    assert outside == set()
    evaluation = defs.resolve_job_def("model_evaluation_job")
    backtest = graph.get(dg.AssetKey(["marts", "success_backtest"]))
    assert dg.AssetKey("weekly_pack") in backtest.parent_keys
    assert not set(evaluation.asset_layer.executable_asset_keys) & set(
        graph.get(dg.AssetKey("analyst_replica")).parent_keys
    )


def test_weekly_partitions_start_at_the_configured_first_week():
    from warehouse.partitions import FIRST_WEEK, check_week

    keys = weekly_partitions.get_partition_keys(current_time=datetime(2026, 11, 26))
    assert keys[0] == FIRST_WEEK.isoformat() == "2015-01-05"
    assert "2015-12-07" in keys  # the real data's week (as of 2015-12-09)
    assert len(keys) == 621  # 2015-01-05 to 2026-11-23, not back to 2000 (1,404 weeks)
    check_week(date(2015, 1, 5))
    with pytest.raises(dg.Failure, match="first_week"):
        check_week(date(2014, 12, 31))


def test_weeks_start_monday_and_as_of_resolution():
    assert week_start(date(2026, 11, 26)) == date(2026, 11, 23)
    assert partition_key_for(date(2026, 11, 23)) == "2026-11-23"
    assert partition_key_for(date(2026, 11, 29)) == "2026-11-23"
    today = date(2026, 11, 26)
    assert resolve_as_of("2026-11-23", today, today) == today
    assert resolve_as_of("2015-06-01", today, today) == date(
        2015, 6, 7
    )  # backfill: week's last day
    assert resolve_as_of("2026-11-23", date(2015, 1, 1), today) == today  # never after today
    assert "2026-11-23" in weekly_partitions.get_partition_keys(current_time=datetime(2026, 11, 26))


def test_code_location_loads_without_heavy_imports():
    """Importing the Definitions must not import scikit-learn or Great Expectations."""
    code = "import sys, pipelines.definitions; print(any(m.startswith(('sklearn', 'great_expectations')) for m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_model_workers_default_to_the_cores_this_process_may_use():
    import os

    from warehouse.resources import DealflowSettings

    assert DealflowSettings(model_workers=3).model_worker_count() == 3
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert DealflowSettings().model_worker_count() == cores >= 1


def test_the_source_files_sensor_sees_a_mapped_export_change(tmp_path):
    (tmp_path / "list.csv").write_text("NAME\nLumen AI\n")
    yml = tmp_path / "sources.yaml"
    yml.write_text(
        "mapped_exports:\n  - {file: list.csv, entity: companies, columns: {name: NAME}}\n"
    )
    settings = DealflowSettings(sources=str(yml), home=str(tmp_path / "home"))
    before = sources_fingerprint(settings)
    assert sources_fingerprint(settings) == before
    (tmp_path / "list.csv").write_text("NAME\nLumen AI\nSable Health\n")
    os.utime(tmp_path / "list.csv", ns=(1, 1))
    assert sources_fingerprint(settings) != before
