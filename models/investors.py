"""Investors as co-investors and funds as LP commitments: transparent scores with their parts.

Each score is a weighted mean of components in 0..1 (weights in `config/investor_scoring.yaml`):
percentile ranks in the week's established investors for AI-thesis share, exit and follow-on
rates (shrunk towards the pooled rate on small portfolios), recency, activity and scale; the share
of rounds in the thesis' ticket range; France/UAE footprint points; for LPs, the managers'
disclosed track record (fund quartiles), fresh capital and fund size against the ticket. Funds
are the investors the `fund_rule` names: by their investor types when a provider gives any,
else by name. No Dagster here.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import polars as pl

from models.explain import money
from models.lanes import Lane, lane_shortlist, load_lanes
from transforms.investors import load_investor_scoring

COMPONENTS = (
    "ai_thesis",
    "exits",
    "follow_on",
    "recency",
    "activity",
    "scale",
    "ticket",
    "footprint",
    "track_record",
    "fresh_capital",
    "fund_size",
)
# LP components, each with the column that is its evidence: a component no investor of the week
# has evidence for (no source declared, nothing dated by as_of) is left out of the weighted means,
# so a week without these sources scores as it did before they existed.
LP_EVIDENCE = {
    "track_record": "n_ranked_funds",
    "fresh_capital": "latest_fund_on",
    "fund_size": "fund_size_to_round",
}
# the LP columns a feature frame may lack (investor_features_as_of alone): NULL / 0 when absent
LP_FEATURES: dict[str, pl.DataType] = {
    "n_disclosed_funds": pl.Int64(),
    "n_ranked_funds": pl.Int64(),
    "n_top_quartile_tvpi": pl.Int64(),
    "n_ranked_tvpi": pl.Int64(),
    "best_tvpi_quartile": pl.Int64(),
    "median_tvpi_quartile": pl.Float64(),
    "share_top_quartile_tvpi": pl.Float64(),
    "n_top_quartile_irr": pl.Int64(),
    "n_ranked_irr": pl.Int64(),
    "best_irr_quartile": pl.Int64(),
    "median_irr_quartile": pl.Float64(),
    "share_top_quartile_irr": pl.Float64(),
    "latest_vintage": pl.Int64(),
    "track_record_points": pl.Float64(),
    "n_funds_raised": pl.Int64(),
    "latest_fund_on": pl.Date(),
    "latest_fund_name": pl.String(),
    "latest_fund_usd": pl.Float64(),
    "latest_fund_eur": pl.Float64(),
    "latest_sized_fund_on": pl.Date(),
}
NEXUS = ("FRA", "ARE")
COUNTRY_LABELS = {"FRA": "French", "ARE": "Emirati"}
VERTICAL_LABELS = {  # singular, plural
    "generative_models": ("generative-model builder", "generative-model builders"),
    "sector_applications": ("AI application company", "AI application companies"),
    "ai_semiconductors": ("AI-chip company", "AI-chip companies"),
}
# norm_name's legal suffixes (warehouse/sql/macros.sql), for names written in the config
_SUFFIXES = re.compile(
    r"( (inc|incorporated|ltd|limited|llc|llp|plc|corp|corporation|co|company|gmbh|ag|sa|sas|sarl"
    r"|bv|nv|oy|ab|spa|srl|pte|pty|fz|fze|fzco|fzllc))+$"
)


def normalise_name(name: str) -> str:
    """Python twin of the SQL macro `norm_name`: "Mistral AI SAS" -> "mistral ai"."""
    text = unicodedata.normalize("NFKD", name.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return _SUFFIXES.sub("", text)


def pct_against(values: pl.Series, reference: pl.Series, higher_better: bool = True) -> pl.Series:
    """Percentile rank of each value in a reference group, 0..1: the share of the reference with
    a worse value, ties counting half ((worse + ties / 2) / size). NULL stays NULL; an empty
    reference gives 0.5."""
    sign = 1.0 if higher_better else -1.0
    ref = np.sort(reference.drop_nulls().cast(pl.Float64).to_numpy() * sign)
    x = values.cast(pl.Float64).to_numpy() * sign
    if len(ref) == 0:
        out = np.full(len(x), 0.5)
    else:
        below = np.searchsorted(ref, x, side="left")
        ties = np.searchsorted(ref, x, side="right") - below
        out = (below + ties / 2) / len(ref)
    out = np.where(np.isnan(x), np.nan, out)
    return pl.Series(values.name, out, dtype=pl.Float64).fill_nan(None)


def _smoothed(frame: pl.DataFrame, hits: str, base: str, strength: float) -> pl.Expr:
    """(hits + strength * pooled) / (base + strength), pooled = sum(hits) / sum(base)."""
    total = frame[base].sum()
    pooled = frame[hits].sum() / total if total else 0.0
    return (pl.col(hits) + strength * pooled) / (pl.col(base) + strength)


def footprint(config: dict) -> pl.Expr:
    """France/UAE footprint points, capped at 1 (home country, portfolio, co-investors)."""
    fp = config["footprint"]
    companies = pl.col("n_fra_companies") + pl.col("n_are_companies")
    coinvestors = pl.col("fra_coinvestors").list.len() + pl.col("are_coinvestors").list.len()
    points = (
        pl.col("country_code").is_in(list(NEXUS)).fill_null(False).cast(pl.Float64) * fp["home"]
        + (companies / fp["portfolio_full"]).clip(0.0, 1.0) * fp["portfolio"]
        + (coinvestors / fp["coinvestors_full"]).clip(0.0, 1.0) * fp["coinvestors"]
    )
    return points.clip(0.0, 1.0)


RANKED = (  # component, column, higher is better
    ("ai_thesis", "ai_thesis_share_for_ranking", True),
    ("exits", "exit_rate_for_ranking", True),
    ("follow_on", "follow_on_rate_for_ranking", True),
    ("recency", "days_since_last_investment", False),
    ("activity", "n_investments_24m", True),
    ("scale", "n_matched_companies", True),
)


def with_lp_columns(features: pl.DataFrame) -> pl.DataFrame:
    """`features` with every `LP_FEATURES` column (NULL, counts 0, when it has none)."""
    missing = [c for c in LP_FEATURES if c not in features.columns]
    frame = features.with_columns(pl.lit(None, dtype=LP_FEATURES[c]).alias(c) for c in missing)
    return frame.with_columns(
        pl.col("n_disclosed_funds", "n_ranked_funds", "n_funds_raised").fill_null(0)
    )


def track_record_score(config: dict) -> pl.Expr:
    """The mean points of the ranked funds shrunk towards 0.5 (`track_record.smoothing_funds`);
    0.5 without a ranked fund."""
    k = float(config["track_record"]["smoothing_funds"])
    n = pl.col("n_ranked_funds").cast(pl.Float64)
    shrunk = (pl.col("track_record_points") * n + 0.5 * k) / (n + k)
    return pl.when(n > 0).then(shrunk).otherwise(0.5)


def fresh_capital_score(config: dict) -> pl.Expr:
    """1 when the latest fund was announced within `fund_raises.fresh_capital_months` of as_of,
    else 0."""
    months = int(config["fund_raises"]["fresh_capital_months"])
    days = (pl.col("as_of") - pl.col("latest_fund_on")).dt.total_days()
    return (days <= months * 30.44).fill_null(False).cast(pl.Float64)


def fund_size_ratio() -> pl.Expr:
    """Latest sized fund over the median round (both USD); NULL when either is unknown."""
    median = pl.col("median_round_usd")
    return pl.when(median > 0).then(pl.col("latest_fund_usd") / median)


def fund_size_score(config: dict) -> pl.Expr:
    """1 inside `fund_raises.fund_size_band`, falling to 0 at ten times beyond either end (log
    scale); 0.5 when the ratio is unknown."""
    low, high = (float(x) for x in config["fund_raises"]["fund_size_band"])
    ratio = pl.col("fund_size_to_round")
    below = (ratio / low).log10().abs()
    above = (ratio / high).log10().abs()
    off = pl.when(ratio < low).then(below).when(ratio > high).then(above).otherwise(0.0)
    return pl.when(ratio > 0).then((1.0 - off).clip(0.0, 1.0)).otherwise(0.5)


def components(features: pl.DataFrame, config: dict | None = None) -> pl.DataFrame:
    """Adds the rates used for ranking (`*_for_ranking`), `in_reference` and one
    `<component>_score` column per component, each 0..1. Percentiles are taken against the
    reference group: investors with at least `percentile_reference_min_companies` portfolio
    companies (all investors when none qualifies). The LP columns (`LP_FEATURES`) are added
    empty when `features` lacks them."""
    config = config or load_investor_scoring()
    m = float(config["smoothing_companies"])
    features = with_lp_columns(features).with_columns(fund_size_ratio().alias("fund_size_to_round"))
    frame = features.with_columns(
        _smoothed(features, "n_ai_thesis_companies", "n_matched_companies", m).alias(
            "ai_thesis_share_for_ranking"
        ),
        _smoothed(features, "n_exits", "n_exit_eligible", m).alias("exit_rate_for_ranking"),
        _smoothed(features, "n_follow_on", "n_seasoned_companies", m).alias(
            "follow_on_rate_for_ranking"
        ),
        footprint(config).alias("footprint_score"),
        (pl.col("n_matched_companies") >= config["percentile_reference_min_companies"]).alias(
            "in_reference"
        ),
    )
    reference = frame.filter(pl.col("in_reference"))
    if reference.is_empty():
        reference = frame
    return frame.with_columns(
        *[
            pct_against(frame[col], reference[col], higher).alias(f"{name}_score")
            for name, col, higher in RANKED
        ],
        pl.col("ticket_fit").fill_null(0.5).alias("ticket_score"),
        track_record_score(config).alias("track_record_score"),
        fresh_capital_score(config).alias("fresh_capital_score"),
        fund_size_score(config).alias("fund_size_score"),
    )


def available_components(frame: pl.DataFrame) -> set[str]:
    """The components with evidence this week: every component but the LP ones no investor of
    `frame` has evidence for (`LP_EVIDENCE`)."""
    missing = set()
    for component, column in LP_EVIDENCE.items():
        values = frame[column]
        has = (
            values.is_not_null() & (values > 0)
            if values.dtype.is_numeric()
            else values.is_not_null()
        )
        if not has.any():
            missing.add(component)
    return set(COMPONENTS) - missing


def weighted(weights: dict[str, float], available: set[str] | None = None) -> pl.Expr:
    """Weighted mean of the component scores (a zero weight leaves a component out, and so does
    a component not in `available` when given)."""
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown score components in the weights: {sorted(unknown)}")
    if available is not None:
        weights = {c: w for c, w in weights.items() if c in available}
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("score weights must sum to more than 0")
    return sum(pl.col(f"{c}_score") * w for c, w in weights.items()) / total


# columns a feature frame may lack (built before a source said who led or what type an
# investor is): added as unknown
OPTIONAL_FEATURES = {
    "investor_types": pl.List(pl.String),
    "n_lead_investments": pl.Int64,
    "lead_share": pl.Float64,
}


def with_optional_features(features: pl.DataFrame) -> pl.DataFrame:
    """`features` with the `OPTIONAL_FEATURES` it lacks (investor types [], leads unknown)."""
    missing = [
        (pl.lit([], dtype=dtype) if name == "investor_types" else pl.lit(None, dtype=dtype)).alias(
            name
        )
        for name, dtype in OPTIONAL_FEATURES.items()
        if name not in features.columns
    ]
    return features.with_columns(missing) if missing else features


def fund_reason(features: pl.DataFrame, config: dict | None = None) -> pl.Series:
    """Why each investor is or is not a fund under `fund_rule`: "fund: <why>" when it is,
    "not a fund: <why>" otherwise (the first rule it fails). An investor with investor types
    (a provider's) is judged by them, one without by its name."""
    rule = (config or load_investor_scoring())["fund_rule"]
    sets = {
        key: {normalise_name(n) for n in rule[key]}
        for key in ("name_words", "exclude_words", "include_names", "exclude_names")
    }
    rows = with_optional_features(features).select(FUND_RULE_COLUMNS).iter_rows(named=True)
    return pl.Series("fund_reason", [_fund_verdict(r, rule, sets) for r in rows], dtype=pl.String)


# what the fund rule and the rationale read of a row (only those leave polars, row by row)
FUND_RULE_COLUMNS = (
    "name_norm",
    "investor_types",
    "country_source",
    "n_matched_companies",
    "days_since_last_investment",
)
RATIONALE_COLUMNS = (
    "n_matched_companies",
    "n_generative_models",
    "n_sector_applications",
    "n_ai_semiconductors",
    "n_ai_thesis_companies",
    "ai_thesis_share",
    "n_exits",
    "exit_rate",
    "n_seasoned_companies",
    "n_follow_on",
    "follow_on_rate",
    "days_since_last_investment",
    "n_investments_24m",
    "median_round_usd",
    "n_lead_investments",
    "lead_share",
    "country_code",
    "n_fra_companies",
    "n_are_companies",
    "fra_coinvestors",
    "are_coinvestors",
)


def _type_verdict(types: list[str], rule: dict) -> str:
    """The investor types' say: "fund: investor type <t>" or "not a fund: investor type <t>"
    (an excluding type wins over a fund type; a type in neither list is no fund type)."""
    excluded = [t for t in rule["exclude_types"] if t in types]
    if excluded:
        return f"not a fund: investor type {excluded[0]}"
    funds = [t for t in rule["fund_types"] if t in types]
    if funds:
        return f"fund: investor type {funds[0]}"
    return f"not a fund: investor type {', '.join(types)} is no fund type"


def _name_verdict(
    name: str, tokens: set[str], row: dict[str, Any], sets: dict[str, set[str]]
) -> str:
    """The name rule, for investors without types: fund words, lists, the curated investors."""
    if tokens & sets["exclude_words"]:
        return f"not a fund: name says '{min(tokens & sets['exclude_words'])}'"
    if tokens & sets["name_words"]:
        return "fund: name"
    if name in sets["include_names"]:
        return "fund: listed in fund_rule.include_names"
    if row.get("country_source") == "curated list":
        return "fund: curated French/Emirati investor"
    return "not a fund: no fund word in the name"


def _fund_verdict(row: dict[str, Any], rule: dict, sets: dict[str, set[str]]) -> str:
    name = row["name_norm"] or ""
    tokens = set(name.split())
    types = list(row.get("investor_types") or [])
    if name in sets["exclude_names"]:
        return "not a fund: listed in fund_rule.exclude_names"
    # a provider's investor types say what the investor is: its name then no longer decides
    why = _type_verdict(types, rule) if types else _name_verdict(name, tokens, row, sets)
    if why.startswith("not"):
        return why
    if row["n_matched_companies"] < rule["min_companies"]:
        return f"not a fund: fewer than {rule['min_companies']} portfolio companies"
    if row["days_since_last_investment"] > rule["active_within_months"] * 30.44:
        return f"not a fund: no investment in {rule['active_within_months']} months"
    return why


def score_investors(
    features: pl.DataFrame,
    config: dict | None = None,
    previous: pl.DataFrame | None = None,
    eur_per_usd: float | None = None,
) -> pl.DataFrame:
    """Every investor of `features` with its components, `co_investor_score` and rank, the fund
    rule's verdict (`is_fund`, `fund_reason`), `fund_score` and `fund_rank` (NULL for non-funds),
    a plain-language `rationale` and the config version. Rank 1 is best; ties by investor_id.
    `previous`: the rows scored before for the same date, whose rationales can be kept (see
    `with_rationale`); `eur_per_usd`: the rate for amounts in EUR beside USD."""
    config = config or load_investor_scoring()
    features = with_optional_features(features)
    frame = components(features, config)
    available = available_components(frame)
    frame = frame.with_columns(
        weighted(config["co_investor_weights"], available).alias("co_investor_score"),
        weighted(config["fund_weights"], available).alias("fund_score"),
        fund_reason(features, config),
    )
    frame = frame.with_columns(pl.col("fund_reason").str.starts_with("fund").alias("is_fund"))
    frame = frame.with_columns(
        pl.when(pl.col("is_fund")).then(pl.col("fund_score")).alias("fund_score")
    )
    funds = (
        frame.filter(pl.col("is_fund"))
        .sort(["fund_score", "investor_id"], descending=[True, False])
        .select("investor_id", pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("fund_rank"))
    )
    frame = (
        frame.sort(["co_investor_score", "investor_id"], descending=[True, False])
        .with_columns(
            pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("co_investor_rank"),
            pl.lit(str(config["version"])).alias("scoring_version"),
        )
        .join(funds, on="investor_id", how="left", maintain_order="left")
    )
    return with_rationale(frame, "co_investor", config, previous, eur_per_usd)


FUND_ORDER = "fund_score DESC, investor_id ASC"


def fund_lanes(config: dict | None = None) -> list[Lane]:
    """The fund shortlist's lanes (`fund_shortlist.lanes` in config/investor_scoring.yaml)."""
    return load_lanes((config or load_investor_scoring())["fund_shortlist"]["lanes"])


def shortlist_funds(
    scores: pl.DataFrame,
    lanes: list[Lane] | None = None,
    config: dict | None = None,
    eur_per_usd: float | None = None,
) -> pl.DataFrame:
    """Each fund lane's best funds by fund score (`lane`, `lane_rank` inside the lane, `rank`
    over all listed funds), in lane order, each with the fund rationale (amounts also in EUR at
    `eur_per_usd`)."""
    config = config or load_investor_scoring()
    top = lane_shortlist(scores, lanes or fund_lanes(config), "is_fund", FUND_ORDER)
    return with_rationale(top, "fund", config, eur_per_usd=eur_per_usd)


# --- rationale -----------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _ago(days: int) -> str:
    months = round(days / 30.44)
    if months < 1:
        return "this month"
    if months < 24:
        return f"{months} month{'s' if months > 1 else ''} ago"
    return f"{months / 12:.1f} years ago"


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def _names(names: list[str], limit: int = 2) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" +{len(names) - limit}" if len(names) > limit else "")


