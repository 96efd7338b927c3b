"""The incremental weekly run: rounds delivered to the drop folder after the week's full run.

The sample's last three weeks of rounds are held out of the rounds file; the full pipeline runs
on the rest; the held-out rounds are then delivered as one file to the drop folder and the two
sensors run as the daemon would (`pipelines.runner.run_drops`). The result must equal the full
run on the complete rounds file (the session's `pipeline_run`) in everything derived from the
data: the same `core.funding_rounds`, the same features and funding columns in
`marts.company_scores`. The success probabilities come, by design, from the model fitted earlier
in the week (before the drop): the test checks that this very artifact, applied to the complete
data's features, gives the incremental run's probabilities.
"""

import hashlib
import shutil
from datetime import timedelta
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
import yaml
from polars.testing import assert_frame_equal

from pipelines.cli import run_problems
from pipelines.runner import contract_env, run_drops, run_week, tick_and_run
from tests.conftest import SAMPLE_AS_OF
from tests.helpers import SAMPLE_SOURCES, query
from transforms.drops import list_drops, write_cursor
from transforms.readers import read_provider_csv

HELD_OUT_DAYS = 21
DROP = "rounds_2026-11-02.csv"
# columns of marts.company_scores that depend on the model (probability and what is built on it)
MODEL_COLUMNS = ["success_probability", "total_score", "score_rank", "success_factors"]
ROUND_COLUMNS = ["company_id", "round_key", "stage", "funded_on", "amount_usd", "amount_eur"]


def write_sources(folder: Path, rounds: Path, drops: Path) -> Path:
    """The sample's sources YAML with another rounds file and a rounds drop folder."""
    tree = yaml.safe_load(SAMPLE_SOURCES.read_text())
    for section, value in list(tree.items()):
        if isinstance(value, dict):
            for key, file in value.items():
                if isinstance(file, str):
                    value[key] = str(SAMPLE_SOURCES.parent / file)
        elif isinstance(value, str):
            tree[section] = str(SAMPLE_SOURCES.parent / value)
    tree["crunchbase"]["rounds"] = str(rounds)
    tree["crunchbase"]["rounds_drops"] = str(drops)
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump(tree))
    return path


def split_rounds(folder: Path) -> tuple[Path, pl.DataFrame]:
    """The sample rounds minus the last HELD_OUT_DAYS before as_of (written as the rounds file),
    and the held-out rows (as read: every column text)."""
    sample = yaml.safe_load(SAMPLE_SOURCES.read_text())["crunchbase"]["rounds"]
    rows, _ = read_provider_csv(SAMPLE_SOURCES.parent / sample)
    rows = rows.drop("_malformed", "_source_file", "_source_row", "_loaded_at")
    funded = pl.col("funded_at").str.to_date(strict=False)
    held = funded.is_between(SAMPLE_AS_OF - timedelta(days=HELD_OUT_DAYS), SAMPLE_AS_OF)
    base = folder / "rounds_base.csv"
    rows.filter(~held.fill_null(False)).write_csv(base)
    return base, rows.filter(held.fill_null(False))


@pytest.fixture(scope="module")
def instance():
    with dg.instance_for_test() as inst:
        yield inst


@pytest.fixture(scope="module")
def incremental(tmp_path_factory, instance, pipeline_run):
    """Full run without the last weeks of rounds, then those rounds dropped as a file."""
    if not pipeline_run.on_sample or pipeline_run.as_of != SAMPLE_AS_OF:
        pytest.skip("compares with the bundled sample's full run")
    folder = tmp_path_factory.mktemp("incremental")
    drops, home = folder / "drops", folder / "home"
    drops.mkdir()
    base, held_out = split_rounds(folder)
    assert held_out.height >= 10
    sources = write_sources(folder, base, drops)
    assert run_week(sources, home, SAMPLE_AS_OF, instance=instance).success
    model_before = query(home / "pipeline.duckdb", "SELECT * FROM marts.success_models")
    artifact = Path(model_before["artifact_path"][0])
    artifact_mtime = artifact.stat().st_mtime_ns
    tmp = drops / (DROP + ".part")  # delivered as the folder's README asks: renamed into place
    held_out.write_csv(tmp)
    tmp.rename(drops / DROP)
    drop_tick, refresh_tick = run_drops(sources, home, SAMPLE_AS_OF, instance)
    return {
        "sources": sources,
        "home": home,
        "drops": drops,
        "held_out": held_out,
        "drop_tick": drop_tick,
        "refresh_tick": refresh_tick,
        "model_before": model_before,
        "artifact": artifact,
        "artifact_mtime": artifact_mtime,
    }


