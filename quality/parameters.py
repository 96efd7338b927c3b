"""The values suites refer to as `{$PARAMETER: name}`, resolved when a check runs.

Vocabularies come from where the pipeline itself takes them (pycountry, `config/stages.yaml`,
`config/taxonomy.yaml`), so a suite never carries its own copy that could drift.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

from transforms.reference import stage_frame
from transforms.taxonomy import load_taxonomy

# Parameter name -> what it means. Every `$PARAMETER` a suite uses must be listed here.
PARAMETERS: dict[str, str] = {
    "today": "the day the check runs (staging nulls dates after its load day)",
    "rows": "number of rows validated (set by the runner)",
    "iso3166_alpha3": "ISO 3166-1 alpha-3 country codes (pycountry)",
    "iso4217": "ISO 4217 currency codes: current (pycountry) plus the withdrawn ones in ECB history",
    "stages": "stage vocabulary (config/stages.yaml, transforms.reference.stage_frame)",
    "stage_groups": "stage groups (config/stages.yaml)",
    "verticals": "the partnership's verticals (config/taxonomy.yaml)",
    "sectors": "target sectors (config/taxonomy.yaml)",
    "week_start": "Monday of the partition week being validated",
    "week_end": "Sunday of the partition week being validated",
    "declared_min_rows": "1 when the raw table's source is declared in the sources YAML, else 0",
    "declared_max_rows": "no bound when the source is declared, else 0 (an undeclared source is empty)",
    "crunchbase_snapshot_date": "declared Crunchbase export date (no bound when not declared)",
    "crunchbase_bulk_snapshot_date": "declared Crunchbase bulk export date (no bound when not declared)",
    "shortlist_size": "the sum of the shortlist lanes' sizes (config/thesis.yaml, or settings.shortlist_size per lane), plus the portfolio companies listed apart",
    "shortlist_rows": "the sum over lanes of min(lane size, companies of the lane eligible that week, less those the analysts passed or hold in portfolio), plus the portfolio companies listed apart",
    "lanes": "the shortlist's lane names (config/thesis.yaml `lanes:`) and `portfolio`",
    "eligible_listed": "the companies listed that week whose scores of the week pass the shortlist's rules (config/thesis.yaml `shortlist:`, models.lanes.shortlist_rules_sql)",
    "fund_shortlist_size": "the sum of the fund lanes' sizes (config/investor_scoring.yaml `fund_shortlist.lanes`)",
    "fund_shortlist_rows": "the sum over fund lanes of min(lane size, funds of the lane that week)",
    "fund_lanes": "the fund shortlist's lane names (config/investor_scoring.yaml)",
}

# ISO 4217 codes withdrawn from the current list (ISO 4217 "list three") that still appear in
# the ECB reference-rate history and in older provider exports.
WITHDRAWN_ISO4217 = (
    *("ATS", "BEF", "CYP", "DEM", "EEK", "ESP", "FIM", "FRF", "GRD", "HRK", "IEP", "ITL"),
    *("LTL", "LUF", "LVL", "MTL", "NLG", "PTE", "SIT", "SKK"),  # replaced by the euro
    *("ROL", "TRL"),  # redenominated: RON, TRY
    "BGN",  # euro since 2026
)


@cache
def iso3166_alpha3() -> tuple[str, ...]:
    import pycountry

    return tuple(sorted(c.alpha_3 for c in pycountry.countries))


@cache
def iso4217() -> tuple[str, ...]:
    import pycountry

    return tuple(sorted({c.alpha_3 for c in pycountry.currencies} | set(WITHDRAWN_ISO4217)))


@cache
def vocabularies() -> dict[str, list[str]]:
    stages = stage_frame()
    taxonomy = load_taxonomy()
    return {
        "iso3166_alpha3": list(iso3166_alpha3()),
        "iso4217": list(iso4217()),
        "stages": stages["stage"].to_list(),
        "stage_groups": sorted(set(stages["stage_group"].to_list())),
        "verticals": list(taxonomy["verticals"]),
        "sectors": list(taxonomy["sectors"]),
    }


def standard_parameters(today: date | None = None, week: date | None = None) -> dict[str, Any]:
    """Parameters every check gets: today, the vocabularies, and the week bounds when partitioned."""
    params: dict[str, Any] = {"today": today or date.today(), **vocabularies()}
    if week is not None:
        params |= {"week_start": week, "week_end": week + timedelta(days=6)}
    return params
