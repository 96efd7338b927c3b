"""Plain-language rationale of a shortlisted company: what speaks for it, what holds it back
(model factors in percentage points of the success chance, never log-odds), and how old its facts
are. Free of Dagster."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl
import pycountry

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


STALE_AFTER_MONTHS = 18
"""A last round older than this is old news: it holds the company back, and the Facts sentence
calls the funding history old (the Crunchbase export stops in December 2015, so scoring today
says so for every company it knows)."""
DAYS_PER_MONTH = 30.44


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


def _round_label(stage: str | None) -> str:
    """'a Series A', 'a seed round'."""
    label = stage_label(stage)
    return "a " + label if label.startswith("Series ") else label


def _short(amount: float, currency: str) -> str:
    for unit, div in (("bn", 1e9), ("M", 1e6)):
        if amount >= div:
            return f"{currency} {amount / div:.1f}{unit}"
    return f"{currency} {amount / 1e3:.0f}k" if amount >= 1e3 else f"{currency} {amount:.0f}"


def money(usd: float | None, eur_per_usd: float | None = None) -> str:
    """'USD 7.0M', or 'USD 7.0M / EUR 6.4M' given the rate (EUR per USD); 'undisclosed' when
    unknown or zero."""
    if usd is None or usd <= 0:
        return "undisclosed"
    text = _short(usd, "USD")
    if eur_per_usd is not None and eur_per_usd > 0:
        text += " / " + _short(usd * eur_per_usd, "EUR")
    return text


def _names(names: list[str] | None, limit: int = 2) -> str:
    names = list(names or [])
    shown = ", ".join(names[:limit])
    return shown + (f" +{len(names) - limit}" if len(names) > limit else "")


def _country(code: str | None) -> str:
    found = pycountry.countries.get(alpha_3=code) if code else None
    if found is None:
        return code or "an unknown country"
    return getattr(found, "common_name", None) or found.name


def _ago(days: float) -> str:
    months = round(days / DAYS_PER_MONTH)
    if months < 1:
        return "this month"
    if months < 24:
        return f"{months} month{'s' if months > 1 else ''} ago"
    return f"{months / 12:.0f} years ago"


def _age(days: float) -> str:
    """'10 months', '3 years'."""
    return _ago(days).removesuffix(" ago").replace("this month", "under a month")


def _days_since_last_round(row: dict[str, Any]) -> float | None:
    if row.get("days_since_last_round") is not None:
        return float(row["days_since_last_round"])
    if row.get("last_round_on") and row.get("as_of"):
        return float((row["as_of"] - row["last_round_on"]).days)
    return None


def _age_years(row: dict[str, Any]) -> float | None:
    if row.get("age_years") is not None:
        return float(row["age_years"])
    if row.get("founded_on") and row.get("as_of"):
        return (row["as_of"] - row["founded_on"]).days / 365.25
    return None


def _is_stale(row: dict[str, Any], stale_months: int = STALE_AFTER_MONTHS) -> bool:
    days = _days_since_last_round(row)
    return days is not None and days > stale_months * DAYS_PER_MONTH


def _thesis_items(row: dict[str, Any]) -> list[tuple[str, str]]:
    """(model factor it matches, words) for what the thesis fit rewards."""
    parts = []
    if row.get("vertical"):
        label = VERTICAL_LABELS.get(row["vertical"], row["vertical"])
        if row.get("sector"):
            label += f" in {SECTOR_LABELS.get(row['sector'], row['sector'])}"
        if row.get("vertical_reason"):
            label += f" ({row['vertical_reason']}"
            if row.get("ai_confidence") is not None:
                label += f"; AI confidence {row['ai_confidence']:.0%}"
            label += ")"
        parts.append(("sector", label))
    if row.get("hq_in_nexus"):
        label = COUNTRY_LABELS.get(row["country_code"], row["country_code"])
        parts.append(("location", f"{label} HQ"))
    if row.get("fra_investors"):
        parts.append(("nexus_investors", f"French investors ({_names(row['fra_investors'])})"))
    if row.get("are_investors"):
        parts.append(("nexus_investors", f"Emirati investors ({_names(row['are_investors'])})"))
    if row.get("nexus_both"):
        parts.append(("location", "presence in both France and the UAE"))
    return parts


def last_round_phrase(row: dict[str, Any], eur_per_usd: float | None = None) -> str:
    """'raised a Series A 8 months ago (USD 7.0M / EUR 6.4M)'."""
    days = _days_since_last_round(row) or 0
    amount = money(row.get("last_round_usd"), eur_per_usd)
    amount = "amount undisclosed" if amount == "undisclosed" else amount
    return f"raised {_round_label(row.get('last_stage'))} {_ago(days)} ({amount})"


def momentum_items(
    row: dict[str, Any], eur_per_usd: float | None = None, stale_months: int = STALE_AFTER_MONTHS
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """What the funding history says, as (model factor, words) for and against."""
    if not row.get("n_rounds"):  # said once, in the rationale's "No success probability"
        return [], []
    pros, cons = [], []
    if _is_stale(row, stale_months):
        days = _days_since_last_round(row) or 0
        amount = money(row.get("last_round_usd"), eur_per_usd)
        cons.append(
            (
                "funding_recency",
                f"its last round was {_ago(days)} ({stage_label(row.get('last_stage'))}, {amount})",
            )
        )
    else:
        pros.append(("funding_recency", last_round_phrase(row, eur_per_usd)))
    if (row.get("n_rounds_24m") or 0) >= 2:
        pros.append(("funding_recency", f"{row['n_rounds_24m']} rounds in 24 months"))
    if row.get("n_top_investors"):
        n = row["n_top_investors"]
        pros.append(("investors", f"backed by {n} top-decile investor{'s' if n != 1 else ''}"))
    if row.get("investor_exit_rate") is not None and row["investor_exit_rate"] >= 0.3:
        pros.append(
            (
                "investors",
                f"its investors' portfolio exit rate is {_pct(row['investor_exit_rate'])}",
            )
        )
    return pros, cons


def _pct(x: float | None) -> str:
    return "unknown" if x is None else f"{x:.0%}"


def factor_phrase(factor: str, row: dict[str, Any], eur_per_usd: float | None = None) -> str:
    """What a model factor group says about this company, in words, from its own values."""
    if factor == "funding_recency":
        if not row.get("n_rounds"):
            return "no funding round yet"
        return last_round_phrase(row, eur_per_usd)
    if factor == "funding_stage":
        return f"latest stage {stage_label(row.get('last_stage'))}".replace(" a ", " ")
    if factor == "funding_amounts":
        return f"raised {money(row.get('total_raised_usd'), eur_per_usd)} in total"
    if factor == "funding_history":
        n = row.get("n_rounds") or 0
        return f"{n} funding round{'s' if n != 1 else ''} to date"
    if factor == "company_age":
        age = _age_years(row)
        if age is None:
            return "founding date unknown"
        return f"founded {age:.0f} year{'s' if round(age) != 1 else ''} ago"
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
            return _thesis_items({"vertical": row["vertical"], "sector": row.get("sector")})[0][1]
        return f"category follow-on rate {_pct(row.get('category_rate_max'))}"
    if factor == "location":
        where = _country(row.get("country_code"))
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


# what a factor's words become when the company's own facts already say the opposite
CONTRARY_PHRASES = {
    "funding_recency": "the timing of its rounds",
    "sector": "how often companies in its categories raise again",
    "investors": "its investors' track record",
    "nexus_investors": "its French/Emirati investors",
    "location": "its location",
}


def against_phrase(factor: str, row: dict[str, Any]) -> str | None:
    """How a factor that lowers the success chance reads when its words would only name a
    fact (a sector, a country): what the model reads in it. None: the factor's own words."""
    if factor == "sector":
        return "companies in its categories raise again less often"
    if factor == "location" and row.get("country_code"):
        return f"companies based in {_country(row['country_code'])} raise again less often"
    return None


