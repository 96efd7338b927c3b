"""Any subset of sources, any size: whole-graph runs on tiny generated inputs (tiny_sources.py)
with optional keys left out, only companies, only Epoch AI files, one company with one round,
and no company in any vertical. Each run succeeds, no blocking check fails, and every empty or short mart says why in
its materialization metadata (`empty_reason`), as do the checks on its empty table.

Cost (2-core machine, load 4.5): about 6 s per weekly run, 2-4 s per model evaluation. To keep
the matrix near a minute, tables with rows are validated in SQL (`gx_max_rows=0`; tables with no
row go through GX whatever the setting, the sample runs validate the rest in GX, and
tests/quality compares both paths), and only the runs where the backtest has something new to
say run the evaluation job. `fx_rates` is not left out here: the bundled sample declares none,
so every sample run covers it.
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from tests.helpers import SHARED, expected_shortlist_rows, query, run_week
from tests.pipelines import tiny_sources as tiny

AS_OF = date(2026, 11, 4)
WEEK = date(2026, 11, 2)
NO_EDGES = "no investor edges declared in the sources"
NO_MODEL = "no success model fitted: "
# tables with rows are validated in SQL (cheaper than GX on a tiny table); a table with no row is
# validated in GX whatever the setting, so every empty table here goes through GX
SETTINGS = {"gx_max_rows": 0}


@dataclass(frozen=True)
class Case:
    keys: tuple[str, ...] = tuple(tiny.KEYS)
    companies: tuple = tuple(tiny.COMPANIES)
    rounds: tuple = tuple(tiny.ROUNDS)
    # asset -> its empty_reason (a trailing "…" means: starts with)
    reasons: dict[str, str] = field(default_factory=dict)
    # table -> rows it holds for the week in the replica
    rows: dict[str, int] = field(default_factory=dict)
    evaluation: bool = False


def without(*keys: str) -> tuple[str, ...]:
    return tuple(k for k in tiny.KEYS if k not in keys)


# the tiny companies' lanes: Lumen AI and Rive Pay (France), Sable Health (the UAE); the German
# and American companies have no French or Emirati tie
SHORT_LANES = (
    "france: only 2 eligible, fewer than the lane's size 25; uae: only 1 eligible, fewer than "
    "the lane's size 25; bridge: no eligible company in this lane"
)

CASES = {
    "no_investor_edges": Case(
        without("investor_edges"),
        reasons={
            "marts/investor_scores": NO_EDGES,
            "marts/fund_shortlist": f"no investor scored this week: {NO_EDGES}",
            "marts/weekly_shortlist": SHORT_LANES,
        },
        rows={"marts.investor_scores": 0, "marts.fund_shortlist": 0, "core.investors": 0},
    ),
    "no_rounds": Case(
        without("crunchbase.rounds"),
        reasons={
            "marts/success_models": NO_MODEL + "no funded companies at any training cutoff…",
            "marts/company_scores": NO_MODEL + "no funded companies at any training cutoff…",
        },
        rows={"core.funding_rounds": 0, "marts.company_scores": 8, "marts.investor_scores": 4},
    ),
    "no_acquisitions": Case(
        without("crunchbase.acquisitions"),
        # Vista Vision is no longer acquired: six companies eligible instead of five
        reasons={"marts/weekly_shortlist": SHORT_LANES},
        rows={"core.company_exits": 0, "core.company_acquisitions_made": 0},
    ),
    "no_epoch_models": Case(
        without("epoch_models"),
        reasons={"marts/weekly_shortlist": SHORT_LANES},
        rows={"core.company_models": 0, "marts.weekly_shortlist": 3},
    ),
    "no_epoch_organizations": Case(
        without("epoch_organizations"),
        reasons={"marts/weekly_shortlist": SHORT_LANES},
        rows={"staging.epoch_organizations": 0, "core.company_models": 1},
    ),
    "epoch_only": Case(  # no Crunchbase file at all: the model builder is known from Epoch AI
        ("epoch_models", "epoch_organizations"),
        reasons={
            "marts/investor_scores": NO_EDGES,
            "marts/weekly_shortlist": "france: only 1 eligible, fewer than the lane's size 25; uae: no eligible company…",
        },
        rows={"core.companies": 1, "marts.weekly_shortlist": 1, "core.funding_rounds": 0},
    ),
    "only_companies": Case(
        ("crunchbase.companies",),
        reasons={
            "marts/investor_scores": NO_EDGES,
            "marts/fund_shortlist": f"no investor scored this week: {NO_EDGES}",
            "marts/success_models": NO_MODEL + "no dated rounds or exits on or before as_of…",
            "marts/weekly_shortlist": SHORT_LANES,
            "marts/success_backtest": "no dated round or exit on or before as_of: no cutoff…",
        },
        rows={"marts.company_scores": 8, "marts.investor_scores": 0, "marts.success_backtest": 0},
        evaluation=True,
    ),
    "one_company_one_round": Case(
        companies=tuple(tiny.COMPANIES[:1]),
        rounds=tuple(tiny.ROUNDS[:1]),
        reasons={
            "marts/weekly_shortlist": "france: only 1 eligible, fewer than the lane's size 25; uae: no eligible company…",
            "marts/fund_shortlist": "no investor passes the fund rule: fewer than 5 portfolio…",
            "marts/success_models": NO_MODEL + "…",
            "marts/success_backtest": "no model measured at any cutoff: …",
        },
        rows={"marts.company_scores": 1, "marts.weekly_shortlist": 1, "core.funding_rounds": 1},
        evaluation=True,
    ),
    "no_company_in_a_vertical": Case(
        companies=tuple(c for c in tiny.COMPANIES if c[0] in ("dune-retail", "ruhr-freight")),
        reasons={"marts/weekly_shortlist": "no company in any of the three verticals (2 scored)"},
        rows={"marts.weekly_shortlist": 0, "marts.company_scores": 2},
        evaluation=True,
    ),
}


def reasons_of(result: dg.ExecuteInProcessResult) -> dict[str, str | None]:
    """Each materialized asset's `empty_reason` (None when it gave none)."""
    out = {}
    for event in result.get_asset_materialization_events():
        m = event.materialization
        value = m.metadata.get("empty_reason")
        out[m.asset_key.to_user_string()] = None if value is None else value.value
    return out


