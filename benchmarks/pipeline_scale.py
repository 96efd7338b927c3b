"""How the pipeline scales with the number of companies, against bare DuckDB and plain pandas.

    .venv/bin/python -m benchmarks.pipeline_scale --companies 100000     (or: make bench)
    .venv/bin/python -m benchmarks.pipeline_scale --companies 3000000 --format 2015

What is measured, on synthetic provider files of N companies (`sampledata.generate`, seed 42,
written once to `data/bench/bulk-<N>/` or `data/bench/<N>/` and reused), in one of two formats:

* `--format bulk` (the default): a Crunchbase bulk export (`data/sample/sources.yaml`'s
  layout) of N organisations, about a third as many funding rounds and as many investments as
  organisations (3M organisations: ~1M rounds, ~3M investments, ~160k investors), plus the
  mapped partner files, fund-performance disclosures and the Epoch / current files. The universe
  that raises has `BULK_FUNDED_SHARE` of the organisations; the others are directory entries
  that never raised, as most of a real bulk export (4.2M organisations, 0.76M rounds).
* `--format 2015`: the Crunchbase December-2015 export layout and the 2013 investment edges
  (`data/sample/sources.yaml`) of N companies, as measured before the bulk format existed.

1. **The pipeline**: every asset and check of `dealflow_job` (the weekly run) for the week of
   `AS_OF`, executed in this process into a fresh `DEALFLOW_HOME` under `data/bench/runs/`. Per
   step (asset or check): wall time from the run's event log (STEP_START to STEP_SUCCESS/FAILURE
   timestamps), peak resident memory of the process during the step, rows out (the
   materialization's `dagster/row_count`) and rows in (the upstream assets' row counts; for a
   check, the checked asset's). Then `model_evaluation_job` (the backtest, which a sensor starts
   after each weekly run) in the same home, reported on its own lines and outside the ratios.
2. **A bare-DuckDB reference** on the same files, in one connection, no Dagster: the same load
   (`read_csv` of the gz files, all_varchar, lineage columns; mapped exports through
   `transforms.mapped`, undeclared kinds as empty tables), the staging SQL of every `STAGED`
   table in `assets/staging/sql` (same macros and the same `transforms.staging.stage`
   statements, in dependency order), the core
   SQL of `assets/core/sql`, the taxonomy statement (`transforms.taxonomy.taxonomy_sql`), and the
   feature SQL `transforms/sql/company_features.sql`. Reference tables (FX,
   stages, curated investors, country lookup) are built first, timed on their own line. A file
   DuckDB refuses as invalid UTF-8 is read as Latin-1 (same rows; the pipeline replaces bytes).
3. **A plain pandas reference** of ingest and features: `pandas.read_csv` of the gz files,
   typing, rounds aggregated per company (counts, sums, first/last round date, 24-month window),
   exits, investors per company (2015 format: through a name match; bulk: through the round
   UUIDs), joined onto the companies.
4. **Start-up costs**: code-location import time (`import pipelines.definitions` in a fresh
   interpreter, best of 3) and time until `dagster-webserver` answers `/server_info`.

Peak memory is sampled every 20 ms by a background thread (psutil when installed, else
`/proc/self/status` VmRSS); the overall peak is the kernel's high-water mark (VmHWM) when available.
The last line printed is `pipeline/duckdb=R pipeline/pandas=Q peak_rss_gib=M`: the pipeline's
total wall time over each reference's, and the process's peak RSS in GiB when the pipeline ended
(it runs first, so this is the pipeline's own peak; the line before gives the peak including the
references). Timings are only
comparable on an otherwise idle machine: the success model's OpenMP threads slow down sharply when
another process holds a core.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from assets.core.assets import SQL_DIR as CORE_SQL
from assets.core.rounds import funding_rounds_sql
from assets.ingest.assets import MAPPED_TABLES, RAW_TABLES
from assets.staging.assets import SQL_DIR as STAGING_SQL
from assets.staging.assets import STAGED
from models.score_store import status_usable
from pipelines.cli import run_problems
from pipelines.definitions import defs
from pipelines.runner import run_week
from transforms.features import feature_params, features_sql
from transforms.ingest import empty_raw_frame
from transforms.mapped import mapped_raw_frame
from transforms.reference import (
    ecb_history_bytes,
    fx_rates_long,
    known_investors_frame,
    stage_frame,
    stage_map_frame,
)
from transforms.sources import SOURCE_KINDS, load_sources
from transforms.staging import register_country_lookup, stage
from transforms.taxonomy import taxonomy_sql
from warehouse.config import PROJECT_DIR
from warehouse.sql import install_macros, sql_text
from warehouse.tables import quote_literal, write_frame

BENCH_DIR = PROJECT_DIR / "data" / "bench"
AS_OF = date(2026, 11, 4)
SEED = 42
GIB = 1024**3
SAMPLE_SECONDS = 0.02
FORMATS = ("bulk", "2015")
# the bulk format: the share of organisations that are the universe's companies (the others never
# raised) and the extra co-investors per round, so that N organisations give ~N/3 rounds and ~N
# investments (the universe makes ~1.27 rounds per company and ~1.6 edges per round)
BULK_FUNDED_SHARE = 0.2623
BULK_EXTRA_PER_ROUND = 1.45


def _raw_tables() -> dict[str, str]:
    """Raw table -> source kind, as the pipeline's ingest assets declare them."""

    return RAW_TABLES