def ai_reasons(row: dict[str, Any]) -> str:
    n = row["n_matched_companies"]
    if not n:
        return "no portfolio company matched to our records"
    parts = [
        _count(row[f"n_{v}"], *VERTICAL_LABELS[v])
        for v in ("generative_models", "sector_applications", "ai_semiconductors")
        if row[f"n_{v}"]
    ]
    text = f"{row['n_ai_thesis_companies']} of {_count(n, 'portfolio company', 'portfolio companies')} in our verticals"
    return text + (f" ({_pct(row['ai_thesis_share'])}: {', '.join(parts)})" if parts else "")


def track_reasons(row: dict[str, Any], follow_on_months: int = 12) -> str:
    if not row["n_matched_companies"]:
        return "no track record in our records"
    text = f"{_count(row['n_exits'], 'exit')} ({_pct(row['exit_rate'])})"
    if row["n_seasoned_companies"]:
        text += (
            f"; {row['n_follow_on']} of {row['n_seasoned_companies']} companies backed"
            f" {follow_on_months}+ months"
            f" ago raised again ({_pct(row['follow_on_rate'])})"
        )
    return text


def median_round_phrase(median_round_usd: float, eur_per_usd: float | None = None) -> str:
    return f"median round {money(median_round_usd, eur_per_usd)} (round total)"


