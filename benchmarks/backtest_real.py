"""Strict temporal backtest of the success model on the real Crunchbase data (../shared/datasets).

Builds the core tables (ingest, staging, entities) into a temporary DEALFLOW_HOME, then for each
cutoff trains only on what was known then, scores the population at the cutoff and measures
against the outcomes in the following 24 months, beside the baselines. The cutoffs are the ones
the `success_backtest` asset picks at as_of 2015-12-09 (newest outcome window ends at the data's
end). Each learner in --learners is backtested the same way (the configured one is what
production uses). Prints figures only.

The top of the list: `--cutoffs extended` backtests 8 cutoffs 6 months apart (2010-06 to 2013-12)
and prints precision@25/50/100 per cutoff with mean and min-max for the configured model, the
naive `most_active` ranking and blends of the two (the model's log-odds tilted by rounds in the
last 24 months; a weighted mean of their percentile ranks). The cutoffs before the first
configured one (2010-06, 2010-12, 2011-06) are where a blend's weight would be chosen; the others
are held out.

    .venv/bin/python -m benchmarks.backtest_real [--learners hgb,random_forest,logistic]
    .venv/bin/python -m benchmarks.backtest_real --learners hgb,hgb-unconstrained --cutoffs extended

`hgb-unconstrained` is the configured gradient boosting without its monotonic constraints. Each
cutoff also prints the model's top k against most_active's: the companies both list, and the
one-sided Fisher p-value that the model's own picks hit less often (models.backtest.
top_of_list_against): under 0.05, behind beyond chance.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from assets.scoring.backtest import backtest_cutoffs
from models.backtest import (
    BASELINES,
    MODEL_METHOD,
    backtest_with_predictions,
    calibration_table,
    ranking_metrics,
    success_train_fn,
    top_of_list_cells,
)
from models.thesis import load_thesis
from pipelines.runner import run_week
from transforms.features import data_end, features_as_of
from warehouse.config import PROJECT_DIR

SHARED = PROJECT_DIR.parent / "shared" / "datasets"
REAL_SOURCES = PROJECT_DIR / "config" / "sources.shared-datasets.yaml"
BUILD_AS_OF = date(2015, 12, 9)  # the export stops in December 2015
HORIZON_MONTHS = 24
GROUPS = ["ingest", "staging", "entities"]


def build_core(home: Path) -> Path:
    """Materialize the ingest, staging and entity assets on the real sources into `home`; return
    the pipeline's DuckDB file."""

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


def _pct(score: np.ndarray) -> np.ndarray:
    return pl.Series(score).rank("average").to_numpy() / len(score)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def top_of_list_candidates(frame: pl.DataFrame) -> dict[str, np.ndarray]:
    """Rankings compared at the top of the list, from a cutoff's scored population (columns
    `model` and `most_active`): the model, most_active, and blends of the two."""

    p, active = frame[MODEL_METHOD].to_numpy(), frame["most_active"].to_numpy()
    recent = np.floor(active)  # most_active = rounds in 24 months + a tie-break below one
    out = {MODEL_METHOD: p, "most_active": active}
    for b in (0.1, 0.25, 0.5, 1.0):
        out[f"tilt {b}"] = _logit(p) + b * np.log1p(recent)
    for w in (0.1, 0.25, 0.5):
        out[f"rank blend {w}"] = (1 - w) * _pct(p) + w * _pct(active)
    return out


def learner_config(cfg: dict, learner: str) -> dict:
    """The training config for a learner name: an estimator, or `hgb-unconstrained`."""
    if learner == "hgb-unconstrained":
        return cfg | {"estimator": "hgb", "monotonic": None}
    return cfg | {"estimator": learner}


