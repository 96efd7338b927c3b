"""Strict temporal backtest of the success model on the real Crunchbase data (../shared/datasets).

Builds the core tables (ingest, staging, entities) into a temporary DEALFLOW_HOME, then for each
cutoff trains only on what was known then, scores the population at the cutoff and measures
against the outcomes in the following 24 months, beside the baselines. Prints figures only.

    .venv/bin/python -m benchmarks.backtest_real
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED = PROJECT_DIR.parent / "shared" / "datasets"
REAL_SOURCES = PROJECT_DIR / "config" / "sources.shared-datasets.yaml"
BUILD_AS_OF = date(2015, 12, 9)  # the export stops in December 2015
CUTOFFS = (date(2011, 12, 1), date(2012, 12, 1), date(2013, 12, 1))
HORIZON_MONTHS = 24
GROUPS = ["ingest", "staging", "entities"]


def build_core(home: Path) -> Path:
    """Materialize the ingest, staging and entity assets on the real sources into `home`; return
    the pipeline's DuckDB file."""
    from pipelines.runner import run_week

    if not run_week(REAL_SOURCES, home, BUILD_AS_OF, raise_on_error=False, groups=GROUPS).success:
        raise RuntimeError("building the core tables failed")
    return home / "pipeline.duckdb"


def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def print_table(results: pl.DataFrame) -> None:
    columns = [
        ("cutoff", "cutoff", 0),
        ("method", "method", 0),
        ("n", "n", 0),
        ("base", "base_rate", 3),
        ("P@25", "precision@25", 2),
        ("P@50", "precision@50", 2),
        ("P@100", "precision@100", 2),
        ("lift@100", "lift@100", 2),
        ("AUC-PR", "auc_pr", 3),
        ("AUC-ROC", "auc_roc", 3),
        ("Brier", "brier", 3),
    ]
    cells = [[h for h, _, _ in columns]]
    for row in results.iter_rows(named=True):
        cells.append([_fmt(row[c], d) for _, c, d in columns])
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    for i, r in enumerate(cells):
        print(
            "  ".join(
                v.ljust(w) if j < 2 else v.rjust(w)
                for j, (v, w) in enumerate(zip(r, widths, strict=True))
            )
        )
        if i == 0:
            print("  ".join("-" * w for w in widths))


def main() -> int:
    if not (SHARED / "crunchbase_2015" / "companies.csv.gz").exists():
        print(f"skipped: the real datasets are absent ({SHARED})")
        return 0
    sys.path.insert(0, str(PROJECT_DIR))
    import duckdb

    from models.backtest import (
        MODEL_METHOD,
        backtest_with_predictions,
        calibration_table,
        success_train_fn,
    )
    from models.thesis import load_thesis

    started = time.perf_counter()
    cfg = dict(load_thesis()["success_model"])
    cfg["horizon_months"] = HORIZON_MONTHS
    with tempfile.TemporaryDirectory(prefix="dealflow-backtest-") as tmp:
        db = build_core(Path(tmp))
        built = time.perf_counter() - started
        con = duckdb.connect(str(db), read_only=True)
        try:
            results, scored = backtest_with_predictions(
                con, CUTOFFS, HORIZON_MONTHS, success_train_fn(cfg)
            )
        finally:
            con.close()
    total = time.perf_counter() - started

    print(f"\nStrict temporal backtest, horizon {HORIZON_MONTHS} months, real Crunchbase data")
    print(f"training config: {cfg}\n")
    print_table(results)
    last = CUTOFFS[-1]
    frame = scored[last]
    print(f"\nCalibration of the model at cutoff {last} (outcomes to the end of the horizon):")
    if MODEL_METHOD in frame.columns:
        with pl.Config(tbl_rows=-1, float_precision=3, tbl_hide_dataframe_shape=True):
            print(calibration_table(frame["label"].to_numpy(), frame[MODEL_METHOD].to_numpy()))
    else:
        print("no model could be fitted at this cutoff")
    print(f"\ncore tables built in {built:.1f} s; total {total:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