def test_sensors_request_the_drop_then_one_refresh_reusing_the_weeks_model(incremental):
    drop_tick, refresh_tick = incremental["drop_tick"], incremental["refresh_tick"]
    assert [r.partition_key for r in drop_tick.run_requests] == [DROP]
    assert all(r.success for r in drop_tick.results)
    assert refresh_tick is not None and len(refresh_tick.run_requests) == 1
    request = refresh_tick.run_requests[0]
    assert request.partition_key == SAMPLE_AS_OF.isoformat()[:8] + "02"  # Monday 2026-11-02
    selected = {k.to_user_string() for k in request.asset_selection}
    assert selected == {
        "core/funding_rounds",
        "core/company_exits",
        "core/investors",
        "core/investments",
        "ref/known_investors",
        "marts/company_scores",
        "marts/company_scores_history",
        "marts/company_model_inputs",
        "marts/weekly_shortlist",
        "marts/shortlist_changes",
        "marts/investor_scores",
        "marts/investor_scores_history",
        "marts/fund_shortlist",
        "analyst_replica",
        "meta/runs",
        "weekly_pack",
    }
    assert refresh_tick.results[0].success
    materialized = {
        e.asset_key.to_user_string()
        for e in refresh_tick.results[0].get_asset_materialization_events()
    }
    assert "core/companies" not in materialized and "marts/success_models" not in materialized


def _copy(db: Path, folder: Path) -> Path:
    target = folder / db.name
    shutil.copy(db, target)
    return target


def test_rounds_and_scores_equal_the_full_run_on_all_rounds(incremental, pipeline_run, tmp_path):
    sql_rounds = f"SELECT {', '.join(ROUND_COLUMNS)} FROM core.funding_rounds ORDER BY round_key"
    incr_db, full_db = (
        incremental["home"] / "pipeline.duckdb",
        pipeline_run.home / "pipeline.duckdb",
    )
    incr_rounds, full_rounds = query(incr_db, sql_rounds), query(full_db, sql_rounds)
    assert incr_rounds.height == full_rounds.height
    assert incr_rounds.equals(full_rounds)
    dropped = query(
        incr_db,
        "SELECT count(*) AS n FROM core.funding_rounds WHERE _source_file LIKE '%' || ?",
        [DROP],
    )
    assert dropped["n"][0] == incremental["held_out"].height

    sql_scores = "SELECT * FROM marts.company_scores ORDER BY company_id"
    incr, full = query(incr_db, sql_scores), query(full_db, sql_scores)
    data_columns = [c for c in full.columns if c not in [*MODEL_COLUMNS, "model_version"]]
    # equal up to float summation order (investor rates are means over differently ordered rows)
    assert_frame_equal(incr.select(data_columns), full.select(data_columns), rel_tol=1e-12)
    assert incr["n_rounds"].sum() > 0 and incr["last_round_on"].max() >= SAMPLE_AS_OF - timedelta(
        days=HELD_OUT_DAYS
    )


def _refresh_metadata(incremental, *key: str) -> dict:
    (event,) = [
        e
        for e in incremental["refresh_tick"].results[0].get_asset_materialization_events()
        if e.asset_key == dg.AssetKey(list(key))
    ]
    return {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}


def test_only_the_dropped_files_rounds_are_written_again(incremental):
    assert _refresh_metadata(incremental, "core", "funding_rounds")["drops_refreshed"] == DROP


def test_investor_matches_are_refreshed_for_homonyms_only(incremental, pipeline_run):
    """Same companies and edges as the week's run: only edges whose name several companies share
    are matched again, and every match equals the full run's on all rounds."""
    rematched = _refresh_metadata(incremental, "core", "investors")["edges_rematched"]
    assert isinstance(rematched, int)
    sql = "SELECT * FROM core.investments ORDER BY _source_file, _source_row"
    incr = query(incremental["home"] / "pipeline.duckdb", sql)
    full = query(pipeline_run.home / "pipeline.duckdb", sql)
    assert rematched < incr.height
    assert_frame_equal(incr, full)


