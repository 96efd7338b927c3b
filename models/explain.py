"""Plain-language rationale naming the factors that put a company on the shortlist."""

from __future__ import annotations

from typing import Any

import polars as pl

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
            f"Success probability {row['success_probability']:.0%} (new round or exit within the horizon)."
        )
    return " ".join(text)


def with_rationale(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds a `rationale` column (one sentence group per row)."""
    return frame.with_columns(
        pl.Series("rationale", [rationale(r) for r in frame.iter_rows(named=True)], dtype=pl.String)
    )
