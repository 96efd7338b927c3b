"""The success model's strict temporal backtest, where analysts look: a table and plots."""

import base64
from collections.abc import Iterator
from datetime import date

import dagster as dg
import polars as pl

from assets.scoring.assets import MODEL_INPUTS
from assets.tables import table_result, table_specs
from models.backtest import (
    MODEL_METHOD,
    MOST_ACTIVE,
    backtest_with_predictions,
    calibration_table,
    success_train_fn,
    top_of_list_cells,
)
from models.calendar import add_months
from models.score_store import status_usable
from models.thesis import load_thesis
from models.threads import limit_threads
from reports.plots import backtest_png
from transforms.features import data_end, extent_as_of
from warehouse.metadata import bar_chart, markdown_table, table_metadata
from warehouse.partitions import weekly_partitions
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.tables import replace_week, state_table, write_frame


def backtest_cutoffs(end: date, horizon_months: int, n: int, step_months: int) -> list[date]:
    """Oldest first: the newest cutoff's outcome window ends at `end`, the others step back."""
    newest = add_months(end, -horizon_months)
    return [add_months(newest, -k * step_months) for k in reversed(range(n))]


def _no_calibration() -> pl.DataFrame:
    """The calibration table's columns, without a row."""
    import numpy as np

    return (
        calibration_table(np.zeros(1), np.zeros(1))
        .clear()
        .with_columns(pl.lit(None, dtype=pl.Date).alias("cutoff"))
    )


def backtest_empty_reason(end: date | None, model_rows: pl.DataFrame) -> str | None:
    """Why the backtest measured no model (None when it measured one at some cutoff)."""
    if end is None:
        return "no dated round or exit on or before as_of: no cutoff to backtest"
    measured = model_rows.filter(pl.col("skipped_reason").is_null())
    if not measured.is_empty():
        return None
    reasons = model_rows.group_by("skipped_reason", maintain_order=True).agg(pl.col("cutoff"))
    return "no model measured at any cutoff: " + "; ".join(
        f"{', '.join(str(c) for c in r['cutoff'])}: {r['skipped_reason']}"
        for r in reasons.iter_rows(named=True)
    )


# each cutoff's model probabilities, kept for `shortlist_backtest` (private: not published)
PREDICTIONS = state_table("success_backtest_predictions")


def save_predictions(con, week: date, scored: dict[date, pl.DataFrame]) -> None:
    """Replace `PREDICTIONS` with the week's (cutoff, company_id, success_probability): the model
    trained at each cutoff on that cutoff's population (no row for a cutoff without a model)."""
    frames = [
        f.select(
            pl.lit(week).alias("week_start"),
            pl.lit(c).alias("cutoff"),
            "company_id",
            pl.col(MODEL_METHOD).alias("success_probability"),
        )
        for c, f in scored.items()
        if MODEL_METHOD in f.columns
    ]
    empty = pl.DataFrame(
        schema={
            "week_start": pl.Date,
            "cutoff": pl.Date,
            "company_id": pl.String,
            "success_probability": pl.Float64,
        }
    )
    write_frame(con, PREDICTIONS, pl.concat([empty.clear(), *frames], how="vertical_relaxed"))