def test_investor_marts_equal_the_full_run_on_all_rounds(incremental, pipeline_run):
    """The drop changes investors' track records (follow-on rounds): the refresh re-scores them."""
    for table, key in [("investor_scores", "investor_id"), ("fund_shortlist", "investor_id")]:
        sql = f"SELECT * FROM marts.{table} WHERE week_start = ? ORDER BY {key}"
        week = [pipeline_run.week]
        incr = query(incremental["home"] / "pipeline.duckdb", sql, week)
        full = query(pipeline_run.home / "pipeline.duckdb", sql, week)
        assert incr.height == full.height > 0
        assert_frame_equal(incr, full, rel_tol=1e-12)


def test_probabilities_come_from_the_model_fitted_before_the_drop(
    incremental, pipeline_run, tmp_path
):
    from models.score_store import load_model
    from transforms.features import features_as_of
    from warehouse.sql import install_macros

    home, before = incremental["home"], incremental["model_before"]
    after = query(home / "pipeline.duckdb", "SELECT * FROM marts.success_models")
    assert after.equals(before)  # the week's model row was not refitted ...
    assert incremental["artifact"].stat().st_mtime_ns == incremental["artifact_mtime"]  # nor saved
    incr = query(home / "pipeline.duckdb", "SELECT * FROM marts.company_scores")
    assert set(incr["model_version"].drop_nulls()) == {before["model_version"][0]}

    # that artifact, applied to the features of the full run on all rounds, gives the same numbers
    con = duckdb.connect(str(_copy(pipeline_run.home / "pipeline.duckdb", tmp_path)))
    try:
        install_macros(con)
        # the sample's snapshot date (2026-10-31) is before as_of: `status` is used, as in the runs
        features = features_as_of(con, SAMPLE_AS_OF, status_usable=True)
    finally:
        con.close()
    population = features.filter(pl.col("in_population"))
    expected = pl.DataFrame(
        {
            "company_id": population["company_id"],
            "expected": load_model(str(incremental["artifact"])).predict_proba(population),
        }
    )
    got = incr.filter(pl.col("in_population")).join(expected, on="company_id", how="full")
    assert got.height == population.height
    assert (got["success_probability"] - got["expected"]).abs().max() < 1e-12


def test_the_refresh_predicts_only_companies_whose_model_inputs_changed(incremental):
    """Market rates are measured at the quarter's start, so the dropped rounds change the inputs
    of their own companies only: the rest keep the probability and factors of the week's model."""
    (result,) = incremental["refresh_tick"].results
    (scores,) = [
        e.event_specific_data.materialization.metadata
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "marts/company_scores"
    ]
    population = scores["population"].value
    predicted, reused = scores["predicted"].value, scores["reused_unchanged"].value
    dropped = incremental["held_out"]["company_permalink"].str.to_lowercase().n_unique()
    assert predicted + reused == population and reused > 0
    assert 0 < predicted <= dropped  # at most the companies that raised in the drop
    # and only the companies whose facts or market statistics changed were recomputed at all
    recomputed = scores["companies_recomputed"].value
    assert isinstance(recomputed, int) and predicted <= recomputed < population / 4


def test_the_replica_has_the_dropped_rounds(incremental, pipeline_run):
    sql = "SELECT count(*) AS n FROM core.funding_rounds"
    replica = incremental["home"] / "dealflow.duckdb"
    assert query(replica, sql)["n"][0] == query(pipeline_run.replica, sql)["n"][0]
    week = query(replica, "SELECT DISTINCT week_start FROM marts.weekly_shortlist")
    assert week["week_start"].to_list() == [pipeline_run.week]


def test_delivering_the_same_file_again_is_a_no_op(incremental, instance):
    cursor = incremental["drop_tick"].cursor
    with contract_env(sources=str(incremental["sources"]), as_of=SAMPLE_AS_OF.isoformat()):
        again = tick_and_run("round_drops_sensor", instance, cursor)
    assert again.run_requests == [] and again.skip_message