def print_top_of_list(scored: dict[date, pl.DataFrame], tuning: set[date]) -> None:
    rows = []
    for cutoff, frame in scored.items():
        y = frame["label"].to_numpy()
        for method, score in top_of_list_candidates(frame).items():
            m = ranking_metrics(y, score, (25, 50, 100))
            rows.append(
                {"cutoff": cutoff, "set": "tuning" if cutoff in tuning else "held out"}
                | {"method": method, "auc_roc": m["auc_roc"]}
                | {f"P@{k}": m[f"precision@{k}"] for k in (25, 50, 100)}
            )
    table = pl.DataFrame(rows)
    naive = table.filter(pl.col("method") == "most_active").select(
        "cutoff", *[pl.col(f"P@{k}").alias(f"naive@{k}") for k in (25, 50, 100)]
    )
    table = table.join(naive, on="cutoff").with_columns(
        at_least_naive=sum(
            (pl.col(f"P@{k}") >= pl.col(f"naive@{k}") - 1e-9).cast(pl.Int32) for k in (25, 50, 100)
        )
    )
    shown = ["cutoff", "set", "method", "P@25", "P@50", "P@100", "auc_roc"]
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        float_precision=3,
        tbl_hide_dataframe_shape=True,
        tbl_width_chars=160,
        fmt_str_lengths=40,
    ):
        print("\nTop of the list, per cutoff (model, most_active):")
        print(table.filter(pl.col("method").is_in([MODEL_METHOD, "most_active"])).select(shown))
        cells = top_of_list_cells(scored, (25, 50, 100))
        print("\nThe model's top k against most_active's (p_behind < 0.05: behind beyond chance):")
        print(cells)
        for part in ("tuning", "held out"):
            rows = table.filter(pl.col("set") == part)
            if rows.is_empty():
                continue
            n = rows["cutoff"].n_unique()
            print(
                f"\n{part} cutoffs ({n}): mean [min-max] over cutoffs; "
                f"cells >= most_active of {3 * n}"
            )
            print(
                rows.group_by("method", maintain_order=True).agg(
                    *[
                        pl.format(
                            "{} [{}-{}]",
                            pl.col(f"P@{k}").mean().round(3),
                            pl.col(f"P@{k}").min().round(2),
                            pl.col(f"P@{k}").max().round(2),
                        ).alias(f"P@{k}")
                        for k in (25, 50, 100)
                    ],
                    pl.col("auc_roc").mean().round(4).alias("AUC-ROC"),
                    pl.col("at_least_naive").sum().alias(">= most_active"),
                )
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", default="hgb,random_forest,logistic")
    parser.add_argument(
        "--cutoffs",
        default="configured",
        help="configured (the asset's), extended (8, 6 months apart) or ISO dates, comma-separated",
    )
    args = parser.parse_args()
    if not (SHARED / "crunchbase_2015" / "companies.csv.gz").exists():
        print(f"skipped: the real datasets are absent ({SHARED})")
        return 0
    sys.path.insert(0, str(PROJECT_DIR))

    started = time.perf_counter()
    thesis = load_thesis()
    cfg = dict(thesis["success_model"])
    cfg["horizon_months"] = HORIZON_MONTHS
    learners = [x.strip() for x in args.learners.split(",") if x.strip()]
    with tempfile.TemporaryDirectory(prefix="dealflow-backtest-") as tmp:
        db = build_core(Path(tmp))
        built = time.perf_counter() - started
        con = duckdb.connect(str(db), read_only=True)
        try:
            end = data_end(features_as_of(con, BUILD_AS_OF))
            configured = backtest_cutoffs(
                end,
                HORIZON_MONTHS,
                int(thesis["backtest"]["n_cutoffs"]),
                int(thesis["backtest"]["step_months"]),
            )
            if args.cutoffs == "configured":
                cutoffs = configured
            elif args.cutoffs == "extended":
                cutoffs = backtest_cutoffs(end, HORIZON_MONTHS, 8, 6)
            else:
                cutoffs = [date.fromisoformat(c.strip()) for c in args.cutoffs.split(",")]
            frames, scored, timings = [], {}, {}
            for i, learner in enumerate(learners):
                t = time.perf_counter()
                res, sc = backtest_with_predictions(
                    con,
                    cutoffs,
                    HORIZON_MONTHS,
                    success_train_fn(learner_config(cfg, learner)),
                    baselines=BASELINES if i == 0 else {},
                )
                timings[learner] = time.perf_counter() - t
                res = res.with_columns(
                    pl.when(pl.col("method") == MODEL_METHOD)
                    .then(pl.lit(f"model:{learner}"))
                    .otherwise(pl.col("method"))
                    .alias("method")
                )
                frames.append(res)
                if learner == cfg.get("estimator", "hgb"):
                    scored = sc
        finally:
            con.close()
    results = pl.concat(frames, how="diagonal_relaxed").sort("cutoff", maintain_order=True)
    total = time.perf_counter() - started

    print(f"\nStrict temporal backtest, horizon {HORIZON_MONTHS} months, real Crunchbase data")
    print(
        f"cutoffs {', '.join(str(c) for c in cutoffs)} (data end {end}); training config: {cfg}\n"
    )
    print_table(results)
    print("\nMean over cutoffs:")
    means = (
        results.group_by("method", maintain_order=True)
        .agg(pl.col("precision@100").mean(), pl.col("auc_roc").mean(), pl.col("auc_pr").mean())
        .sort("auc_roc", descending=True, nulls_last=True)
    )
    with pl.Config(tbl_rows=-1, float_precision=3, tbl_hide_dataframe_shape=True):
        print(means)
    for c in cutoffs:
        rows = results.filter(pl.col("cutoff") == c)
        naive = rows.filter(~pl.col("method").str.starts_with("model"))
        best = rows.filter(pl.col("method").str.starts_with("model")).sort("auc_roc").tail(1)
        print(
            f"{c}: best learner {best['method'][0]} AUC-ROC {best['auc_roc'][0]:.3f} vs best naive "
            f"{naive['auc_roc'].max():.3f}; P@100 {best['precision@100'][0]:.2f} vs best naive "
            f"{naive['precision@100'].max():.2f}"
        )
    if scored:
        print_top_of_list(scored, {c for c in cutoffs if c < configured[0]})
        last = cutoffs[-1]
        frame = scored[last]
        print(f"\nCalibration of the configured model at cutoff {last}:")
        with pl.Config(tbl_rows=-1, float_precision=3, tbl_hide_dataframe_shape=True):
            print(calibration_table(frame["label"].to_numpy(), frame[MODEL_METHOD].to_numpy()))
    print(
        f"\nlearner time ({len(cutoffs)} cutoffs, fit + score): "
        + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    )
    print(f"core tables built in {built:.1f} s; total {total:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
