"""Synthetic investors and investment edges, with the France–UAE nexus of named investors."""

from __future__ import annotations

import numpy as np
import polars as pl

from sampledata.common import (
    ARE,
    EMIRATI_INVESTORS,
    FIRST_NAMES,
    FRA,
    FRENCH_INVESTORS,
    INVESTOR_FORMS,
    INVESTORS_PER_ROUND,
    NAMED_INVESTORS,
    ROUND_TYPES,
    RT,
    _amounts,
    _dates,
    _lookup,
    _pick,
    _sigmoid,
)
from sampledata.companies import ROOTS, Companies
from sampledata.rounds import Rounds

# ---------------------------------------------------------------------------------------------
# Investors and investment edges
# ---------------------------------------------------------------------------------------------


def _investor_candidates(rng: np.random.Generator, size: int) -> pl.Series:
    """Firm names '<Root> Ventures'… (80%) and angel names '<First> <Root>' (20%)."""
    root = pl.Series(ROOTS).gather(rng.integers(0, len(ROOTS), size))
    form = _lookup(INVESTOR_FORMS, rng.integers(0, len(INVESTOR_FORMS), size))
    first = _lookup(FIRST_NAMES, rng.integers(0, len(FIRST_NAMES), size))
    person = pl.Series(rng.random(size) < 0.2)
    firm = pl.select(pl.concat_str(pl.lit(root), pl.lit(form))).to_series()
    angel = pl.select(pl.concat_str(pl.lit(first), pl.lit(" "), pl.lit(root))).to_series()
    return angel.zip_with(person, firm)


def investor_pool(rng: np.random.Generator, companies: int) -> pl.Series:
    """Named French and Emirati investors first, then generic ones in popularity order."""
    size = max(300, companies // 5) - NAMED_INVESTORS
    named = [name for name, _ in (*FRENCH_INVESTORS, *EMIRATI_INVESTORS)]
    names = pl.Series([], dtype=pl.String)
    while names.len() < size:
        batch = _investor_candidates(rng, int(size * 1.3) + 64)
        names = pl.concat([names, batch]).unique(maintain_order=True)
        names = names.filter(~names.is_in(pl.Series(named).implode()))
    return pl.concat([pl.Series(named, dtype=pl.String), names.head(size)])


def _investor_counts(rng: np.random.Generator, rounds: Rounds) -> np.ndarray:
    """0–2 investors on seed/angel, 1–5 on venture (more on later series)."""
    lo, hi = (np.array([INVESTORS_PER_ROUND[t][i] for t in ROUND_TYPES]) for i in range(2))
    lo, hi = lo[rounds.kind], hi[rounds.kind]
    lo = np.where(rounds.code == 1, 1, np.where(rounds.code >= 2, 2, lo))
    hi = np.where(rounds.code == 1, 4, np.where(rounds.code >= 2, 5, hi))
    return lo + (rng.random(len(rounds)) * (hi - lo + 1)).astype(np.int64)


def _generic_investors(
    rng: np.random.Generator, pool: int, quality: np.ndarray, late: np.ndarray
) -> np.ndarray:
    """Zipf-like popularity; the top decile is drawn more often for high-quality companies."""
    generic = pool - NAMED_INVESTORS
    weights = (np.arange(generic) + 5.0) ** -0.9
    top_size = max(1, generic // 10)
    top = rng.random(quality.size) < _sigmoid(-0.3 + 1.1 * quality + 0.4 * late)
    pick_top = _pick(rng, weights[:top_size], quality.size)
    pick_rest = top_size + _pick(rng, weights[top_size:], quality.size)
    return NAMED_INVESTORS + np.where(top, pick_top, pick_rest)


def _nexus_investors(
    rng: np.random.Generator, comp: Companies, company: np.ndarray, investor: np.ndarray
) -> np.ndarray:
    """Swap in French investors on French deals and Emirati ones on UAE / French-AI deals."""
    size = company.size
    country, ai = comp.country[company], comp.ai[company]
    boost = np.clip(np.exp(0.3 * comp.quality[company]), 0.5, 2.0)
    p_fr = np.where(country == FRA, 0.22, 0.004) * boost
    p_ae = np.where(country == ARE, 0.30, np.where(ai & (country == FRA), 0.06, 0.002))
    p_ae = np.where(ai & (country != FRA) & (country != ARE), 0.003, p_ae) * boost
    french = _pick(rng, np.array([w for _, w in FRENCH_INVESTORS]), size)
    emirati = len(FRENCH_INVESTORS) + _pick(rng, np.array([w for _, w in EMIRATI_INVESTORS]), size)
    u = rng.random(size)
    investor = np.where(u < p_fr, french, investor)
    return np.where((u >= p_fr) & (u < p_fr + p_ae), emirati, investor)


def investment_edges(
    rng: np.random.Generator, comp: Companies, rounds: Rounds, investors: pl.Series
) -> tuple[np.ndarray, np.ndarray]:
    """(round index, investor index) of every distinct investment, in round order."""
    r = np.repeat(np.arange(len(rounds)), _investor_counts(rng, rounds))
    company = rounds.company[r]
    late = (rounds.code[r] >= 2) | (rounds.kind[r] == RT["private_equity"])
    investor = _generic_investors(rng, investors.len(), comp.quality[company], late)
    investor = _nexus_investors(rng, comp, company, investor)
    edges = pl.DataFrame({"r": r, "i": investor}).unique(maintain_order=True)
    return edges["r"].to_numpy(), edges["i"].to_numpy()


def investments_table(
    rng: np.random.Generator,
    comp: Companies,
    rounds: Rounds,
    investors: pl.Series,
    edges: tuple[np.ndarray, np.ndarray],
) -> pl.DataFrame:
    """One row per (round, investor), by company NAME; amount_usd is the round total."""
    r, investor = edges
    return pl.DataFrame(
        {
            "company_name": comp.name.gather(rounds.company[r]),
            "investor_name": investors.gather(investor),
            "funded_when": _dates(rounds.day[r], blank=rng.random(r.size) < 0.001),
            "amount_usd": _amounts(rounds.amount[r]),
        }
    )
