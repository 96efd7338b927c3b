"""Bad input gets a clear answer and loses nothing; what analysts already have stays intact.

Each case starts from a home where a good run was published (replica + shortlist CSVs), swaps one
real broken file (or sources YAML) into a copy of the sample's sources, and runs the job. A case
either fails with an error naming the file (and row/column where there is one) and leaves every
published byte as it was, or succeeds with the bad rows in `meta.quarantine` / `meta.value_issues`
with their reason and every other row staged.
"""

import csv
import gzip
import hashlib
import io
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from pipelines.cli import run_problems
from tests.helpers import SAMPLE_SOURCES, query, run_week

AS_OF = date(2026, 11, 4)
SPEC = yaml.safe_load(SAMPLE_SOURCES.read_text())
FILES = {
    "companies": SPEC["crunchbase"]["companies"],
    "rounds": SPEC["crunchbase"]["rounds"],
    "acquisitions": SPEC["crunchbase"]["acquisitions"],
    "investor_edges": SPEC["investor_edges"],
}


def sample_text(kind: str) -> str:
    return gzip.decompress((SAMPLE_SOURCES.parent / FILES[kind]).read_bytes()).decode(
        "utf-8", errors="replace"
    )


def sample_rows(kind: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(sample_text(kind), newline="")))


