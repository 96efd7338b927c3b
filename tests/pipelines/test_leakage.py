"""Leakage: scores as of a past date do not change when every fact dated after it is removed from
the inputs, and when the snapshot's undated columns (status, funding totals) are scrambled."""

import gzip
from datetime import date
from pathlib import Path

import polars as pl
import yaml

from tests.helpers import SAMPLE_SOURCES, query, run_week

AS_OF = date(2023, 6, 14)
TODAY = date.today()

# file kind -> (date column, strptime format)
DATED = {
    ("crunchbase", "companies"): ("founded_at", "%Y-%m-%d"),
    ("crunchbase", "rounds"): ("funded_at", "%d-%m-%Y"),
    ("crunchbase", "acquisitions"): ("acquired_at", "%Y-%m-%d"),
    ("investor_edges",): ("funded_when", "%Y-%m-%d"),
    ("epoch_models",): ("Publication date", "%Y-%m-%d"),
}


# current sources (top-level keys): the date of each row's fact. The semiconductor list gives years
# (founded: 1 January, as staged; exits: 31 December, as staged); a round still in discussion has
# no close date and is dated by its report.
def _text(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars()


CURRENT_DATED = {
    "chip_startups": (_text("Founded") + "-01-01").str.to_date("%Y-%m-%d", strict=False),
    "chip_exits": (_text("Year") + "-12-31").str.to_date("%Y-%m-%d", strict=False),
    "epoch_funding_rounds": pl.coalesce(
        _text("Close date").str.to_date("%m/%d/%Y", strict=False),
        _text("Report date").str.to_date("%m/%d/%Y", strict=False),
    ),
    "epoch_companies": _text("Founding date").str.to_date("%m/%d/%Y", strict=False),
    # an analyst's decision is a fact of its day too
    "analyst_decisions": _text("decided_on").str.to_date("%Y-%m-%d", strict=False),
}


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")


def _write(frame: pl.DataFrame, path: Path) -> None:
    path.write_bytes(gzip.compress(frame.write_csv().encode()))


def _after_as_of(frame: pl.DataFrame, column: str, fmt: str) -> pl.Expr:
    return _day_after_as_of(pl.col(column).str.strip_chars().str.to_date(fmt, strict=False))


def _day_after_as_of(day: pl.Expr) -> pl.Expr:
    # a typo such as 2914 is not a fact dated after as_of: it is no date at all
    return (day > AS_OF) & (day <= TODAY) & (day.dt.year() >= 1900)


def trimmed_sources(tmp: Path) -> Path:
    """A copy of the sample's inputs without any fact dated after AS_OF."""
    spec = yaml.safe_load(SAMPLE_SOURCES.read_text())
    out: dict = {}
    for keys, (column, fmt) in DATED.items():
        node = spec
        for k in keys:
            node = node[k]
        frame = _read(SAMPLE_SOURCES.parent / node)
        frame = frame.filter(~_after_as_of(frame, column, fmt).fill_null(False))
        if keys[-1] == "companies":  # snapshot columns say nothing about the past: scramble them
            frame = frame.with_columns(
                pl.lit("operating").alias("status"),
                pl.lit("").alias("funding_total_usd"),
                pl.lit("").alias("last_funding_at"),
                pl.lit("").alias("funding_rounds"),
            )
        target = tmp / f"{'_'.join(keys)}.csv.gz"
        _write(frame, target)
        parent = out
        for k in keys[:-1]:
            parent = parent.setdefault(k, {})
        parent[keys[-1]] = str(target)
    out["epoch_organizations"] = str(
        (SAMPLE_SOURCES.parent / spec["epoch_organizations"]).resolve()
    )
    for key, day in CURRENT_DATED.items():
        frame = _read(SAMPLE_SOURCES.parent / spec[key])
        frame = frame.filter(~_day_after_as_of(day).fill_null(False))
        if frame.height:  # a file left with no row is a source not declared
            _write(frame, tmp / f"{key}.csv.gz")
            out[key] = str(tmp / f"{key}.csv.gz")
    out.setdefault("crunchbase", {})["snapshot_date"] = spec["crunchbase"]["snapshot_date"]
    path = tmp / "sources.yaml"
    path.write_text(yaml.safe_dump(out))
    return path


def test_scores_as_of_a_past_date_ignore_later_facts(tmp_path):
    full_home, trim_home = tmp_path / "full", tmp_path / "trim"
    trimmed = trimmed_sources(tmp_path)
    for sources, home in [(SAMPLE_SOURCES, full_home), (trimmed, trim_home)]:
        for job in ("dealflow_job", "model_evaluation_job"):
            # checks in SQL (no assertion here reads them; the session's sample run and
            # tests/quality cover the GX path)
            settings = {"gx_max_rows": 0}
            assert run_week(sources, home, AS_OF, job_name=job, settings=settings).success
    sql = "SELECT * EXCLUDE (model_version) FROM marts.company_scores ORDER BY company_id"
    full, trim = (
        query(full_home / "dealflow.duckdb", sql),
        query(trim_home / "dealflow.duckdb", sql),
    )
    assert full.height > 500 and full["as_of"].unique().to_list() == [AS_OF]
    assert full["success_probability"].drop_nulls().len() > 100  # the model was trained and used
    assert full["company_id"].to_list() == trim["company_id"].to_list()
    for column in full.columns:
        a, b = full[column], trim[column]
        if a.dtype.is_float():
            assert ((a - b).abs().fill_null(0) < 1e-9).all() and a.is_null().equals(b.is_null()), (
                column
            )
        else:
            assert a.equals(b), column
    shortlist = "SELECT company_id, rank FROM marts.weekly_shortlist ORDER BY rank"
    assert query(full_home / "dealflow.duckdb", shortlist).equals(
        query(trim_home / "dealflow.duckdb", shortlist)
    )
    # the backtest and the fitted model's hold-out read nothing after as_of either
    backtest = (
        "SELECT cutoff, method, n, positives, precision_at_100, auc_roc, brier "
        "FROM marts.success_backtest ORDER BY cutoff, method"
    )
    a = query(full_home / "dealflow.duckdb", backtest)
    assert a.height >= 5 and (a["cutoff"] < AS_OF).all()
    assert a.equals(query(trim_home / "dealflow.duckdb", backtest))
    model = "SELECT training_rows, holdout_auc_roc, holdout_brier FROM marts.success_models"
    assert query(full_home / "dealflow.duckdb", model).equals(
        query(trim_home / "dealflow.duckdb", model)
    )
    assert_investor_marts_equal(full_home / "dealflow.duckdb", trim_home / "dealflow.duckdb")


def assert_investor_marts_equal(full_db: Path, trim_db: Path) -> None:
    """Investor scores and the fund shortlist read only facts dated on or before as_of too."""
    scores = query(full_db, "SELECT * FROM marts.investor_scores ORDER BY investor_id")
    assert scores.height > 200 and scores["as_of"].unique().to_list() == [AS_OF]
    assert scores["is_fund"].sum() > 25 and (scores["last_investment_on"] <= AS_OF).all()
    for sql in (
        "SELECT * FROM marts.investor_scores ORDER BY investor_id",
        "SELECT * FROM marts.fund_shortlist ORDER BY rank",
    ):
        full, trim = query(full_db, sql), query(trim_db, sql)
        assert full.columns == trim.columns and full.height == trim.height, sql
        for column in full.columns:
            a, b = full[column], trim[column]
            if a.dtype.is_float():
                close = ((a - b).abs().fill_null(0) < 1e-9).all()
                assert close and a.is_null().equals(b.is_null()), (sql, column)
            else:
                assert a.equals(b), (sql, column)