def activity_reasons(row: dict[str, Any], eur_per_usd: float | None = None) -> str:
    text = f"last investment {_ago(row['days_since_last_investment'])}"
    text += f"; {_count(row['n_investments_24m'], 'investment')} in 24 months"
    if row.get("median_round_usd") is not None:
        text += "; " + median_round_phrase(row["median_round_usd"], eur_per_usd)
    if row.get("lead_share") is not None:  # only sources that say who led
        text += f"; led {_count(row['n_lead_investments'], 'round')} ({_pct(row['lead_share'])} of rounds with a known lead)"
    return text


def footprint_reasons(row: dict[str, Any]) -> str:
    parts = []
    if row.get("country_code") in NEXUS:
        parts.append(f"{COUNTRY_LABELS[row['country_code']]} investor")
    for code in NEXUS:
        n = row[f"n_{code.lower()}_companies"]
        if n:
            label = f"{COUNTRY_LABELS[code]} portfolio compan"
            parts.append(_count(n, label + "y", label + "ies"))
    coinvestors = list(row["fra_coinvestors"] or []) + list(row["are_coinvestors"] or [])
    if coinvestors:
        parts.append(f"co-invested with {_names(coinvestors)}")
    return "; ".join(parts) if parts else "none"


def _quartile_phrase(row: dict[str, Any], metric: str, label: str) -> str | None:
    ranked = row.get(f"n_ranked_{metric}") or 0
    if not ranked:
        return None
    top = row.get(f"n_top_quartile_{metric}") or 0
    if top:
        return f"top-quartile {label} in {top} of {_count(ranked, 'ranked fund')}"
    return f"best {label} quartile {row[f'best_{metric}_quartile']} of 4 in {_count(ranked, 'ranked fund')}"


