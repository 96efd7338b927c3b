"""The whole graph on the sample: the analysts' decisions shape the week's shortlist, and a second
week run into the same home lists what changed since the first."""

import shutil
from datetime import timedelta

import polars as pl
import pytest

from tests.helpers import query, run_week


@pytest.fixture(scope="module")
def second_week(pipeline_run, tmp_path_factory):
    """A copy of the session's home, then the week three weeks later run into it."""
    home = tmp_path_factory.mktemp("two_weeks") / "home"
    shutil.copytree(pipeline_run.home, home)
    later = pipeline_run.as_of + timedelta(days=21)
    assert run_week(pipeline_run.sources, home, later).success
    return home / "dealflow.duckdb", pipeline_run.week, pipeline_run.week + timedelta(days=21)


def _listed(db, week) -> dict:
    rows = query(db, "SELECT * FROM marts.weekly_shortlist WHERE week_start = ?", [week])
    return {r["name"]: r for r in rows.iter_rows(named=True)}


def test_the_first_week_of_a_home_has_no_changes(pipeline_run):
    changes = query(pipeline_run.replica, "SELECT * FROM marts.shortlist_changes")
    assert changes.is_empty()


def test_the_sample_decisions_shape_the_shortlist(pipeline_run):
    if not pipeline_run.on_sample:
        pytest.skip("the bundled decisions name sample companies")
    listed = _listed(pipeline_run.replica, pipeline_run.week)
    assert listed["Tebleme Apps"]["analyst_status"] == "in_diligence"
    assert listed["Tebleme Apps"]["analyst_note"] == "Data room opened; call with the CTO"
    assert listed["Tebleme Apps"]["rationale"].startswith("Analyst status: in diligence since")
    assert listed["MyQuijetve Software"]["analyst_status"] == "watch"
    assert listed["GoClasolopt Labs"]["analyst_status"] == "in_diligence"  # the latest decision
    assert "MeflowexX" not in listed  # passed, no rise since
    univide = listed["Univide Motors"]
    assert univide["lane"] == "portfolio" and univide["rank"] is None
    # decided on 2026-11-20, after this week's as_of: not known yet
    assert listed["Teveto Group"]["lane"] == "uae"
    assert listed["Teveto Group"]["analyst_status"] is None
    unmatched = query(
        pipeline_run.replica,
        "SELECT company, unmatched_reason FROM core.analyst_decisions WHERE company_id IS NULL",
    )
    assert sorted(unmatched["company"]) == ["Nonexistent Robotics SAS", "Tramarwex"]
    bad = query(
        pipeline_run.replica,
        "SELECT source_row, column_name, raw_value FROM meta.quarantine "
        "WHERE source = 'analyst_decisions'",
    )
    assert bad.rows() == [(10, "status", "maybe")]


def test_a_second_week_lists_its_changes(second_week, pipeline_run):
    db, first, second = second_week
    changes = query(
        db, "SELECT * FROM marts.shortlist_changes WHERE week_start = ? ORDER BY ALL", [second]
    )
    assert changes.height > 0
    assert changes["previous_week_start"].unique().to_list() == [first]
    listed_now = set(_listed(db, second))
    listed_then = set(_listed(db, first))
    assert set(changes["name"]) == listed_now | listed_then
    assert set(changes.filter(pl.col("change") == "dropped")["name"]) == listed_then - listed_now
    assert changes["reason"].str.len_chars().min() > 0
    if pipeline_run.on_sample:  # Teveto Group's portfolio decision is known by then
        teveto = changes.filter(pl.col("name") == "Teveto Group").row(0, named=True)
        assert teveto["lane"] == "portfolio" and teveto["previous_lane"] == "uae"
        assert teveto["reason"].startswith("changed lane: uae → portfolio; moved to the portfolio")