def country_columns() -> dict[str, list[str]]:
    """Raw table (without schema) -> its columns holding country text, as staging reads them."""
    columns: dict[str, list[str]] = {}
    for raw_table, cols, _ in STAGED.values():
        columns.setdefault(raw_table.split(".")[1], []).extend(cols)
    return columns


def staging_order() -> list[str]:
    """Every staged table, after the staged tables it depends on."""
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        for dep in STAGED[name][2]:
            if dep[0] == "staging" and dep[1] in STAGED and dep[1] != name:
                visit(dep[1])
        order.append(name)

    for name in STAGED:
        visit(name)
    return order


# ---------------------------------------------------------------------------------------------
# Memory sampling and result rows
# ---------------------------------------------------------------------------------------------


def _proc_status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def current_rss_bytes() -> int:
    try:
        import psutil  # optional
    except ImportError:
        return _proc_status_kib("VmRSS") * 1024
    return int(psutil.Process().memory_info().rss)


def peak_rss_bytes() -> int:
    """The process's high-water mark of resident memory (VmHWM, else ru_maxrss)."""
    try:
        return _proc_status_kib("VmHWM") * 1024
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class RssSampler:
    """Samples the process's RSS in a background thread; answers the peak over a time window."""

    def __init__(self, every: float = SAMPLE_SECONDS) -> None:
        self.every = every
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), current_rss_bytes()))
            self._stop.wait(self.every)

    def start(self) -> RssSampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def peak_gib(self, start: float, end: float) -> float:
        inside = [rss for t, rss in self.samples if start - self.every <= t <= end + self.every]
        return max(inside, default=current_rss_bytes()) / GIB


@dataclass
class Row:
    """One line of the report."""

    section: str
    name: str
    seconds: float
    peak_gib: float | None
    rows_in: int | None = None
    rows_out: int | None = None


@contextmanager
def timed(
    rows: list[Row], sampler: RssSampler, section: str, name: str, rows_out: Callable[[], int]
) -> Iterator[None]:
    """Time the block, then append its row (rows_out is evaluated after the clock stops)."""
    start = time.time()
    yield
    end = time.time()
    rows.append(Row(section, name, end - start, sampler.peak_gib(start, end), None, rows_out()))


# ---------------------------------------------------------------------------------------------
# Input files
# ---------------------------------------------------------------------------------------------


