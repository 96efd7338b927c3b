"""The pack's charts as inline SVG (matplotlib, Agg backend): text stays text, no file, no
font or script fetched; each chart's ids are salted with its name so several charts live in one
page. matplotlib is imported only when a chart is drawn."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

import polars as pl

from models.lanes import Lane
from reports.plots import (
    draw_calibration,
    draw_precision_at_k,
    shortlist_backtest_png,
    to_svg,
)

VERTICAL_COLORS = {
    "generative_models": "#4c72b0",
    "sector_applications": "#55a868",
    "ai_semiconductors": "#c44e52",
}
CHANGE_COLORS = {
    "new": "#55a868",
    "up": "#8fbc8f",
    "same": "#b0b0b0",
    "down": "#e39b6b",
    "dropped": "#c44e52",
}


@contextmanager
def _pyplot(salt: str):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": salt, "font.size": 10, "axes.titlesize": 11}
    ):
        yield plt


def _draw(salt: str, size: tuple[float, float], draw: Callable) -> str:
    with _pyplot(salt) as plt:
        fig, ax = plt.subplots(figsize=size, dpi=90)
        draw(ax)
        fig.tight_layout()
        return to_svg(fig, plt)


def lane_composition_svg(shortlist: pl.DataFrame, lanes: list[Lane]) -> str:
    """One horizontal bar per lane: its listed companies by vertical."""
    names = [lane.name for lane in lanes]

    def draw(ax) -> None:
        left = [0] * len(names)
        for vertical, color in VERTICAL_COLORS.items():
            counts = [
                shortlist.filter((pl.col("lane") == n) & (pl.col("vertical") == vertical)).height
                for n in names
            ]
            ax.barh(names, counts, left=left, color=color, label=vertical.replace("_", " "))
            left = [a + b for a, b in zip(left, counts, strict=True)]
        for y, total in enumerate(left):
            ax.text(total, y, f" {total}", va="center")
        ax.invert_yaxis()
        ax.set_xlabel("companies listed")
        ax.set_title("Lanes by vertical")
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=3)

    return _draw("lanes", (5.0, 0.5 * len(names) + 1.4), draw)


def score_distribution_svg(shortlist: pl.DataFrame, lanes: list[Lane]) -> str:
    """Each listed company's total score, one row of dots per lane (lane rank 1 ringed)."""
    names = [lane.name for lane in lanes]

    def draw(ax) -> None:
        for y, name in enumerate(names):
            rows = shortlist.filter(pl.col("lane") == name).sort("lane_rank")
            scores = rows["total_score"].to_list() if rows.height else []
            # a fixed spread by rank, so the picture is the same each time it is drawn
            ys = [y + ((i % 5) - 2) * 0.07 for i in range(len(scores))]
            ax.scatter(scores, ys, s=22, alpha=0.75, color="#4c72b0")
            if scores:
                ax.scatter(scores[:1], ys[:1], s=70, facecolors="none", edgecolors="#c44e52")
        ax.set_yticks(range(len(names)), names)
        ax.set_ylim(len(names) - 0.5, -0.5)
        ax.set_xlim(0, 1)
        ax.set_xlabel("total score (0..1)")
        ax.set_title("Scores listed (ringed: first of its lane)")
        ax.grid(axis="x", linewidth=0.4, alpha=0.5)

    return _draw("scores", (5.0, 0.5 * len(names) + 1.4), draw)


def changes_svg(changes: pl.DataFrame, lanes: list[Lane]) -> str:
    """One horizontal bar per lane: its companies by change against the week before."""
    names = [lane.name for lane in lanes]
    kinds = list(CHANGE_COLORS)

    def draw(ax) -> None:
        left = [0] * len(names)
        for kind in kinds:
            counts = [
                changes.filter((pl.col("lane") == n) & (pl.col("change") == kind)).height
                for n in names
            ]
            ax.barh(names, counts, left=left, color=CHANGE_COLORS[kind], label=kind)
            left = [a + b for a, b in zip(left, counts, strict=True)]
        ax.invert_yaxis()
        ax.set_xlabel("companies")
        ax.set_title("Changes against the week before")
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=len(kinds))

    return _draw("changes", (5.0, 0.5 * len(names) + 1.4), draw)


def precision_at_k_svg(results: pl.DataFrame, ks: list[int]) -> str:
    """Precision@k of the model and the naive rankings, mean over the backtest's cutoffs."""
    return _draw(
        "precision",
        (5.0, 3.4),
        lambda ax: draw_precision_at_k(ax, results, ks, 8, legend_below=True),
    )


def calibration_svg(calibration: pl.DataFrame) -> str:
    """The model's calibration, cutoffs pooled."""
    return _draw("calibration", (5.0, 3.4), lambda ax: draw_calibration(ax, calibration))


def shortlist_backtest_svg(rows: pl.DataFrame) -> str:
    """Hit rate of each lane's listed companies against most-active and the lane's base rate."""
    with _pyplot("lanes-backtest"):
        return shortlist_backtest_png(rows, fmt="svg")