def to_csv(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.fixture(scope="module")
def published(pipeline_run, tmp_path_factory) -> Path:
    """A home holding a published good run: a copy of the session's whole-graph run when that is
    the bundled sample's week (the same run), else a run of its own."""
    home = tmp_path_factory.mktemp("published")
    if pipeline_run.on_sample and pipeline_run.as_of == AS_OF:
        shutil.copytree(pipeline_run.home, home, dirs_exist_ok=True)
    else:
        assert run_week(SAMPLE_SOURCES, home, AS_OF).success
    assert (home / "dealflow.duckdb").exists() and any((home / "shortlists").glob("*.csv"))
    return home


def fingerprint(home: Path) -> dict[str, str]:
    files = [
        home / "dealflow.duckdb",
        *sorted((home / "shortlists").glob("*.csv")),
        *sorted((home / "packs").rglob("*.*")),  # the week's pack: a failed run leaves it whole
    ]
    assert any(f.parent.parent.name == "packs" for f in files)
    return {str(f.relative_to(home)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def sources_with(
    tmp: Path, kind: str | None = None, content: bytes | None = None, name: str = "broken.csv"
) -> Path:
    """A sources YAML like the sample's, with `kind`'s file replaced by `content`."""
    spec = yaml.safe_load(SAMPLE_SOURCES.read_text())
    base = SAMPLE_SOURCES.parent
    for key in ("companies", "rounds", "acquisitions"):
        spec["crunchbase"][key] = str(base / spec["crunchbase"][key])
    for key, value in spec.items():  # investor edges, Epoch AI, the current sources
        if isinstance(value, str):
            spec[key] = str(base / value)
    if kind is not None:
        (tmp / name).write_bytes(content)
        if kind in ("companies", "rounds", "acquisitions"):
            spec["crunchbase"][kind] = name
        else:
            spec[kind] = name
    path = tmp / "sources.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def run_case(
    published: Path, tmp: Path, sources: Path, full: bool = True
) -> tuple[dg.ExecuteInProcessResult, Path]:
    """Run on a copy of the published home: the whole job, or (full=False) ingest and staging
    only, which is all a quarantine outcome needs."""
    home = tmp / "home"
    shutil.copytree(published, home)
    groups = None if full else ["ingest", "staging"]
    # the sources file edited in place, as a user would: the home's runs read "this" file
    con = duckdb.connect(str(home / "pipeline.duckdb"))
    try:
        con.execute("UPDATE meta.runs SET sources = ?", [str(sources)])
    finally:
        con.close()
    return run_week(sources, home, AS_OF, raise_on_error=False, groups=groups), home


def failure_messages(result: dg.ExecuteInProcessResult) -> str:
    return "\n".join(run_problems(result))


def assert_fails_and_nothing_changed(
    published: Path, tmp: Path, sources: Path, *patterns: str
) -> None:
    before = fingerprint(published)
    result, home = run_case(published, tmp, sources)
    assert not result.success
    message = failure_messages(result)
    for pattern in patterns:
        assert pattern in message, message
    assert fingerprint(home) == before  # replica and shortlist CSVs byte-for-byte as they were


# --- cases that must stop the run ----------------------------------------------------------


def truncated_gzip() -> bytes:
    return gzip.compress(sample_text("companies").encode())[:2000]


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4


FAILING: dict[str, tuple[str, Callable[[], bytes], tuple[str, ...]]] = {
    "truncated_gzip": ("companies", truncated_gzip, ("broken.csv", "corrupt or truncated gzip")),
    "binary_not_csv": ("companies", png, ("broken.csv", "binary content")),
    "html_not_csv": (
        "rounds",
        lambda: b"<html><body><h1>502 Bad Gateway</h1></body></html>\n",
        (
            "broken.csv",
            "row 1 (header)",
            "missing required column(s) ['company_permalink', 'funded_at']",
        ),
    ),
    "missing_required_column": (
        "rounds",
        lambda: to_csv(
            [[c for i, c in enumerate(r) if i != 4] for r in sample_rows("rounds")]
        ).encode(),
        ("broken.csv", "row 1 (header)", "['funded_at']"),
    ),
    "renamed_required_column": (
        "companies",
        lambda: to_csv(
            [["perma_link", *sample_rows("companies")[0][1:]], *sample_rows("companies")[1:]]
        ).encode(),
        ("broken.csv", "['permalink']"),
    ),
    "empty_file": ("companies", lambda: b"", ("broken.csv", "empty file")),
}


@pytest.mark.parametrize("case", sorted(FAILING))
def test_broken_file_stops_the_run_and_changes_nothing(published, tmp_path, case):
    kind, make, patterns = FAILING[case]
    sources = sources_with(tmp_path, kind, make())
    assert_fails_and_nothing_changed(published, tmp_path, sources, *patterns)


def test_header_only_file_stops_the_run(published, tmp_path):
    header = sample_text("companies").splitlines()[0] + "\n"
    sources = sources_with(tmp_path, "companies", header.encode())
    assert_fails_and_nothing_changed(
        published,
        tmp_path,
        sources,
        "check failed: raw/crunchbase_companies:crunchbase_companies_expectations",
    )


def test_missing_file_named_in_sources(published, tmp_path):
    sources = sources_with(tmp_path)
    spec = yaml.safe_load(sources.read_text())
    spec["investor_edges"] = str(tmp_path / "nowhere" / "edges.csv.gz")
    sources.write_text(yaml.safe_dump(spec))
    assert_fails_and_nothing_changed(
        published, tmp_path, sources, "nowhere/edges.csv.gz: file not found"
    )


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("crunchbase: [companies\n  rounds: x\n", "not valid YAML"),
        ("crunchbase:\n  companies: a.csv\nfounders: b.csv\n", "unknown source kind 'founders'"),
        (
            "crunchbase:\n  companies: a.csv\n  rounds: a.csv\n",
            "is declared as ['crunchbase.companies', 'crunchbase.rounds']",
        ),
        ("investor_edges: a.csv\ninvestor_edges: b.csv\n", "'investor_edges' declared twice"),
    ],
)
def test_bad_sources_yaml_stops_the_run(published, tmp_path, text, pattern):
    sources = tmp_path / "sources.yaml"
    sources.write_text(text)
    assert_fails_and_nothing_changed(published, tmp_path, sources, "sources.yaml", pattern)


# --- cases that must stage what is good and keep the rest with its reason ------------------


def staged(home: Path, sql: str, params=None):
    return query(home / "pipeline.duckdb", sql, params)


def accounting(home: Path, source: str) -> dict:
    return staged(home, "SELECT * FROM meta.row_accounting WHERE source = ?", [source]).row(
        0, named=True
    )