def missing_value(factor: str, row: dict[str, Any]) -> str | None:
    """What is unknown about the company for this factor ('its founding date'), or None when
    the factor rests on a known value. The rule: a missing value is never a reason for a
    company. The model may still lean on it (a positive effect): the rationale then says
    'little is known about …' under what holds it back."""
    if factor == "company_age" and _age_years(row) is None:
        return "its founding date"
    if factor == "investors" and not row.get("n_investors"):
        return "its investors"
    if factor == "location" and not row.get("country_code"):
        return "its location"
    if factor == "funding_amounts" and not (row.get("total_raised_usd") or 0) > 0:
        return "the amounts it raised"
    if factor == "funding_stage" and not row.get("last_stage"):
        return "its funding stage"
    if factor in ("funding_recency", "funding_history") and not row.get("n_rounds"):
        return "its funding history"
    if factor == "sector" and not row.get("vertical") and row.get("category_rate_max") is None:
        return "its sector"
    return None


def absent_without_credit(factor: str, row: dict[str, Any]) -> bool:
    """An absence that is no unknown but never a reason for either: no French or Emirati
    investor, no acquisitions or published models (dropped when the model leans on it)."""
    if factor == "nexus_investors":
        return not (row.get("fra_investors") or row.get("are_investors"))
    if factor == "acquisitions_and_models":
        return not (row.get("n_acquisitions_made") or row.get("n_models"))
    return False