def top_of_list(
    results: pl.DataFrame, ks: list[int], cells: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Precision@k of the model and of `most_active` over the cutoffs: mean [min-max], at how
    many cutoffs the model's is at least most_active's and, given `cells` (`top_of_list_cells`),
    at how many it is behind beyond chance."""
    pair = results.filter(pl.col("method").is_in([MODEL_METHOD, MOST_ACTIVE]))
    spread = pair.group_by("method", maintain_order=True).agg(
        *[
            pl.format(
                "{} [{}-{}]",
                pl.col(f"precision_at_{k}").mean().round(3),
                pl.col(f"precision_at_{k}").min().round(2),
                pl.col(f"precision_at_{k}").max().round(2),
            ).alias(f"precision_at_{k}")
            for k in ks
        ],
        pl.col("auc_roc").mean().round(3).alias("auc_roc_mean"),
    )
    by = {
        m: pair.filter(pl.col("method") == m).select(
            "cutoff", *[pl.col(f"precision_at_{k}").alias(f"{k}_{m}") for k in ks]
        )
        for m in (MODEL_METHOD, MOST_ACTIVE)
    }
    wide = by[MODEL_METHOD].join(by[MOST_ACTIVE], on="cutoff")
    if not wide.is_empty():
        wins = {
            k: int((wide[f"{k}_{MODEL_METHOD}"] >= wide[f"{k}_{MOST_ACTIVE}"] - 1e-9).sum())
            for k in ks
        }
        at_least = {f"precision_at_{k}": f"{wins[k]} of {wide.height}" for k in ks}
        spread = pl.concat(
            [spread, pl.DataFrame([{"method": "cutoffs model >= most_active"} | at_least])],
            how="diagonal_relaxed",
        )
    if cells is not None and not cells.is_empty():
        behind = {
            f"precision_at_{k}": (
                f"{int(c['verdict'].str.ends_with('beyond chance').sum())} of {c.height}"
            )
            for k in ks
            if not (c := cells.filter(pl.col("k") == k)).is_empty()
        }
        spread = pl.concat(
            [spread, pl.DataFrame([{"method": "cutoffs model behind beyond chance"} | behind])],
            how="diagonal_relaxed",
        )
    return spread


def _columns(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({c: c.replace("@", "_at_") for c in frame.columns if "@" in c})


SUCCESS_BACKTEST_DESCRIPTION = """How well the success model would have done: for each of several
past cutoffs (the newest one's 24-month outcome window ends where the data ends at as_of), the
model is trained only on what was known at the cutoff, scores the population then (a round, no
exit) and is measured against the outcomes that followed: precision@25/50/100, lift over the base
rate, AUC-PR, AUC-ROC, Brier score; side by side with naive rankings (random, total raised, most
recent round, investor count, most active: rounds in the last 24 months, ties by rounds ever). One
row per week, cutoff and method; the calibration table per cutoff is in
`marts.success_calibration`. The UI shows the table and a precision@k / calibration plot. Each
cutoff's probabilities are kept for `shortlist_backtest`."""
# after the weekly run published the week (its pack is the last step): the model evaluation
# measures that week, and `shortlist_backtest` publishes the results
BACKTEST_DEPS = [*MODEL_INPUTS, dg.AssetKey("weekly_pack")]
SUCCESS_BACKTEST = dg.AssetKey(["marts", "success_backtest"])


@dg.multi_asset(
    name="success_backtest",
    specs=table_specs(
        ("marts.success_backtest", "marts.success_calibration"),
        group_name="scoring",
        description=SUCCESS_BACKTEST_DESCRIPTION,
        deps=BACKTEST_DEPS,
        kinds={"duckdb", "scikitlearn"},
        partitions_def=weekly_partitions,
    ),
)
def success_backtest(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> Iterator[dg.MaterializeResult]:
    """The success model's backtest at past cutoffs, and its calibration per cutoff."""

    week = date.fromisoformat(context.partition_key)
    as_of = settings.week_as_of(context.partition_key)
    thesis = load_thesis()
    cfg = thesis["success_model"] | {"n_jobs": settings.model_worker_count()}
    bt = thesis["backtest"]
    horizon, ks = int(cfg["horizon_months"]), [int(k) for k in bt["ks"]]
    with warehouse.connect() as con:
        end = data_end(extent_as_of(con, as_of, status_usable(settings.sources_path(), as_of)))
        cutoffs = (
            []
            if end is None
            else backtest_cutoffs(end, horizon, int(bt["n_cutoffs"]), int(bt["step_months"]))
        )
        with limit_threads(1):
            results, scored = backtest_with_predictions(
                con, cutoffs, horizon, success_train_fn(cfg), ks=ks
            )
        results = _columns(results).with_columns(
            pl.lit(week).alias("week_start"), pl.lit(as_of).alias("as_of")
        )
        calibration = pl.concat(
            [
                calibration_table(f["label"].to_numpy(), f[MODEL_METHOD].to_numpy()).with_columns(
                    pl.lit(c).alias("cutoff")
                )
                for c, f in scored.items()
                if MODEL_METHOD in f.columns
            ]
            or [_no_calibration()],
            how="diagonal_relaxed",
        ).with_columns(pl.lit(week).alias("week_start"))
        for table, frame in (
            ("marts.success_backtest", results),
            ("marts.success_calibration", calibration),
        ):
            frame = frame.select("week_start", *[c for c in frame.columns if c != "week_start"])
            replace_week(con, table, frame, week)
        save_predictions(con, week, scored)
        shown = results.select(
            "cutoff",
            "method",
            "n",
            pl.col("base_rate").round(3),
            *[pl.col(f"precision_at_{k}").round(2) for k in ks],
            pl.col(f"lift_at_{ks[-1]}").round(2),
            pl.col("auc_pr").round(3),
            pl.col("auc_roc").round(3),
            pl.col("brier").round(3),
        )
        model_rows = results.filter(pl.col("method") == MODEL_METHOD)
        best_naive = results.filter(pl.col("method") != MODEL_METHOD)
        meta = table_metadata(
            con,
            "marts.success_backtest",
            week,
            as_of=str(as_of),
            cutoffs=", ".join(str(c) for c in cutoffs),
            horizon_months=horizon,
            backtest=dg.MetadataValue.md(markdown_table(shown)),
            empty_reason=backtest_empty_reason(end, model_rows),
        )
        if not model_rows.is_empty() and model_rows["auc_roc"].null_count() < model_rows.height:
            meta["model_auc_roc_mean"] = dg.MetadataValue.float(float(model_rows["auc_roc"].mean()))
            meta[f"model_precision_at_{ks[-1]}_mean"] = dg.MetadataValue.float(
                float(model_rows[f"precision_at_{ks[-1]}"].mean())
            )
            meta["best_naive_auc_roc_mean"] = dg.MetadataValue.float(
                float(best_naive.group_by("method").agg(pl.col("auc_roc").mean())["auc_roc"].max())
            )
            cells = top_of_list_cells(scored, ks)
            meta["top_of_list"] = dg.MetadataValue.md(
                markdown_table(top_of_list(results, ks, cells))
            )
            meta["top_of_list_by_cutoff"] = dg.MetadataValue.md(
                markdown_table(
                    cells.with_columns(
                        pl.col("model_precision", "most_active_precision").round(2),
                        pl.col("p_behind").round(2),
                    )
                )
            )
            k = ks[-1]
            by_method = (
                results.group_by("method")
                .agg(pl.col(f"precision_at_{k}").mean())
                .sort(f"precision_at_{k}", descending=True, nulls_last=True)
            )
            # shown inline on the asset page (short Markdown); the full plot is `plot` below
            meta["chart"] = dg.MetadataValue.md(
                bar_chart("method", f"precision@{k}, mean over cutoffs", by_method.rows())
            )
            png = base64.b64encode(backtest_png(results, calibration, ks)).decode()
            meta["plot"] = dg.MetadataValue.md(
                f"![precision@k and calibration](data:image/png;base64,{png})"
            )
        yield dg.MaterializeResult(asset_key=SUCCESS_BACKTEST, metadata=meta)
        yield table_result(con, "marts.success_calibration", week)