def test_a_changed_file_replaces_its_rows(incremental, instance):
    drop = incremental["drops"] / DROP
    kept = incremental["held_out"].head(5)
    kept.write_csv(drop)
    with contract_env(
        sources=str(incremental["sources"]),
        home=str(incremental["home"]),
        as_of=SAMPLE_AS_OF.isoformat(),
        warehouse=None,
    ):
        tick = tick_and_run("round_drops_sensor", instance, incremental["drop_tick"].cursor)
    assert [r.partition_key for r in tick.run_requests] == [DROP]
    assert tick.results[0].success
    staged = query(
        incremental["home"] / "pipeline.duckdb",
        "SELECT _drop, count(*) AS n FROM staging.round_drops GROUP BY ALL",
    )
    assert staged.rows() == [(DROP, 5)]
    assert instance.get_dynamic_partitions("round_drops") == [DROP]


def _cursor_without(folder: Path, name: str) -> str:
    return write_cursor({d.name: d.fingerprint for d in list_drops(folder) if d.name != name})


def _fingerprint(home: Path) -> dict[str, str]:
    files = [home / "dealflow.duckdb", *sorted((home / "shortlists").glob("*.csv"))]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def test_a_drop_without_a_required_column_fails_clearly_and_publishes_nothing(
    incremental, instance
):
    home, drops = incremental["home"], incremental["drops"]
    before = _fingerprint(home)
    name = "rounds_broken.csv"
    incremental["held_out"].drop("funded_at").write_csv(drops / name)
    drop_tick, refresh_tick = run_drops(
        incremental["sources"],
        home,
        SAMPLE_AS_OF,
        instance,
        drops_cursor=_cursor_without(drops, name),
        raise_on_error=False,
    )
    assert [r.partition_key for r in drop_tick.run_requests] == [name]
    assert not drop_tick.results[0].success
    message = "\n".join(run_problems(drop_tick.results[0]))
    for part in (name, "row 1 (header)", "['funded_at']"):
        assert part in message, message
    assert refresh_tick is None  # nothing downstream ran
    assert _fingerprint(home) == before  # replica and shortlist CSVs byte-for-byte as they were
    (drops / name).unlink()


def test_bad_rows_of_a_drop_are_quarantined_with_file_row_and_column(incremental, instance):
    home, drops = incremental["home"], incremental["drops"]
    name = "rounds_bad_rows.csv"
    rows = incremental["held_out"].head(3)
    bad = rows.with_columns(
        pl.Series("funded_at", ["2026-13-45", rows["funded_at"][1], rows["funded_at"][2]]),
        pl.Series("raised_amount_usd", [None, "12 million", None]),
        pl.Series("company_permalink", [None, None, "/organization/no-such-company"]).fill_null(
            rows["company_permalink"]
        ),
        pl.Series("funding_round_permalink", ["/funding-round/bad1", "/funding-round/bad2", None]),
    )
    bad.write_csv(drops / name)
    with contract_env(
        sources=str(incremental["sources"]),
        home=str(home),
        as_of=SAMPLE_AS_OF.isoformat(),
        warehouse=None,
    ):
        tick = tick_and_run("round_drops_sensor", instance, _cursor_without(drops, name))
    assert tick.results[0].success
    db = home / "pipeline.duckdb"
    quarantined = query(
        db,
        "SELECT source_file, source_row, column_name, raw_value, reason FROM meta.quarantine "
        "WHERE source = ? ORDER BY source_row",
        [f"round_drops/{name}"],
    )
    assert quarantined["source_file"].to_list() == [str(drops / name)] * 3
    assert quarantined["source_row"].to_list() == [1, 2, 3]
    assert quarantined["column_name"].to_list() == [
        "funded_at",
        "raised_amount_usd",
        "company_permalink",
    ]
    assert quarantined["raw_value"].to_list() == [
        "2026-13-45",
        "12 million",
        bad[2, "company_permalink"],
    ]
    accounting = query(
        db, "SELECT * FROM meta.row_accounting WHERE source = ?", [f"round_drops/{name}"]
    )
    assert accounting.select("rows_read", "rows_quarantined", "reconciled").rows() == [(3, 3, True)]