def test_semicolon_and_tab_delimited_files_are_read(published, tmp_path):
    rows = sample_rows("companies")
    (tmp_path / "tab.csv").write_text(to_csv(rows, "\t"))
    sources = sources_with(tmp_path, "rounds", to_csv(sample_rows("rounds"), ";").encode())
    spec = yaml.safe_load(sources.read_text())
    spec["crunchbase"]["companies"] = "tab.csv"
    sources.write_text(yaml.safe_dump(spec))
    result, home = run_case(published, tmp_path, sources, full=False)
    assert result.success
    assert accounting(home, "companies")["rows_staged"] == len(rows) - 1
    assert accounting(home, "rounds")["rows_read"] == len(sample_rows("rounds")) - 1


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "utf-8-sig"])
def test_other_encodings_and_bom_are_read(published, tmp_path, encoding):
    rows = sample_rows("companies")
    rows[1][1] = "Société Générale d'Électronique"
    text = to_csv(
        [[c.encode("latin-1", errors="replace").decode("latin-1") for c in r] for r in rows]
    )
    sources = sources_with(tmp_path, "companies", text.encode(encoding))
    result, home = run_case(published, tmp_path, sources, full=False)
    assert result.success
    names = staged(home, "SELECT name FROM staging.companies WHERE _source_row = 1")[
        "name"
    ].to_list()
    assert names == ["Société Générale d'Électronique"]
    assert accounting(home, "companies")["rows_staged"] == len(rows) - 1


def test_schema_drift_extra_columns_tolerated_and_reported(published, tmp_path):
    rows = [[*r, "x"] for r in sample_rows("companies")]
    rows[0][-1] = "employee_count"
    rows = [[c for i, c in enumerate(r) if i != 8] for r in rows]  # optional `region` missing
    sources = sources_with(tmp_path, "companies", to_csv(rows).encode())
    result, _ = run_case(published, tmp_path, sources, full=False)
    assert result.success
    notes = next(
        m.metadata["read_notes"].value
        for m in result.asset_materializations_for_node("raw__crunchbase_companies")
    )
    assert "employee_count" in notes and "region" in notes


def test_duplicate_rows_are_collapsed_and_counted(published, tmp_path):
    rows = sample_rows("rounds")
    sources = sources_with(tmp_path, "rounds", to_csv([*rows, *rows[1:11]]).encode())
    result, home = run_case(published, tmp_path, sources, full=False)
    assert result.success
    acc = accounting(home, "rounds")
    assert acc["duplicates_collapsed"] == 10 and acc["reconciled"]


def test_bad_amounts_are_quarantined_with_reason(published, tmp_path):
    rows = sample_rows("rounds")
    bad = {1: "-5000000", 2: "1e15", 3: "ten million", 4: "12,000,000"}
    for i, value in bad.items():
        rows[i][5] = value
    sources = sources_with(tmp_path, "rounds", to_csv(rows).encode())
    result, home = run_case(published, tmp_path, sources, full=False)
    assert result.success
    q = staged(
        home,
        "SELECT source_row, column_name, raw_value, reason FROM meta.quarantine "
        "WHERE source = 'rounds' AND source_row <= 4 ORDER BY source_row",
    )
    assert q.rows() == [
        (1, "raised_amount_usd", "-5000000", "amount not a number in [0, 1e12)"),
        (2, "raised_amount_usd", "1e15", "amount not a number in [0, 1e12)"),
        (3, "raised_amount_usd", "ten million", "amount not a number in [0, 1e12)"),
    ]
    assert (
        staged(home, "SELECT amount_usd FROM staging.rounds WHERE _source_row = 4")["amount_usd"][0]
        == 12e6
    )
    assert accounting(home, "rounds")["reconciled"]