def probability_points(probability: float, effect: float) -> float:
    """The change in probability a factor group accounts for, in percentage points: the
    probability minus the probability with the group's log-odds effect taken away,
    p − sigmoid(logit(p) − effect)."""
    p = min(max(probability, 1e-6), 1 - 1e-6)
    without = 1 / (1 + math.exp(-(math.log(p / (1 - p)) - effect)))
    return 100 * (p - without)


def points_text(points: float) -> str:
    """'+8 pts', '−5 pts', '<1 pt'."""
    if abs(points) < 0.5:
        return "<1 pt"
    n = round(abs(points))
    return f"{'+' if points > 0 else '−'}{n} pt{'s' if n != 1 else ''}"


@dataclass
class Reason:
    factor: str | None
    text: str
    points: str | None = None

    def __str__(self) -> str:
        return f"{self.text} ({self.points})" if self.points else self.text


def _add_model_factors(
    row: dict[str, Any], pros: list[Reason], cons: list[Reason], eur: float | None
) -> None:
    """Puts each of the row's top model factors under pros (positive effect) or cons (negative),
    on the fact that already says it when there is one; missing values only ever under cons."""
    probability = row.get("success_probability")
    for f in row.get("success_factors") or []:
        factor, effect = f["factor"], f["effect"]
        pts = points_text(probability_points(probability, effect))
        unknown = missing_value(factor, row)
        if unknown is not None:
            note = f"the model reads the gap as {pts}" if effect > 0 else pts
            cons.append(Reason(factor, f"little is known about {unknown}", note))
            continue
        if effect > 0 and absent_without_credit(factor, row):
            continue
        same, other = (pros, cons) if effect > 0 else (cons, pros)
        matches = [r for r in same if r.factor == factor and r.points is None]
        if matches:
            first = matches[0]
            if factor == "investors":  # the model's words say it all: investors, top, exits
                first.text = factor_phrase(factor, row, eur)
                same[:] = [r for r in same if r is first or r not in matches]
            first.points = pts
            continue
        text = factor_phrase(factor, row, eur)
        if effect < 0 and against_phrase(factor, row):
            text = against_phrase(factor, row)
        elif any(r.factor == factor for r in other):
            text = CONTRARY_PHRASES.get(factor, text)
        same.append(Reason(factor, text, pts))