def lp_reasons(row: dict[str, Any], config: dict, eur_per_usd: float | None = None) -> str:
    """The LP view of a fund: its disclosed track record by as_of, its fund raises and their
    size against its rounds, e.g. "top-quartile TVPI in 2 of 3 ranked funds; raised a fund of
    USD 300M / EUR 270M in 2025"."""
    as_of = row.get("as_of")
    disclosed = row.get("n_disclosed_funds") or 0
    if not disclosed:
        parts = [f"no disclosed fund performance by {as_of}"]
    else:
        ranked = [
            p
            for p in (_quartile_phrase(row, "tvpi", "TVPI"), _quartile_phrase(row, "irr", "IRR"))
            if p
        ]
        funds = _count(disclosed, "disclosed fund")
        if ranked:
            parts = [f"{'; '.join(ranked)} ({funds}, latest vintage {row['latest_vintage']})"]
        else:
            parts = [f"{funds}, too few peers of their vintage and strategy to rank"]
    latest = row.get("latest_fund_on")
    if latest is not None:
        months = int(config["fund_raises"]["fresh_capital_months"])
        size, eur = row.get("latest_fund_usd"), row.get("latest_fund_eur")
        rate = eur / size if size and eur else eur_per_usd  # the fund's own EUR size when known
        sized = (
            f" of {money(size, rate)}" if size and row.get("latest_sized_fund_on") == latest else ""
        )
        if row.get("fresh_capital_score"):
            parts.append(f"raised a fund{sized} in {latest.year}")
        else:
            size_note = f" ({money(size, rate)})" if sized else ""
            parts.append(
                f"last fund raised in {latest.year}{size_note}, more than {months} months ago"
            )
    ratio = row.get("fund_size_to_round")
    if ratio is not None:
        low, high = config["fund_raises"]["fund_size_band"]
        where = "within" if low <= ratio <= high else "outside"
        parts.append(
            f"latest fund {ratio:.0f}x its median round ({where} the {low:g}-{high:g}x band)"
        )
    return "; ".join(parts)