def test_bad_dates_are_quarantined_or_nulled_and_mixed_formats_parse(published, tmp_path):
    rounds = sample_rows("rounds")
    rounds[1][4], rounds[2][4], rounds[3][4], rounds[4][4] = (
        "01-01-2099",
        "01-01-1850",
        "2015-03-07",
        "07/03/2015",
    )
    companies = sample_rows("companies")
    companies[1][11] = "2099-01-01"
    (tmp_path / "companies.csv").write_text(to_csv(companies))
    sources = sources_with(tmp_path, "rounds", to_csv(rounds).encode())
    spec = yaml.safe_load(sources.read_text())
    spec["crunchbase"]["companies"] = "companies.csv"
    sources.write_text(yaml.safe_dump(spec))
    result, home = run_case(published, tmp_path, sources, full=False)
    assert result.success
    q = staged(
        home,
        "SELECT source_row, column_name, reason FROM meta.quarantine WHERE source = 'rounds' "
        "AND source_row <= 4 ORDER BY 1",
    )
    assert q.rows() == [
        (1, "funded_at", "unparseable or implausible date (required)"),
        (2, "funded_at", "unparseable or implausible date (required)"),
    ]
    dates = staged(
        home,
        "SELECT funded_on FROM staging.rounds WHERE _source_row IN (3, 4) ORDER BY _source_row",
    )
    assert dates["funded_on"].to_list() == [date(2015, 3, 7), date(2015, 3, 7)]
    issue = staged(
        home,
        "SELECT column_name, raw_value FROM meta.value_issues WHERE source = 'companies' "
        "AND source_row = 1",
    )
    assert issue.rows() == [("founded_at", "2099-01-01")]


def test_unknown_currency_and_country_are_kept_and_reported(published, tmp_path):
    acquisitions = sample_rows("acquisitions")
    acquisitions[1][16], acquisitions[1][17], acquisitions[1][10] = "1000000", "XYZ", "XXX"
    sources = sources_with(tmp_path, "acquisitions", to_csv(acquisitions).encode())
    result, home = run_case(published, tmp_path, sources, full=False)
    assert result.success
    row = staged(
        home,
        "SELECT price_amount, price_usd, acquirer_country_code FROM staging.acquisitions "
        "WHERE _source_row = 1",
    )
    assert row.rows() == [(1e6, None, None)]
    issues = staged(
        home,
        "SELECT column_name, raw_value, issue FROM meta.value_issues "
        "WHERE source = 'acquisitions' AND source_row = 1 ORDER BY 1",
    )
    assert issues.rows() == [
        ("acquirer_country_code", "XXX", "unknown country code set to NULL"),
        ("price_currency_code", "XYZ", "unknown currency, price not converted"),
    ]


HOSTILE = [
    'Quote "Labs" O\'Brien',
    "Semi;colon AI",
    "New\nLine Robotics",
    "'); drop table x; --",
    "Robert'); DROP TABLE core.companies;--",
]


def test_hostile_company_names_pass_through_untouched(published, tmp_path):
    rows = sample_rows("companies")
    for i, name in enumerate(HOSTILE, start=1):
        rows[i][1] = name
    sources = sources_with(tmp_path, "companies", to_csv(rows).encode())
    result, home = run_case(published, tmp_path, sources)
    assert result.success
    names = staged(
        home,
        "SELECT name FROM staging.companies WHERE _source_row <= ? ORDER BY _source_row",
        [len(HOSTILE)],
    )["name"].to_list()
    assert names == HOSTILE
    replica = query(home / "dealflow.duckdb", "SELECT count(*) AS n FROM core.companies")["n"][0]
    assert replica >= len(rows) - 1  # no table was dropped


def test_malformed_records_are_quarantined_with_their_line(published, tmp_path):
    text = sample_text("rounds").splitlines()
    text[2] = text[2] + ",surplus,fields"
    sources = sources_with(tmp_path, "rounds", ("\n".join(text) + "\n").encode())
    result, home = run_case(published, tmp_path, sources, full=False)
    assert result.success
    q = staged(
        home,
        "SELECT source_row, raw_value, reason FROM meta.quarantine WHERE source = 'rounds' AND source_row = 2",
    )
    assert q["reason"].to_list() == ["malformed record"]
    assert q["raw_value"][0].startswith("line 3: 8 fields, header has 6")
    assert accounting(home, "rounds")["reconciled"]