def ensure_data(companies: int, fmt: str = "bulk") -> Path:
    """The sources YAML of N synthetic companies (bulk: organisations), generated once into
    data/bench/bulk-<N>/ (bulk) or data/bench/<N>/ (2015)."""

    out = BENCH_DIR / (f"bulk-{companies}" if fmt == "bulk" else str(companies))
    sources = out / ("sources.yaml" if fmt == "bulk" else "sources.crunchbase2015.yaml")
    if not sources.exists():
        started = time.perf_counter()
        args = ["--out", str(out), "--seed", str(SEED), "--companies", str(companies)]
        if fmt == "bulk":
            universe = max(3000, round(companies * BULK_FUNDED_SHARE))
            args[-1] = str(universe)
            args += ["--bulk-directory", str(max(0, companies - universe))]
            args += ["--bulk-extra-investors", str(BULK_EXTRA_PER_ROUND)]
        # in its own process: the generator's memory is not the pipeline's peak
        subprocess.run(
            [sys.executable, "-m", "sampledata.generate", *args],
            cwd=PROJECT_DIR,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"generated {out} in {time.perf_counter() - started:.1f}s", flush=True)
    return sources


def declared_files(sources: Path) -> dict[str, Path]:
    declared = load_sources(sources)
    return {raw: declared.get(kind) for raw, kind in _raw_tables().items() if declared.get(kind)}


def fresh_dir(name: str) -> Path:
    path = BENCH_DIR / "runs" / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


# ---------------------------------------------------------------------------------------------
# 1. The pipeline, in process
# ---------------------------------------------------------------------------------------------


def run_pipeline(
    sources: Path, home: Path, sampler: RssSampler, job_name: str = "dealflow_job"
) -> tuple[list[Row], Row]:
    """Materialize every asset of `job_name` for the week of AS_OF; one row per step."""

    instance = dg.DagsterInstance.ephemeral()
    started = time.time()
    result = run_week(
        sources, home, AS_OF, raise_on_error=False, instance=instance, job_name=job_name
    )
    ended = time.time()
    if not result.success:
        raise SystemExit(f"{job_name} failed:\n" + "\n".join(run_problems(result)))
    section = "pipeline" if job_name == "dealflow_job" else "evaluation"
    steps = step_rows(instance.all_logs(result.run_id), defs.resolve_asset_graph(), sampler)
    for step in steps:
        step.section = step.section.replace("pipeline", section)
    total = Row(section, "TOTAL (execute_in_process)", ended - started, 0.0)
    total.peak_gib = sampler.peak_gib(started, ended)
    return steps, total


def _step_events(records: list) -> tuple[dict, dict, dict, dict, dict]:
    """Start and end timestamps, rows out (of the step's own table: the first it reports) and
    checked asset by step key; the row count of every table materialized."""
    starts, ends, rows_out, checked, counts = {}, {}, {}, {}, {}
    for record in records:
        event = record.dagster_event
        if event is None or event.step_key is None:
            continue
        kind, key = event.event_type_value, event.step_key
        if kind == "STEP_START":
            starts[key] = record.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            ends[key] = record.timestamp
        elif kind == "ASSET_MATERIALIZATION":
            mat = event.event_specific_data.materialization
            count = mat.metadata.get("dagster/row_count")
            counts[mat.asset_key] = getattr(count, "value", None)
            rows_out.setdefault(key, (mat.asset_key, counts[mat.asset_key]))
        elif kind == "ASSET_CHECK_EVALUATION":
            checked[key] = event.event_specific_data.asset_key
    return starts, ends, rows_out, checked, counts


def step_rows(records: list, graph, sampler: RssSampler) -> list[Row]:
    starts, ends, outputs, checked, counts = _step_events(records)
    rows = []
    for key in sorted(starts, key=starts.get):
        end = ends.get(key, starts[key])
        if key in outputs:
            asset, out = outputs[key]
            parents = [counts.get(p) for p in graph.get(asset).parent_keys]
            rows_in = sum(n for n in parents if n is not None) if parents else None
            section = "pipeline asset"
        else:
            out, rows_in, section = None, counts.get(checked.get(key)), "pipeline check"
        peak = sampler.peak_gib(starts[key], end)
        rows.append(Row(section, key, end - starts[key], peak, rows_in, out))
    return rows


# ---------------------------------------------------------------------------------------------
# 2. Bare DuckDB reference
# ---------------------------------------------------------------------------------------------


