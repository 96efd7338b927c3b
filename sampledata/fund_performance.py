"""Fund performance disclosed by limited partners, in the format of US public pension funds'
disclosures compiled into `commitments.csv.gz` (one row per LP and fund; money in USD millions,
IRR a fraction, net multiple = TVPI).

The managers are investors of the synthetic universe and the funds those of the bulk export's
`funds.csv` (same names), plus invented managers that match no investor: three to five funds of the same vintage and
strategy beside each of theirs, so every disclosed fund has peers to be ranked against. Each
fund has one to four LPs (invented pension funds, see `vocabulary/bulk.yaml`), which report the
same fund a little differently; `sub_strategy` is blank in about a third of the rows; the
disclosures are dated at the two quarter ends before the reference date. Performance is better
for the popular managers and matures with the fund's age (distributions after year three).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from sampledata.bulk import Funds
from sampledata.common import NAMED_INVESTORS, _write_csv_gz
from sampledata.companies import ROOTS
from sampledata.vocab import vocabulary

FOLDER = "fund_performance"
COLUMNS = (
    "pension_fund_name", "pension_fund_state", "fund_name", "general_partner", "asset_class",
    "sub_strategy", "vintage_year", "commitment_mm", "capital_called_mm",
    "capital_distributed_mm", "remaining_value_mm", "net_irr", "net_multiple", "dpi",
    "as_of_date", "source_url", "source_document", "extraction_method", "extraction_confidence",
)  # fmt: skip


def _quarter_ends(ref: date) -> tuple[str, str]:
    """The last two quarter ends at least a month before the reference date."""
    ends = []
    d = ref - timedelta(days=31)
    while len(ends) < 2:
        q_end = date(d.year, 3 * ((d.month - 1) // 3) + 1, 1) - timedelta(days=1)
        ends.append(q_end.isoformat())
        d = q_end
    return ends[0], ends[1]


def _disclosed_funds(
    rng: np.random.Generator, funds: Funds, pool: pl.Series, ref_year: int
) -> pl.DataFrame:
    """Funds of the bulk export at least a year old, plus invented managers' funds."""
    year = (funds.day // 365.25 + 1970).astype(np.int64)
    eligible = np.flatnonzero(year <= ref_year - 1)
    k = min(eligible.size, max(30, eligible.size // 20))
    chosen = np.sort(rng.choice(eligible, size=k, replace=False))
    popular = funds.investor[chosen] < NAMED_INVESTORS + max(
        1, (pool.len() - NAMED_INVESTORS) // 10
    )
    known = pl.DataFrame(
        {
            "fund_name": funds.name.gather(chosen),
            "general_partner": pool.gather(funds.investor[chosen]),
            "vintage_year": year[chosen],
            "popular": popular,
        }
    )
    strategies = vocabulary("bulk")["fund_sub_strategies"]
    known = known.with_columns(
        strategy=pl.Series(list(strategies)).gather(rng.integers(0, len(strategies), k))
    )
    # peers: invented managers' funds of the same vintage and strategy (3 to 5 per known fund),
    # so each known fund is ranked among enough funds of its kind
    peers = rng.integers(3, 6, k)
    of = np.repeat(np.arange(k), peers)
    m = of.size
    roots = pl.Series(ROOTS).gather(rng.integers(0, len(ROOTS), m))
    invented = pl.DataFrame(
        {
            "fund_name": roots
            + " Capital Partners Fund "
            + pl.Series(rng.integers(1, 6, m)).cast(pl.String),
            "general_partner": roots + " Capital Management",
            "vintage_year": known["vintage_year"].gather(of),
            "popular": rng.random(m) < 0.2,
            "strategy": known["strategy"].gather(of),
        }
    )
    return pl.concat([known, invented])


def commitments_table(
    rng: np.random.Generator, funds: Funds, pool: pl.Series, ref_day: int
) -> pl.DataFrame:
    ref = date(1970, 1, 1) + timedelta(days=ref_day)
    fund = _disclosed_funds(rng, funds, pool, ref.year)
    lps = vocabulary("bulk")["limited_partners"]
    nf = fund.height
    n_lp = rng.integers(1, 5, nf)
    f = np.repeat(np.arange(nf), n_lp)
    lp = np.concatenate([rng.choice(len(lps), size=c, replace=False) for c in n_lp])
    age = np.maximum(ref.year - fund["vintage_year"].to_numpy(), 0)[f]
    tvpi_fund = np.exp(rng.normal(0.1 + 0.3 * fund["popular"].to_numpy(), 0.35, nf))
    tvpi = np.round(tvpi_fund[f] * np.exp(rng.normal(0, 0.02, f.size)), 4)
    commitment = np.round(rng.choice([10, 15, 20, 25, 50, 75, 100, 150, 200, 300], f.size), 1)
    called = commitment * np.minimum(1.0, 0.25 + 0.18 * age) * rng.uniform(0.85, 1.0, f.size)
    dpi = np.round(tvpi * np.clip((age - 3) / 8, 0, 1) * rng.uniform(0.6, 1.0, f.size), 4)
    irr = np.where(age >= 2, tvpi ** (1 / np.maximum(age - 1, 1)) - 1, np.nan)
    early, late = _quarter_ends(ref)
    lp_names = pl.Series([n for n, _ in lps]).gather(lp)
    strategy = fund["strategy"].gather(f)  # a fund's strategy; an LP may leave it blank
    blank_strategy = np.flatnonzero(rng.random(f.size) < 0.33)
    asset = np.where(strategy.str.contains("Venture|Early").to_numpy(), 1, 0)
    table = pl.DataFrame(
        {
            "pension_fund_name": lp_names,
            "pension_fund_state": pl.Series([s for _, s in lps]).gather(lp),
            "fund_name": fund["fund_name"].gather(f),
            "general_partner": fund["general_partner"].gather(f),
            "asset_class": pl.Series(["Private Equity", "Venture Capital"]).gather(asset),
            "sub_strategy": strategy.scatter(blank_strategy, None),
            "vintage_year": fund["vintage_year"].gather(f).cast(pl.String),
            "commitment_mm": pl.Series(commitment).cast(pl.String),
            "capital_called_mm": pl.Series(np.round(called, 6)).cast(pl.String),
            "capital_distributed_mm": pl.Series(np.round(dpi * called, 6)).cast(pl.String),
            "remaining_value_mm": pl.Series(np.round((tvpi - dpi) * called, 6)).cast(pl.String),
            "net_irr": pl.Series(np.round(irr, 4), nan_to_null=True).cast(pl.String),
            "net_multiple": pl.Series(tvpi).cast(pl.String),
            "dpi": pl.Series(dpi).cast(pl.String),
            "as_of_date": pl.Series([late, early]).gather(lp % 2),
            "source_url": "https://lp" + pl.Series(lp).cast(pl.String) + ".example/private-markets",
            "source_document": lp_names + " Private Markets Performance Report",
            "extraction_method": pl.Series(["deterministic_html"] * f.size),
            "extraction_confidence": pl.Series(["1.0", "0.9"]).gather(
                (rng.random(f.size) < 0.15).astype(np.int64)
            ),
        }
    )
    return table.sort("pension_fund_name", "fund_name", maintain_order=True).select(COLUMNS)


def write_fund_performance(
    rng: np.random.Generator, funds: Funds, pool: pl.Series, out: Path, ref_day: int
) -> dict[str, Path]:
    path = out / FOLDER / "commitments.csv.gz"
    return {"fund_performance": _write_csv_gz(commitments_table(rng, funds, pool, ref_day), path)}
