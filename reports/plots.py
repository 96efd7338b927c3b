"""Backtest plots as PNG bytes (matplotlib, Agg backend), for the Dagster UI's Markdown metadata,
or as inline SVG text for the weekly pack's report (`fmt="svg"`, `reports/charts.py`).
Free of Dagster; matplotlib is imported only when a plot is drawn."""

from __future__ import annotations

import io
import re

import polars as pl

_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_NAMESPACES = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')
_SIZE = re.compile(r'(<svg\b[^>]*?)\s+width="[^"]*"\s+height="[^"]*"')


def to_svg(fig, plt) -> str:
    """`fig` as an `<svg>` element for inline use: no XML prolog, metadata or namespace
    declarations (an HTML page needs none), scaled by the page (viewBox kept, no fixed size)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    text = _METADATA.sub("", _PROLOG.sub("", buffer.getvalue(), count=1))
    text = _NAMESPACES.sub("", text)
    return _SIZE.sub(r'\1 class="chart" role="img"', text, count=1)


def _figure(width: float = 9.0, height: float = 3.6):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt, *plt.subplots(1, 2, figsize=(width, height), dpi=90)


def _output(fig, plt, fmt: str) -> bytes | str:
    """PNG bytes, or (`fmt="svg"`) an inline `<svg>` element (`to_svg`)."""
    if fmt == "svg":
        return to_svg(fig, plt)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def draw_precision_at_k(
    ax, results: pl.DataFrame, ks: list[int], legend_size: int = 7, legend_below: bool = False
) -> None:
    """Precision@k of each method, averaged over the cutoffs, and the base rate (the legend in
    the lower left, or below the axes)."""
    for method, rows in results.group_by("method", maintain_order=True):
        values = [rows[f"precision_at_{k}"].mean() for k in ks]
        style = "o-" if method[0] == "model" else "s--"
        ax.plot(ks, values, style, label=method[0])
    base = results["base_rate"].mean()
    if base is not None:
        ax.axhline(base, color="grey", linewidth=0.8, linestyle=":", label="base rate")
    ax.set(xlabel="k (top companies)", ylabel="precision@k", ylim=(0, 1.02), xticks=ks)
    ax.set_title("Precision@k (mean over cutoffs)", fontsize=10)
    if legend_below:
        ax.legend(fontsize=legend_size, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=3)
    else:
        ax.legend(fontsize=legend_size, loc="lower left")


def draw_calibration(ax, calibration: pl.DataFrame) -> None:
    """The model's calibration: mean predicted vs observed rate per probability bin, all cutoffs
    pooled (weighted by the bins' counts), against the diagonal."""
    pooled = (
        calibration.filter(pl.col("count") > 0)
        .group_by("bin")
        .agg(
            ((pl.col("mean_predicted") * pl.col("count")).sum() / pl.col("count").sum()).alias(
                "predicted"
            ),
            ((pl.col("observed_rate") * pl.col("count")).sum() / pl.col("count").sum()).alias(
                "observed"
            ),
            pl.col("count").sum(),
        )
        .sort("bin")
    )
    ax.plot([0, 1], [0, 1], color="grey", linewidth=0.8, linestyle=":")
    if not pooled.is_empty():
        ax.plot(pooled["predicted"], pooled["observed"], "o-", label="model")
    ax.set(xlabel="predicted probability", ylabel="observed rate", xlim=(0, 1), ylim=(0, 1))
    ax.set_title("Calibration (cutoffs pooled)", fontsize=10)


def backtest_png(results: pl.DataFrame, calibration: pl.DataFrame, ks: list[int]) -> bytes:
    """Left: precision@k of each method, averaged over the cutoffs. Right: calibration of the
    model (mean predicted vs observed rate per probability bin, all cutoffs pooled)."""
    plt, fig, (left, right) = _figure()
    draw_precision_at_k(left, results, ks)
    draw_calibration(right, calibration)
    fig.tight_layout()
    return _output(fig, plt, "png")


def shortlist_backtest_png(rows: pl.DataFrame, fmt: str = "png") -> bytes | str:
    """Hit rate of each lane's listed companies (bars: the pipeline's top N, the naive most-active
    top N, the lane's base rate), one group per lane, averaged over the cutoffs where the lane
    listed any company; the counts listed under each group."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, left = plt.subplots(figsize=(6.5, 3.6), dpi=90)
    listed = rows.filter(pl.col("n_listed") > 0)
    lanes = list(dict.fromkeys(rows["lane"].to_list()))
    series = (
        ("hit_rate", "shortlist"),
        ("naive_hit_rate", "most active"),
        ("lane_base_rate", "lane base rate"),
    )
    width = 0.8 / len(series)
    for i, (column, label) in enumerate(series):
        values = [listed.filter(pl.col("lane") == lane)[column].mean() or 0.0 for lane in lanes]
        left.bar([x + (i - 1) * width for x in range(len(lanes))], values, width, label=label)
    counts = [int(listed.filter(pl.col("lane") == lane)["n_listed"].sum()) for lane in lanes]
    left.set_xticks(
        range(len(lanes)), [f"{lane}\n({n} listed)" for lane, n in zip(lanes, counts, strict=True)]
    )
    left.set(ylabel="hit rate (new round or exit in 24 months)", ylim=(0, 1.02))
    left.set_title("Shortlist by lane, mean over cutoffs", fontsize=10)
    left.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return _output(fig, plt, fmt)
