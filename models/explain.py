"""Plain-language rationale naming the factors that put a company on the shortlist."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from models.compute import compute_phrase

VERTICAL_LABELS = {
    "generative_models": "generative AI models",
    "sector_applications": "AI applications",
    "ai_semiconductors": "AI semiconductors",
}
SECTOR_LABELS = {
    "health": "health",
    "financial_services": "financial services",
    "software": "software",
    "retail_distribution": "retail & distribution",
    "industry": "industry",
}
COUNTRY_LABELS = {"FRA": "French", "ARE": "Emirati"}


def stage_label(stage: str | None) -> str:
    if not stage:
        return "a round"
    if stage.startswith("series_"):
        return "Series " + stage.removeprefix("series_").upper()
    return {
        "pre_seed": "a pre-seed round",
        "seed": "a seed round",
        "venture": "a venture round",
        "late": "a late-stage round",
        "post_ipo": "a post-IPO round",
    }.get(stage, f"a {stage.replace('_', ' ')} round")


def money(usd: float | None) -> str:
    if usd is None or usd <= 0:
        return "undisclosed"
    for unit, div in (("bn", 1e9), ("M", 1e6), ("k", 1e3)):
        if usd >= div:
            return f"USD {usd / div:.1f}{unit}"
    return f"USD {usd:.0f}"


def _names(names: list[str] | None, limit: int = 2) -> str:
    names = list(names or [])
    shown = ", ".join(names[:limit])
    return shown + (f" +{len(names) - limit}" if len(names) > limit else "")


def thesis_reasons(row: dict[str, Any]) -> list[str]:
    parts = []
    if row.get("vertical"):
        label = VERTICAL_LABELS.get(row["vertical"], row["vertical"])
        if row.get("sector"):
            label += f" in {SECTOR_LABELS.get(row['sector'], row['sector'])}"
        if row.get("vertical_reason"):
            label += f" ({row['vertical_reason']}"
            if row.get("ai_confidence") is not None:
                label += f"; AI confidence {row['ai_confidence']:.2f}"
            label += ")"
        parts.append(label)
    if row.get("hq_in_nexus"):
        parts.append(f"{COUNTRY_LABELS.get(row['country_code'], row['country_code'])} HQ")
    if row.get("fra_investors"):
        parts.append(f"French investors ({_names(row['fra_investors'])})")
    if row.get("are_investors"):
        parts.append(f"Emirati investors ({_names(row['are_investors'])})")
    if row.get("nexus_both"):
        parts.append("presence in both France and the UAE")
    return parts


def momentum_reasons(row: dict[str, Any]) -> list[str]:
    if not row.get("n_rounds"):
        return ["no funding history yet"]
    months = round((row.get("days_since_last_round") or 0) / 30.44)
    when = "this month" if months < 1 else f"{months} month{'s' if months > 1 else ''} ago"
    parts = [
        f"raised {stage_label(row.get('last_stage'))} {when} ({money(row.get('last_round_usd'))})"
    ]
    if row.get("n_rounds_24m", 0) >= 2:
        parts.append(f"{row['n_rounds_24m']} rounds in 24 months")
    if row.get("n_top_investors"):
        parts.append(f"backed by {row['n_top_investors']} top-decile investor(s)")
    if row.get("investor_exit_rate") is not None and row["investor_exit_rate"] >= 0.3:
        parts.append(f"investors' exit rate {row['investor_exit_rate']:.0%}")
    return parts


def _pct(x: float | None) -> str:
    return "unknown" if x is None else f"{x:.0%}"


def factor_phrase(factor: str, row: dict[str, Any]) -> str:
    """What a model factor group says about this company, in words, from its own values."""
    if factor == "funding_recency":
        if not row.get("n_rounds"):
            return "no funding round yet"
        return momentum_reasons(row)[0]
    if factor == "funding_stage":
        return f"latest stage {stage_label(row.get('last_stage'))}".replace(" a ", " ")
    if factor == "funding_amounts":
        return f"raised {money(row.get('total_raised_usd'))} in total"
    if factor == "funding_history":
        n = row.get("n_rounds") or 0
        return f"{n} funding round{'s' if n != 1 else ''} to date"
    if factor == "company_age":
        age = row.get("age_years")
        return "founding date unknown" if age is None else f"founded {age:.0f} years ago"
    if factor == "investors":
        n = row.get("n_investors") or 0
        if not n:
            return "no recorded investor"
        text = f"backed by {n} investor{'s' if n != 1 else ''}"
        if row.get("n_top_investors"):
            text += f" ({row['n_top_investors']} top-decile)"
        if row.get("investor_exit_rate") is not None:
            text += f" with a {_pct(row['investor_exit_rate'])} portfolio exit rate"
        return text
    if factor == "nexus_investors":
        names = list(row.get("fra_investors") or []) + list(row.get("are_investors") or [])
        return (
            f"French/Emirati investors ({_names(names)})"
            if names
            else "no French or Emirati investor"
        )
    if factor == "sector":
        if row.get("vertical"):
            return thesis_reasons({"vertical": row["vertical"], "sector": row.get("sector")})[0]
        return f"category follow-on rate {_pct(row.get('category_rate_max'))}"
    if factor == "location":
        where = row.get("country_code") or "an unknown country"
        if row.get("region_rate") is None:
            return f"based in {where}"
        return f"based in {where} (regional follow-on rate {_pct(row['region_rate'])})"
    if factor == "acquisitions_and_models":
        parts = []
        if row.get("n_acquisitions_made"):
            parts.append(f"{row['n_acquisitions_made']} acquisition(s) made")
        if row.get("n_models"):
            parts.append(f"{row['n_models']} AI model(s) published")
        return "; ".join(parts) or "no acquisitions or published models"
    return factor.replace("_", " ")


FACTORS_DTYPE = pl.List(pl.Struct({"factor": pl.String, "effect": pl.Float64}))


def top_factors(contributions: pl.DataFrame, k: int = 3) -> pl.Series:
    """Per row, the `k` factor groups with the largest absolute contribution (log-odds), largest
    first, as a list of {factor, effect} structs."""
    if contributions.is_empty():
        return pl.Series("success_factors", [], dtype=FACTORS_DTYPE)
    names = np.array(contributions.columns)
    values = contributions.to_numpy()
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :k]
    # built column-wise (a list of dicts per row took 37 s for 650k companies)
    flat = pl.DataFrame(
        {
            "factor": names[order].ravel(),
            "effect": np.take_along_axis(values, order, axis=1).ravel(),
        }
    ).select(pl.struct(pl.col("factor"), pl.col("effect").round(4)).alias("success_factors"))
    rows = flat.get_column("success_factors").reshape((order.shape[0], order.shape[1]))
    return rows.cast(FACTORS_DTYPE).alias("success_factors")


def driver_reasons(row: dict[str, Any]) -> list[str]:
    """'raised Series A 8 months ago (USD 7.0M) (+0.62)' for each top model factor."""
    out = []
    for f in row.get("success_factors") or []:
        sign = "+" if f["effect"] >= 0 else "−"
        out.append(f"{factor_phrase(f['factor'], row)} ({sign}{abs(f['effect']):.2f})")
    return out


def rationale(row: dict[str, Any]) -> str:
    """E.g. 'Score 0.71. Thesis fit 0.85: AI semiconductors; French HQ; Emirati investors (MGX).
    Momentum 0.78: raised Series A 8 months ago (USD 7.0M). Success probability 64%.'"""
    text = [f"Score {row['total_score']:.2f}."]
    fit = thesis_reasons(row)
    text.append(
        f"Thesis fit {row['thesis_fit']:.2f}" + (": " + "; ".join(fit) if fit else "") + "."
    )
    text.append(f"Momentum {row['momentum']:.2f}: " + "; ".join(momentum_reasons(row)) + ".")
    if row.get("success_probability") is not None:
        text.append(
            f"Success probability {row['success_probability']:.0%} (new round or exit within the horizon)"
            + (
                ", driven by: " + "; ".join(driver_reasons(row)) + "."
                if row.get("success_factors")
                else "."
            )
        )
    compute = compute_phrase(row)
    if compute:
        text.append(f"Compute: {compute}.")
    return " ".join(text)


def with_rationale(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds a `rationale` column (one sentence group per row)."""
    return frame.with_columns(
        pl.Series("rationale", [rationale(r) for r in frame.iter_rows(named=True)], dtype=pl.String)
    )
