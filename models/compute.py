"""Compute-capacity fit: could a model builder's training runs be hosted on the planned French
AI campus (1 GW, 10–20 exaflop/s, from the February 2025 France–UAE framework)?

From Epoch AI's largest recorded training run of the company (FLOP, as of the scoring date):
days on the campus = FLOP / (campus FLOP/s × utilisation) / 86,400, at the campus' low and high
capacity. `compute_fit` is "fits" when the run takes at most `max_training_days` at the low
capacity, "fits_at_high_capacity" when only the high capacity does it in time, "exceeds" otherwise,
and NULL for companies with no recorded training compute. Free of Dagster.
"""

from __future__ import annotations

from typing import Any

import polars as pl

SECONDS_PER_DAY = 86_400


def compute_fit(features: pl.DataFrame, campus: dict[str, Any]) -> pl.DataFrame:
    """Adds `campus_training_days` (at the low capacity) and `compute_fit` to `features`, which
    must carry `max_training_compute_flop` (NULL when unknown)."""
    low, high = (float(x) for x in campus["flops_per_second"])
    if not 0 < low <= high:
        raise ValueError(f"campus flops_per_second must be 0 < low <= high, got {low}, {high}")
    util = float(campus["utilization"])
    max_days = float(campus["max_training_days"])
    flop = pl.col("max_training_compute_flop").cast(pl.Float64)
    days_low = flop / (low * util) / SECONDS_PER_DAY
    days_high = flop / (high * util) / SECONDS_PER_DAY
    return features.with_columns(
        days_low.alias("campus_training_days"),
        pl.when(flop.is_null() | (flop <= 0))
        .then(pl.lit(None, dtype=pl.String))
        .when(days_low <= max_days)
        .then(pl.lit("fits"))
        .when(days_high <= max_days)
        .then(pl.lit("fits_at_high_capacity"))
        .otherwise(pl.lit("exceeds"))
        .alias("compute_fit"),
    )


def compute_phrase(row: dict[str, Any]) -> str | None:
    """E.g. 'largest training run 2.1e+24 FLOP ≈ 6 days on the French AI campus (fits)'."""
    fit, days = row.get("compute_fit"), row.get("campus_training_days")
    if fit is None or days is None:
        return None
    flop = row.get("max_training_compute_flop")
    when = f"{days:.1f} days" if days < 10 else f"{days:,.0f} days"
    label = {
        "fits": "fits the French AI campus",
        "fits_at_high_capacity": "fits the French AI campus at its high capacity",
        "exceeds": "exceeds the French AI campus' training window",
    }[fit]
    return f"largest training run {flop:.1e} FLOP ≈ {when} on the campus ({label})"
