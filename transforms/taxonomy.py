"""Map companies to the partnership's verticals and sectors from their categories.

The rules live in `config/taxonomy.yaml`. The vertical that depends on dated facts (Epoch AI
model builders) is resolved as of a date in the features; here `vertical_by_categories` only uses
the undated category list. The pipeline classifies in DuckDB (`taxonomy_sql`, one statement over
every company); `classify` is the same rules in polars, for frames (tests check they agree).
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


WHITESPACE = " \t\n\r\f\v"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rule_sql(rule: dict) -> str:
    """SQL twin of `_matches` on the lower-cased, trimmed category list `_cats`."""
    names = [c.lower() for c in rule.get("categories", [])]
    words = [k.lower() for k in rule.get("keywords", [])]
    tests = []
    if names:
        tests.append(f"x IN ({', '.join(_literal(n) for n in names)})")
    if words:
        tests.append(f"regexp_matches(x, {_literal('|'.join(_escape(w) for w in words))})")
    if not tests:
        return "false"
    return f"coalesce(len(list_filter(_cats, lambda x: {' OR '.join(tests)})) > 0, false)"


def _vertical_sql(rule: dict) -> str:
    parts = [_rule_sql(rule) if rule.get("categories") or rule.get("keywords") else "true"]
    if rule.get("requires_ai_signal"):
        parts.append("ai_signal")
    if rule.get("requires_sector"):
        parts.append("sector IS NOT NULL")
    if rule.get("unless_sector"):
        parts.append("sector IS NULL")
    return " AND ".join(parts)


def taxonomy_sql(
    rules: dict | None = None,
    companies: str = "core.companies",
    models: str = "core.company_models",
    target: str = "core.company_taxonomy",
) -> str:
    """One CREATE TABLE statement: `classify` of every company of `companies` in SQL, plus
    `model_builder_since` and `max_training_compute_flop` from `models`."""
    rules = rules or load_taxonomy()
    sectors = " ".join(
        f"WHEN {_rule_sql(r)} THEN {_literal(n)}" for n, r in rules["sectors"].items()
    )
    verticals = " ".join(
        f"WHEN {_vertical_sql(r)} THEN {_literal(n)}" for n, r in rules["verticals"].items()
    )
    chips = _rule_sql(rules["verticals"]["ai_semiconductors"])
    trim = _literal(WHITESPACE)
    return f"""
        CREATE OR REPLACE TABLE {target} AS
        WITH c AS (
            SELECT company_id,
                   list_transform(coalesce(categories, []), lambda x: lower(trim(x, {trim}))) AS _cats
            FROM {companies}
        ), s AS (
            SELECT *, {_rule_sql(rules["ai_signal"])} AS ai_signal,
                   CASE {sectors} END AS sector FROM c
        ), v AS (
            SELECT company_id, ai_signal, sector, CASE {verticals} END AS vertical_by_categories,
                   {chips} AS chip_company FROM s
        )
        SELECT v.*, m.model_builder_since, m.max_training_compute_flop
        FROM v LEFT JOIN (SELECT company_id, min(published_on) AS model_builder_since,
                                 max(training_compute_flop) AS max_training_compute_flop
                          FROM {models} GROUP BY company_id) AS m USING (company_id)
    """