def _load_sql(table: str, path: Path, encoding: str) -> str:
    return (
        f"CREATE OR REPLACE TABLE raw.{table} AS SELECT *, NULL::VARCHAR AS _malformed, "
        f"{quote_literal(str(path))} AS _source_file, row_number() OVER () AS _source_row, "
        f"now() AS _loaded_at FROM read_csv({quote_literal(str(path))}, all_varchar = true, "
        f"header = true, delim = ',', quote = '\"', escape = '\"', encoding = '{encoding}')"
    )


def load_raw(con, table: str, path: Path) -> None:
    """DuckDB's read_csv refuses invalid UTF-8 (the pipeline replaces those bytes): such a file
    is read again as Latin-1, which keeps every row (accents of valid UTF-8 then read wrongly)."""

    try:
        con.execute(_load_sql(table, path, "utf-8"))
    except duckdb.InvalidInputException:
        con.execute(_load_sql(table, path, "latin-1"))


def _count(con, table: str) -> Callable[[], int]:
    return lambda: int(con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def _reference_tables(con) -> None:
    write_frame(con, "ref.fx_rates", fx_rates_long(ecb_history_bytes(None)))
    write_frame(con, "ref.round_stage_map", stage_map_frame())
    write_frame(con, "ref.stages", stage_frame())
    write_frame(con, "ref.known_investors", known_investors_frame())
    con.execute(
        "CREATE OR REPLACE TABLE ref.known_investors AS "
        "SELECT DISTINCT norm_name(name) AS name_norm, country_code FROM ref.known_investors"
    )


def _country_lookup(con, tables: list[str]) -> None:
    columns = country_columns()
    union = " UNION ALL ".join(
        f'SELECT "{c}" AS v FROM raw.{t}' for t in tables for c in columns.get(t, [])
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _country_values AS {union}")
    register_country_lookup(con, "_country_values", ["v"])


def _feature_params(sources: Path) -> dict:
    return feature_params(AS_OF, status_usable=status_usable(sources, AS_OF))


def load_other_raw(con, sources: Path, loaded: dict[str, Path]) -> list[str]:
    """Raw tables without a declared CSV, as the pipeline's ingest assets write them: the mapped
    exports of each entity read through their mapping (no export: no rows), the undeclared kinds
    empty with their columns. Returns the mapped tables."""
    declared = load_sources(sources)
    for table, kind in _raw_tables().items():
        if table not in loaded:
            write_frame(con, f"raw.{table}", empty_raw_frame(SOURCE_KINDS[kind]))
    for table, entity in MAPPED_TABLES.items():
        write_frame(con, f"raw.{table}", mapped_raw_frame(entity, declared.mapped_of(entity))[0])
    return list(MAPPED_TABLES)


def duckdb_reference(sources: Path, home: Path, sampler: RssSampler) -> list[Row]:
    """Load, stage, conform, classify and compute features in one DuckDB connection."""

    files, rows, sec = declared_files(sources), [], "bare duckdb"
    con = duckdb.connect(str(home / "reference.duckdb"))
    with timed(rows, sampler, sec, "reference tables + macros", _count(con, "ref.fx_rates")):
        for schema in ("raw", "ref", "staging", "core", "meta", "marts"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        install_macros(con)
        _reference_tables(con)
    for table, path in files.items():
        with timed(rows, sampler, sec, f"load raw.{table}", _count(con, f"raw.{table}")):
            load_raw(con, table, path)
    mapped: list[str] = []
    with timed(
        rows,
        sampler,
        sec,
        "load raw.mapped_* and undeclared kinds",
        lambda: sum(_count(con, f"raw.{t}")() for t in mapped),
    ):
        mapped += load_other_raw(con, sources, files)
    with timed(rows, sampler, sec, "country lookup (pycountry)", _count(con, "country_lookup")):
        _country_lookup(con, [*_raw_tables(), *mapped])
    for name in staging_order():
        raw_table = STAGED[name][0]
        with timed(rows, sampler, sec, f"stage staging.{name}", _count(con, f"staging.{name}")):
            stage(
                con, name, raw_table, sql_text(name, STAGING_SQL), f"staging.{name}", date.today()
            )
    core_sql = {
        "companies": sql_text("companies", CORE_SQL),
        "funding_rounds": funding_rounds_sql(),  # with the exits
        "investors": sql_text("investment_edges", CORE_SQL)
        + sql_text("investments", CORE_SQL)
        + sql_text("investors", CORE_SQL),
    }
    for name, text in core_sql.items():
        with timed(rows, sampler, sec, f"core SQL {name}", _count(con, f"core.{name}")):
            con.execute(text)
    with timed(rows, sampler, sec, "taxonomy SQL", _count(con, "core.company_taxonomy")):
        con.execute(taxonomy_sql())  # the pipeline's own statement (transforms/taxonomy.py)
    with timed(rows, sampler, sec, "feature SQL", _count(con, "marts.features")):
        features = features_sql()
        con.execute(
            f"CREATE OR REPLACE TABLE marts.features AS {features}", _feature_params(sources)
        )
    con.close()
    return rows


# ---------------------------------------------------------------------------------------------
# 3. Plain pandas reference
# ---------------------------------------------------------------------------------------------


def _read_pandas(path: Path):
    import pandas as pd

    return pd.read_csv(
        path, dtype=str, keep_default_na=False, na_values=[""], encoding_errors="replace"
    )


def _to_date(series):
    import pandas as pd

    return pd.to_datetime(series, errors="coerce", format="mixed")


def _norm(series):
    return series.str.strip().str.lower()


def _pandas_typed(raw: dict) -> dict:
    import pandas as pd

    companies = raw["crunchbase_companies"].assign(
        company_key=lambda f: _norm(f["permalink"]),
        name_norm=lambda f: _norm(f["name"]),
        founded_on=lambda f: _to_date(f["founded_at"]),
    )
    rounds = raw["crunchbase_rounds"].assign(
        company_key=lambda f: _norm(f["company_permalink"]),
        funded_on=lambda f: _to_date(f["funded_at"]),
        amount_usd=lambda f: pd.to_numeric(f["raised_amount_usd"], errors="coerce"),
    )
    acquisitions = raw["crunchbase_acquisitions"].assign(
        company_key=lambda f: _norm(f["company_permalink"]),
        acquired_on=lambda f: _to_date(f["acquired_at"]),
    )
    edges = raw["investor_edges"].assign(
        name_norm=lambda f: _norm(f["company_name"]),
        investor=lambda f: _norm(f["investor_name"]),
        funded_on=lambda f: _to_date(f["funded_when"]),
    )
    return {"companies": companies, "rounds": rounds, "acquisitions": acquisitions, "edges": edges}


def _pandas_typed_bulk(raw: dict) -> dict:
    """The bulk export typed like the 2015 files: companies and rounds keyed by lower-cased UUID,
    acquisitions and IPOs as exits, investments joined to their round's company by UUID."""
    import pandas as pd

    companies = raw["crunchbase_bulk_organizations"].assign(
        company_key=lambda f: _norm(f["uuid"]),
        name_norm=lambda f: _norm(f["name"]),
        founded_on=lambda f: _to_date(f["founded_on"]),
    )
    rounds = raw["crunchbase_bulk_funding_rounds"].assign(
        company_key=lambda f: _norm(f["org_uuid"]),
        round_key=lambda f: _norm(f["uuid"]),
        funded_on=lambda f: _to_date(f["announced_on"]),
        amount_usd=lambda f: pd.to_numeric(f["raised_amount_usd"], errors="coerce"),
    )
    exits = pd.concat(
        [
            raw["crunchbase_bulk_acquisitions"].assign(
                company_key=lambda f: _norm(f["acquiree_uuid"]),
                acquired_on=lambda f: _to_date(f["acquired_on"]),
            )[["company_key", "acquired_on"]],
            raw["crunchbase_bulk_ipos"].assign(
                company_key=lambda f: _norm(f["org_uuid"]),
                acquired_on=lambda f: _to_date(f["went_public_on"]),
            )[["company_key", "acquired_on"]],
        ]
    )
    edges = (
        raw["crunchbase_bulk_investments"]
        .assign(
            round_key=lambda f: _norm(f["funding_round_uuid"]),
            investor=lambda f: _norm(f["investor_uuid"]),
        )
        .merge(rounds[["round_key", "company_key", "funded_on"]], on="round_key", how="inner")
    )
    return {"companies": companies, "rounds": rounds, "acquisitions": exits, "edges": edges}


def _pandas_features(typed: dict):
    import pandas as pd

    as_of = pd.Timestamp(AS_OF)
    window = as_of - pd.DateOffset(months=24)
    companies = typed["companies"].dropna(subset=["company_key"])
    rounds = typed["rounds"].dropna(subset=["company_key", "funded_on"])
    rounds = rounds[rounds["funded_on"] <= as_of].assign(
        recent=lambda f: f["funded_on"] > window,
        recent_usd=lambda f: f["amount_usd"].where(f["funded_on"] > window),
    )
    stats = rounds.groupby("company_key").agg(
        n_rounds=("funded_on", "size"),
        n_rounds_24m=("recent", "sum"),
        total_raised_usd=("amount_usd", "sum"),
        raised_24m_usd=("recent_usd", "sum"),
        first_round_on=("funded_on", "min"),
        last_round_on=("funded_on", "max"),
    )
    acq = typed["acquisitions"]
    exits = acq[acq["acquired_on"] <= as_of].groupby("company_key")["acquired_on"].min()
    edges = typed["edges"]
    edges = edges[edges["funded_on"] <= as_of]
    if "company_key" not in edges.columns:  # 2015 format: investors matched by company name
        unique = companies.drop_duplicates("name_norm", keep=False)[["name_norm", "company_key"]]
        edges = edges.merge(unique, on="name_norm", how="inner")
    investors = edges.groupby("company_key")["investor"].nunique().rename("n_investors")
    companies = companies.drop_duplicates("company_key")
    out = companies.set_index("company_key").join(stats).join(exits.rename("exited_on"))
    out = out.join(investors)
    counts = ["n_rounds", "n_rounds_24m", "total_raised_usd", "raised_24m_usd", "n_investors"]
    out[counts] = out[counts].fillna(0)
    out["days_since_last_round"] = (as_of - out["last_round_on"]).dt.days
    out["in_population"] = (out["n_rounds"] > 0) & out["exited_on"].isna()
    return out.reset_index()


PANDAS_TABLES = {
    "2015": (
        "crunchbase_companies",
        "crunchbase_rounds",
        "crunchbase_acquisitions",
        "investor_edges",
    ),
    "bulk": (
        "crunchbase_bulk_organizations",
        "crunchbase_bulk_funding_rounds",
        "crunchbase_bulk_acquisitions",
        "crunchbase_bulk_ipos",
        "crunchbase_bulk_investments",
    ),
}


def pandas_reference(sources: Path, sampler: RssSampler) -> list[Row]:
    files, rows, sec = declared_files(sources), [], "pandas"
    fmt = "bulk" if "crunchbase_bulk_organizations" in files else "2015"
    raw: dict = {}
    for table in PANDAS_TABLES[fmt]:
        with timed(rows, sampler, sec, f"read_csv {table}", lambda t=table: len(raw[t])):
            raw[table] = _read_pandas(files[table])
    typed: dict = {}
    with timed(rows, sampler, sec, "typing", lambda: sum(len(f) for f in typed.values())):
        typed.update(_pandas_typed_bulk(raw) if fmt == "bulk" else _pandas_typed(raw))
    result: list = []
    with timed(rows, sampler, sec, "rounds per company + joins", lambda: len(result[0])):
        result.append(_pandas_features(typed))
    return rows


# ---------------------------------------------------------------------------------------------
# 4. Start-up costs
# ---------------------------------------------------------------------------------------------


def location_load_seconds(tries: int = 3) -> float:
    """Best wall time of `import pipelines.definitions` in a fresh interpreter."""
    best = float("inf")
    for _ in range(tries):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "import pipelines.definitions"], cwd=PROJECT_DIR, check=True
        )
        best = min(best, time.perf_counter() - started)
    return best


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def ui_ready_seconds(timeout: float = 180.0) -> float:
    """Seconds from starting `dagster-webserver` until `/server_info` answers (inf on timeout)."""
    port, home = _free_port(), Path(tempfile.mkdtemp(prefix="bench-dagster-home-"))
    shutil.copy(PROJECT_DIR / "dagster.yaml", home / "dagster.yaml")
    webserver = Path(sys.executable).parent / "dagster-webserver"
    args = [str(webserver), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)]
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    started = time.perf_counter()
    proc = subprocess.Popen(
        args,
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        return _wait_for(f"http://127.0.0.1:{port}/server_info", started, timeout, proc)
    finally:
        _stop_group(proc)
        shutil.rmtree(home, ignore_errors=True)


def _wait_for(url: str, started: float, timeout: float, proc: subprocess.Popen) -> float:
    while time.perf_counter() - started < timeout and proc.poll() is None:
        if _answers(url):
            return time.perf_counter() - started
        time.sleep(0.2)
    return float("inf")


def _stop_group(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def _fmt_int(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _fmt_gib(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def print_table(rows: list[Row]) -> None:
    print(
        f"{'section':<15} {'step':<44} {'wall s':>8} {'peak GiB':>9} {'rows in':>12} {'rows out':>12}"
    )
    print("-" * 105)
    for row in rows:
        print(
            f"{row.section:<15} {row.name[:44]:<44} {row.seconds:>8.2f} {_fmt_gib(row.peak_gib):>9} "
            f"{_fmt_int(row.rows_in):>12} {_fmt_int(row.rows_out):>12}"
        )


def _total(section: str, rows: list[Row]) -> Row:
    return Row(
        section,
        "TOTAL",
        sum(r.seconds for r in rows),
        max((r.peak_gib or 0.0 for r in rows), default=0.0),
    )


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--companies", type=int, default=100_000, help="companies (bulk: organisations)"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="bulk",
        help="provider format of the files: a Crunchbase bulk export (default) or the 2015 export",
    )
    parser.add_argument("--skip-ui", action="store_true", help="do not time the webserver start")
    parser.add_argument(
        "--skip-evaluation", action="store_true", help="do not time model_evaluation_job"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    sources = ensure_data(args.companies, args.format)
    sampler = RssSampler().start()
    n = args.companies
    prefix = f"bulk-{n}" if args.format == "bulk" else str(n)
    home = fresh_dir(f"{prefix}-pipeline")
    steps, pipeline = run_pipeline(sources, home, sampler)
    pipeline_peak = peak_rss_bytes() / GIB  # the pipeline runs first: its own high-water mark
    # the backtest, started by a sensor after the weekly run: timed, not in the ratios
    evaluation, evaluation_total = [], None
    if not args.skip_evaluation:
        evaluation, evaluation_total = run_pipeline(sources, home, sampler, "model_evaluation_job")
    bare = duckdb_reference(sources, fresh_dir(f"{prefix}-duckdb"), sampler)
    plain = pandas_reference(sources, sampler)
    sampler.stop()
    startup = [Row("startup", "code location import (best of 3)", location_load_seconds(), None)]
    if not args.skip_ui:
        startup.append(
            Row("startup", "dagster-webserver until /server_info", ui_ready_seconds(), None)
        )
    duck_total, pandas_total = _total("bare duckdb", bare), _total("pandas", plain)
    what = "organisations (Crunchbase bulk format)" if args.format == "bulk" else "companies"
    print(f"\n{n:,} {what}, as of {AS_OF}, files in {sources.parent}\n")
    pipeline_rows = [*steps, pipeline, *evaluation, *([evaluation_total] if evaluation else [])]
    print_table([*pipeline_rows, *bare, duck_total, *plain, pandas_total, *startup])
    print(f"process peak RSS including the references: {peak_rss_bytes() / GIB:.2f} GiB")
    if evaluation_total is not None:
        print(
            f"model_evaluation_job (backtest, after the weekly run): "
            f"{evaluation_total.seconds:.1f}s, "
            f"{evaluation_total.seconds / duck_total.seconds:.2f} x bare duckdb, "
            f"peak {evaluation_total.peak_gib:.2f} GiB"
        )
    print(
        f"pipeline/duckdb={pipeline.seconds / duck_total.seconds:.2f} "
        f"pipeline/pandas={pipeline.seconds / pandas_total.seconds:.2f} "
        f"peak_rss_gib={pipeline_peak:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