def matches(found: str | None, expected: str) -> bool:
    if found is None:
        return False
    return found.startswith(expected[:-1]) if expected.endswith("…") else found == expected


def assert_no_check_failed(result: dg.ExecuteInProcessResult) -> None:
    evaluations = result.get_asset_check_evaluations()
    assert evaluations
    blocking = [
        e for e in evaluations if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    assert not blocking, [(e.check_name, e.description) for e in blocking]
    for e in evaluations:  # a check on no row passes (or warns) and says the table is empty
        rows = e.metadata.get("rows_validated")
        if rows is not None and rows.value == 0:
            assert e.description.startswith("no rows in "), (e.check_name, e.description)


@pytest.mark.parametrize("name", list(CASES))
def test_run_succeeds_and_empty_marts_say_why(name, tmp_path):
    case = CASES[name]
    sources = tiny.write_sources(
        tmp_path / "sources", case.keys, list(case.companies), list(case.rounds)
    )
    home = tmp_path / "home"
    weekly = run_week(sources, home, AS_OF, raise_on_error=False, settings=SETTINGS)
    assert weekly.success, name
    assert_no_check_failed(weekly)
    reasons = reasons_of(weekly)
    if case.evaluation:
        evaluation = run_week(
            sources, home, AS_OF, job_name="model_evaluation_job", settings=SETTINGS
        )
        assert evaluation.success
        assert_no_check_failed(evaluation)
        reasons |= reasons_of(evaluation)
    for asset, expected in case.reasons.items():
        assert matches(reasons.get(asset), expected), (asset, reasons.get(asset))
    replica = home / "dealflow.duckdb"
    for table, n in case.rows.items():
        week = " WHERE week_start = ?" if table.startswith("marts.") else ""
        found = query(replica, f"SELECT count(*) AS n FROM {table}{week}", [WEEK] if week else None)
        assert found["n"][0] == n, (table, found["n"][0])
    for prefix, table in (("shortlist", "weekly_shortlist"), ("fund_shortlist", "fund_shortlist")):
        # the week's CSV exists even when the week has no row (the header alone)
        path = home / "shortlists" / f"{prefix}_{WEEK}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), prefix  # UTF-8 with BOM
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        n = query(replica, f"SELECT count(*) AS n FROM marts.{table}")["n"][0]
        assert lines[0].startswith("week_start,lane,lane_rank,rank,"), prefix
        assert len(lines) == n + 1, prefix
    pack_says_what_it_lacks(home, weekly)
    # a mart with its rows says nothing; a full shortlist would say nothing either
    if "marts/investor_scores" not in case.reasons:
        assert reasons.get("marts/investor_scores") is None
    if case.companies == tuple(tiny.COMPANIES[:1]):
        one_company_shortlisted(home)


def pack_says_what_it_lacks(home: Path, weekly: dg.ExecuteInProcessResult) -> None:
    """Whatever the inputs, the week has its pack, linked from the shortlist's metadata: the
    workbook opens with a sheet per lane and says when a lane, the funds or the changes are
    empty or missing."""
    import openpyxl

    from reports.paths import REPORT, WORKBOOK, pack_folder

    folder = pack_folder(home, WEEK)
    links = {
        e.materialization.asset_key.to_user_string(): e.materialization.metadata
        for e in weekly.get_asset_materialization_events()
    }
    assert links["marts/weekly_shortlist"]["pack_report"].value == str(folder / REPORT)
    assert links["weekly_pack"]["workbook"].value == str(folder / WORKBOOK)
    book = openpyxl.load_workbook(folder / WORKBOOK)
    assert book.sheetnames == ["summary", "france", "uae", "bridge", "funds", "changes", "backtest"]
    shortlist = query(home / "dealflow.duckdb", "SELECT lane FROM marts.weekly_shortlist")
    for lane in ("france", "uae", "bridge"):
        if lane not in shortlist["lane"].to_list():
            assert book[lane]["A1"].value.startswith("No company listed in this lane"), lane
    assert book["changes"]["A1"].value.startswith("No change")
    assert "<!DOCTYPE html>" in (folder / REPORT).read_text(encoding="utf-8")


def one_company_shortlisted(home: Path) -> None:
    """The smallest input that gives a shortlist: one company, one round. It is scored (no model:
    its probability is NULL, its total score thesis fit and momentum) and is the week's only
    shortlisted company, with a rationale, in the replica and the week's CSV."""
    row = query(home / "dealflow.duckdb", "SELECT * FROM marts.weekly_shortlist").to_dicts()
    assert len(row) == 1 and row[0]["name"] == "Lumen AI" and row[0]["rank"] == 1
    assert row[0]["success_probability"] is None and 0 < row[0]["total_score"] <= 1
    assert row[0]["rationale"].strip()
    csv = pl.read_csv(home / "shortlists" / f"shortlist_{WEEK}.csv")
    assert csv["name"].to_list() == ["Lumen AI"]


SHARED_CRUNCHBASE = SHARED / "crunchbase_2015"
REAL_AS_OF = date(2015, 12, 9)


def write_real_subset(folder: Path, countries: tuple[str, ...]) -> Path:
    """The real Crunchbase companies of `countries` and their rounds, written at test time from
    ../shared/datasets (never committed), declared without investor edges or any other source."""
    import polars as pl

    def read(name: str) -> pl.DataFrame:
        path = SHARED_CRUNCHBASE / name
        return pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")

    folder.mkdir(parents=True)
    companies = read("companies.csv.gz").filter(pl.col("country_code").is_in(countries))
    keys = companies["permalink"].str.to_lowercase()
    rounds = read("rounds2.csv.gz").filter(
        pl.col("company_permalink").str.to_lowercase().is_in(keys)
    )
    companies.write_csv(folder / "companies.csv")
    rounds.write_csv(folder / "rounds2.csv")
    sources = folder / "sources.yaml"
    sources.write_text(
        "crunchbase:\n  companies: companies.csv\n  rounds: rounds2.csv\n"
        "  snapshot_date: 2015-12-04\n",
        encoding="utf-8",
    )
    return sources


@pytest.mark.real_data
@pytest.mark.skipif(
    not (SHARED_CRUNCHBASE / "companies.csv.gz").exists(), reason="../shared/datasets absent"
)
def test_real_french_emirati_german_subset_without_investor_edges(tmp_path):
    """The subset a user ran: 2,311 French, Emirati and German companies with their rounds and
    no investor edges. It failed on `co_investor_rank` in [1, $rows=0]; now the run succeeds,
    the investor marts are empty and say why, and the shortlist is full."""
    sources = write_real_subset(tmp_path / "sources", ("FRA", "ARE", "DEU"))
    home = tmp_path / "home"
    result = run_week(sources, home, REAL_AS_OF, raise_on_error=False)
    assert result.success
    assert_no_check_failed(result)
    reasons = reasons_of(result)
    assert reasons["marts/investor_scores"] == NO_EDGES
    assert reasons["marts/fund_shortlist"] == f"no investor scored this week: {NO_EDGES}"
    # the UAE lane is short on the 2015 export (the lanes say which): never padded
    assert "uae: only" in reasons["marts/weekly_shortlist"]
    replica = home / "dealflow.duckdb"
    counts = query(
        replica,
        "SELECT (SELECT count(*) FROM marts.company_scores) AS scored, "
        "(SELECT count(*) FROM marts.weekly_shortlist) AS shortlisted, "
        "(SELECT count(*) FROM marts.investor_scores) AS investors, "
        "(SELECT count(DISTINCT country_code) FROM marts.company_scores) AS countries",
    ).to_dicts()[0]
    assert counts["shortlisted"] == expected_shortlist_rows(replica) > 0
    assert counts["investors"] == 0
    assert counts["countries"] == 3 and 2000 < counts["scored"] <= 2311
