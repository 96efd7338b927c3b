"""A SYNTHETIC analysts' decisions file (`analyst_decisions.csv`) about companies of the synthetic
sample, in the columns analysts edit: `company` (a name, web domain or provider key), `status`
(`watch`, `in_diligence`, `passed`, `portfolio`), `note`, `analyst`, `decided_on`.

A handful of rows written as they are (no random draw), each exercising one rule: a company named
by its name, one by its web domain, one by its Crunchbase permalink; a company passed then taken
into diligence (the latest decision wins); a portfolio company; a decision dated after the
sample's test date 2026-11-04 (not known as of then: it applies only to later weeks); a name no
company has and one that two companies share (both reported unmatched); an unknown status
(quarantined). Analysts' names are invented.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

FILE = "analyst_decisions.csv"
SOURCES_YAML = """\
# The analysts' own decisions (sampledata/decisions.py), synthetic: CSV or Excel .xlsx
analyst_decisions: analyst_decisions.csv
"""
COLUMNS = ["company", "status", "note", "analyst", "decided_on"]
DECISIONS = [
    (
        "Tebleme Apps",
        "in_diligence",
        "Data room opened; call with the CTO",
        "C. Martin",
        "2026-10-12",
    ),
    (
        "meflowexx.example",
        "passed",
        "Valuation too high for a first ticket",
        "A. Al Mansoori",
        "2026-10-05",
    ),
    (
        "/organization/univide-motors",
        "portfolio",
        "Joint seed ticket, 2026",
        "C. Martin",
        "2026-09-01",
    ),
    (
        "MyQuijetve Software",
        "watch",
        "Revisit after their next round",
        "A. Al Mansoori",
        "2026-10-20",
    ),
    ("GoClasolopt Labs", "passed", "Too early", "C. Martin", "2026-08-01"),
    ("GoClasolopt Labs", "In diligence", "New product line: reopened", "C. Martin", "2026-10-28"),
    (
        "Teveto Group",
        "portfolio",
        "Signed after the committee of 20 November",
        "A. Al Mansoori",
        "2026-11-20",
    ),
    ("Nonexistent Robotics SAS", "watch", "Met at a conference", "C. Martin", "2026-10-02"),
    ("Tramarwex", "watch", "Which one?", "C. Martin", "2026-10-03"),
    ("Briteble Security", "maybe", "Not a status", "A. Al Mansoori", "2026-10-15"),
]


def write_decisions(out: Path) -> dict[str, Path]:
    """Write `analyst_decisions.csv` under `out`."""
    path = Path(out) / FILE
    pl.DataFrame(DECISIONS, schema=COLUMNS, orient="row").write_csv(path)
    return {"analyst_decisions": path}


if __name__ == "__main__":
    print(write_decisions(Path("data/sample")))
