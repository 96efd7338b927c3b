"""Map companies to the partnership's verticals and sectors from their categories (polars).

The rules live in `config/taxonomy.yaml`. The vertical that depends on dated facts (Epoch AI
model builders) is resolved as of a date in the features; here `vertical_by_categories` only uses
the undated category list.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl
import yaml

TAXONOMY_FILE = Path(__file__).resolve().parent.parent / "config" / "taxonomy.yaml"


@cache
def load_taxonomy(path: Path = TAXONOMY_FILE) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def _matches(rule: dict) -> pl.Expr:
    """True when any category equals one of `rule.categories` or contains one of its keywords."""
    names = [c.lower() for c in rule.get("categories", [])]
    words = [k.lower() for k in rule.get("keywords", [])]
    cats = pl.col("_cats")
    hit = cats.list.eval(pl.element().is_in(names)).list.any() if names else pl.lit(False)
    if words:
        pattern = "|".join(_escape(w) for w in words)
        hit = hit | cats.list.eval(pl.element().str.contains(pattern)).list.any()
    return hit.fill_null(False)


def _escape(word: str) -> str:
    return "".join("\\" + ch if not ch.isalnum() and ch != " " else ch for ch in word)


def classify(companies: pl.DataFrame, rules: dict | None = None) -> pl.DataFrame:
    """For each row of `companies` (company_id, categories: list[str]) return company_id,
    ai_signal, sector, vertical_by_categories, chip_company, matched rules."""
    rules = rules or load_taxonomy()
    frame = companies.select(
        "company_id",
        pl.col("categories")
        .fill_null([])
        .list.eval(pl.element().str.strip_chars().str.to_lowercase())
        .alias("_cats"),
    )
    sector = pl.lit(None, dtype=pl.String)
    for name in reversed(list(rules["sectors"])):
        sector = pl.when(_matches(rules["sectors"][name])).then(pl.lit(name)).otherwise(sector)
    frame = frame.with_columns(
        _matches(rules["ai_signal"]).alias("ai_signal"), sector.alias("sector")
    )
    vertical = pl.lit(None, dtype=pl.String)
    for name in reversed(list(rules["verticals"])):
        vertical = (
            pl.when(_vertical_rule(name, rules["verticals"][name]))
            .then(pl.lit(name))
            .otherwise(vertical)
        )
    chips = _matches(rules["verticals"]["ai_semiconductors"]).alias("chip_company")
    return frame.with_columns(vertical.alias("vertical_by_categories"), chips).drop("_cats")


def _vertical_rule(name: str, rule: dict) -> pl.Expr:
    hit = _matches(rule) if (rule.get("categories") or rule.get("keywords")) else pl.lit(True)
    if rule.get("requires_ai_signal"):
        hit = hit & pl.col("ai_signal")
    if rule.get("requires_sector"):
        hit = hit & pl.col("sector").is_not_null()
    if rule.get("unless_sector"):
        hit = hit & pl.col("sector").is_null()
    return hit


def coverage(taxonomy: pl.DataFrame) -> pl.DataFrame:
    """Companies per (vertical_by_categories, sector), for the coverage report."""
    return (
        taxonomy.group_by("vertical_by_categories", "sector")
        .len("companies")
        .sort("companies", descending=True)
    )
