"""Thesis fit: how well a company matches the versioned thesis in `config/thesis.yaml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

from warehouse.config import config_file, load_yaml

THESIS_FILE = config_file("thesis.yaml")


@cache
def load_thesis(path: Path = THESIS_FILE) -> dict:
    return load_yaml(Path(path))


def _lookup(column: str, table: dict[str, float]) -> pl.Expr:
    return pl.col(column).replace_strict(table, default=0.0, return_dtype=pl.Float64).fill_null(0.0)


def nexus_parts(thesis: dict) -> list[pl.Expr]:
    """Boolean columns: hq_in_nexus, nexus_investor, nexus_both."""
    countries = thesis["nexus"]["countries"]
    fra, are = countries[0], countries[1]
    hq = pl.col("country_code").is_in(countries).fill_null(False)
    has_fra = (
        (pl.col("country_code") == fra).fill_null(False)
        | (pl.col("fra_investors").list.len() > 0)
        | pl.col("countries").list.contains(fra)
    )
    has_are = (
        (pl.col("country_code") == are).fill_null(False)
        | (pl.col("are_investors").list.len() > 0)
        | pl.col("countries").list.contains(are)
    )
    investor = (pl.col("fra_investors").list.len() + pl.col("are_investors").list.len()) > 0
    return [
        hq.alias("hq_in_nexus"),
        investor.alias("nexus_investor"),
        (has_fra & has_are).alias("nexus_both"),
    ]


def thesis_fit(features: pl.DataFrame, thesis: dict | None = None) -> pl.DataFrame:
    """Adds vertical_fit, sector_fit, stage_fit, nexus_score (each 0..1) and thesis_fit."""
    thesis = thesis or load_thesis()
    nx, w = thesis["nexus"], thesis["fit_weights"]
    frame = features.with_columns(
        _lookup("vertical", thesis["verticals"]).alias("vertical_fit"),
        _lookup("sector", thesis["sectors"]).alias("sector_fit"),
        _lookup("last_stage", thesis["stages"]).alias("stage_fit"),
        *nexus_parts(thesis),
    )
    nexus = (
        pl.col("hq_in_nexus").cast(pl.Float64) * nx["hq"]
        + pl.col("nexus_investor").cast(pl.Float64) * nx["investor"]
        + pl.col("nexus_both").cast(pl.Float64) * nx["both"]
    ).clip(0.0, 1.0)
    frame = frame.with_columns(nexus.alias("nexus_score"))
    total = sum(w.values())
    fit = sum(
        pl.col(f"{part}_fit" if part != "nexus" else "nexus_score") * weight
        for part, weight in w.items()
    )
    return frame.with_columns((fit / total).alias("thesis_fit"))