# what the LP sentence of a fund's rationale reads
LP_RATIONALE_COLUMNS = (
    "as_of",
    "n_disclosed_funds",
    "n_ranked_tvpi",
    "n_top_quartile_tvpi",
    "best_tvpi_quartile",
    "n_ranked_irr",
    "n_top_quartile_irr",
    "best_irr_quartile",
    "latest_vintage",
    "latest_fund_on",
    "latest_fund_usd",
    "latest_fund_eur",
    "latest_sized_fund_on",
    "fresh_capital_score",
    "fund_size_to_round",
)
RATIONALE_LABELS = {"co_investor": "Co-investor score", "fund": "Fund score"}
BODY_START = "AI thesis: "


def rationale_body(
    row: dict[str, Any], follow_on_months: int, eur_per_usd: float | None = None
) -> str:
    """The rationale after its score: what the row's `RATIONALE_COLUMNS` say."""
    return (
        f"{BODY_START}{ai_reasons(row)}. "
        f"Track record: {track_reasons(row, follow_on_months)}. "
        f"Activity: {activity_reasons(row, eur_per_usd)}. "
        f"France/UAE: {footprint_reasons(row)}."
    )


def rationale(
    row: dict[str, Any],
    kind: str = "co_investor",
    config: dict | None = None,
    eur_per_usd: float | None = None,
) -> str:
    """E.g. 'Fund score 0.71. AI thesis: 12 of 40 portfolio companies in our verticals (30%:
    ...). Track record: 9 exits (23%); ... Activity: last investment 2 months ago; ...
    France/UAE: French investor; ...'"""
    config = config or load_investor_scoring()
    body = rationale_body(row, config["features"]["follow_on_min_months"], eur_per_usd)
    if kind == "fund":
        body += f" LP view: {lp_reasons(row, config, eur_per_usd)}."
    return f"{RATIONALE_LABELS[kind]} {row[f'{kind}_score']:.2f}. " + body