def reasons(
    row: dict[str, Any], eur_per_usd: float | None = None, stale_months: int = STALE_AFTER_MONTHS
) -> tuple[list[Reason], list[Reason]]:
    """What speaks for the company and what holds it back: the thesis fit's and the funding
    history's facts, then the model's top factors in percentage points of the success chance."""
    m_pros, m_cons = momentum_items(row, eur_per_usd, stale_months)
    pros = [Reason(f, t) for f, t in _thesis_items(row) + m_pros]
    cons = [Reason(f, t) for f, t in m_cons]
    if row.get("success_probability") is not None:
        _add_model_factors(row, pros, cons, eur_per_usd)
    return pros, cons


def no_success_reason(row: dict[str, Any]) -> str:
    if not row.get("n_rounds"):
        return "no funding round on record"
    if row.get("exited") or row.get("closed"):
        return "the company has exited or closed"
    return "no model was trained for this week"


def facts_sentence(row: dict[str, Any], stale_months: int = STALE_AFTER_MONTHS) -> str:
    """How old the facts are: founding year, the funding history up to its latest round
    (current or old against the scoring date), Epoch AI models (a current source)."""
    as_of = row.get("as_of")
    parts = []
    if row.get("founded_on"):
        parts.append(f"founded {row['founded_on'].year}")
    n = row.get("n_rounds") or 0
    if not n:
        parts.append("no funding round on record")
    else:
        text = f"{n} round{'s' if n != 1 else ''}"
        days = _days_since_last_round(row)
        if row.get("last_round_on") is not None:
            text += f", the latest on {row['last_round_on'].isoformat()}"
        if days is not None:
            age = _age(days)
            text += (
                f" (old: {age} before the scoring date)"
                if _is_stale(row, stale_months)
                else f" (current: {age} old)"
            )
        parts.append(text)
    if row.get("n_models"):
        k = row["n_models"]
        parts.append(f"{k} AI model{'s' if k != 1 else ''} on record (Epoch AI, current)")
    when = f" as of {as_of.isoformat()}" if isinstance(as_of, date) else ""
    return f"Facts{when}: " + "; ".join(parts) + "."


def rationale(
    row: dict[str, Any], eur_per_usd: float | None = None, stale_months: int = STALE_AFTER_MONTHS
) -> str:
    """E.g. 'Score 0.71 (thesis fit 0.85, momentum 0.78, success chance 64%). What speaks for
    it: AI semiconductors; French HQ; Emirati investors (MGX); raised a Series A 8 months ago
    (USD 7.0M / EUR 6.4M) (+12 pts). What holds it back: little is known about its founding
    date (the model reads the gap as +3 pts). Facts as of 2015-12-09: founded 2012; 2 rounds,
    the latest on 2015-04-10 (current: 8 months old).' Success points are the change in the
    success chance a model factor accounts for (`probability_points`)."""
    parts = [f"thesis fit {row['thesis_fit']:.2f}", f"momentum {row['momentum']:.2f}"]
    probability = row.get("success_probability")
    if probability is not None:
        parts.append(f"success chance {probability:.0%}")
    text = [f"Score {row['total_score']:.2f} ({', '.join(parts)})."]
    if probability is None:
        text.append(f"No success probability: {no_success_reason(row)}.")
    pros, cons = reasons(row, eur_per_usd, stale_months)
    if pros:
        text.append("What speaks for it: " + "; ".join(map(str, pros)) + ".")
    if cons:
        text.append("What holds it back: " + "; ".join(map(str, cons)) + ".")
    compute = compute_phrase(row)
    if compute:
        text.append(f"Compute: {compute}.")
    text.append(facts_sentence(row, stale_months))
    return " ".join(text)


def with_rationale(frame: pl.DataFrame, eur_per_usd: float | None = None) -> pl.DataFrame:
    """Adds a `rationale` column; amounts also in EUR at `eur_per_usd` (EUR per USD) if given."""
    return frame.with_columns(
        pl.Series(
            "rationale",
            [rationale(r, eur_per_usd) for r in frame.iter_rows(named=True)],
            dtype=pl.String,
        )
    )


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