def _kept_bodies(inputs: pl.DataFrame, previous: pl.DataFrame, months: int) -> pl.Series:
    """Per row of `inputs`, the body of `previous`'s rationale for the same investor when every
    rationale input is equal (else NULL)."""
    prev = (
        with_optional_features(previous)
        .select(
            "investor_id",
            *[pl.col(c).cast(inputs.schema[c]).alias(f"__prev_{c}") for c in RATIONALE_COLUMNS],
            pl.col("rationale").str.slice(pl.col("rationale").str.find(BODY_START)).alias("__body"),
        )
        .unique("investor_id", keep="none")
    )
    joined = inputs.join(prev, on="investor_id", how="left", maintain_order="left")
    same = pl.all_horizontal(
        [pl.col(c).eq_missing(pl.col(f"__prev_{c}")) for c in RATIONALE_COLUMNS]
    )
    # the only setting the body reads: written there whenever seasoned companies exist
    months_ok = (pl.col("n_seasoned_companies") == 0) | pl.col("__body").str.contains(
        f" {months}+ months ago", literal=True
    )
    return joined.select(
        pl.when(same & months_ok & pl.col("__body").is_not_null()).then(pl.col("__body"))
    ).to_series()


def with_rationale(
    frame: pl.DataFrame,
    kind: str,
    config: dict | None = None,
    previous: pl.DataFrame | None = None,
    eur_per_usd: float | None = None,
) -> pl.DataFrame:
    """Adds (or replaces) `rationale`, for the co-investor or the fund score, amounts also in EUR
    at `eur_per_usd` (EUR per USD) when given. `previous`, rows with a rationale written before
    (`investor_id`, the `RATIONALE_COLUMNS`, `rationale`): an investor whose rationale inputs
    are all equal, and whose median round reads the same at this rate, keeps the text after its
    score, which is the same text (only the score is written again); the others are written row
    by row."""
    months = (config or load_investor_scoring())["features"]["follow_on_min_months"]
    inputs = with_optional_features(frame).select("investor_id", *RATIONALE_COLUMNS)
    kept = (
        _kept_bodies(inputs, previous, months)
        if previous is not None and not previous.is_empty()
        else pl.Series([None] * frame.height, dtype=pl.String)
    )
    bodies = kept.to_list()
    medians = inputs["median_round_usd"].to_list()
    for i, body in enumerate(bodies):  # the one amount: written at another rate, written again
        median = medians[i]
        if (
            body is not None
            and median is not None
            and median_round_phrase(median, eur_per_usd) not in body
        ):
            bodies[i] = None
    missing = [i for i, body in enumerate(bodies) if body is None]
    rows = inputs[missing].iter_rows(named=True) if missing else iter(())
    for i, row in zip(missing, rows, strict=True):
        bodies[i] = rationale_body(row, months, eur_per_usd)
    if kind == "fund":  # the LP view, for funds only (the co-investor rationale has none)
        config = config or load_investor_scoring()
        lp = with_lp_columns(frame)
        lp_rows = lp.select(
            pl.col(c) if c in lp.columns else pl.lit(None).alias(c) for c in LP_RATIONALE_COLUMNS
        )
        for i, row in enumerate(lp_rows.iter_rows(named=True)):
            bodies[i] += f" LP view: {lp_reasons(row, config, eur_per_usd)}."
    label = RATIONALE_LABELS[kind]
    scores = frame[f"{kind}_score"].to_list()
    texts = [f"{label} {score:.2f}. {body}" for score, body in zip(scores, bodies, strict=True)]
    return frame.with_columns(pl.Series("rationale", texts, dtype=pl.String))
