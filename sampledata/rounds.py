"""Synthetic funding rounds and exits: the stage ladder, follow-ons and comebacks, IPOs,
acquisitions and closures, amounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from sampledata.common import (
    ACQUIRED,
    AMOUNT_MODEL,
    CLOSED,
    CODES,
    IPO,
    KIND_MIX,
    MONTH_DAYS,
    OPERATING,
    ROUND_TYPES,
    RT,
    SERIES,
    SERIES_BLANK,
    SERIES_MEDIANS,
    SERIES_SIGMA,
    _day,
    _months,
    _probs,
    _round_sig,
    _sigmoid,
    _top_k,
)
from sampledata.companies import Companies

# ---------------------------------------------------------------------------------------------
# Funding rounds and exits
# ---------------------------------------------------------------------------------------------

ROUNDS_START = _day(date(2005, 1, 1))
MAX_ROUNDS = 40


@dataclass
class Rounds:
    company: np.ndarray  # company index
    kind: np.ndarray  # index into ROUND_TYPES
    code: np.ndarray  # index into CODES (0 = no code)
    day: np.ndarray  # days since 1970
    amount: np.ndarray  # USD, nan = undisclosed

    def __len__(self) -> int:
        return len(self.company)


def _concat_rounds(parts: Sequence[Rounds]) -> Rounds:
    """Concatenate and sort by (company, day)."""
    cat = {f: np.concatenate([getattr(p, f) for p in parts]) for f in Rounds.__dataclass_fields__}
    order = np.lexsort((cat["day"], cat["company"]))
    return Rounds(**{f: v[order] for f, v in cat.items()})


def _new_rounds(company: np.ndarray, kind: np.ndarray, code: np.ndarray, day: np.ndarray) -> Rounds:
    return Rounds(company, kind, code, day, np.full(len(company), np.nan))


KIND_P = {
    stage: _probs([mix.get(k, 0.0) for k in (*ROUND_TYPES, "series")])
    for stage, mix in KIND_MIX.items()
}


def _draw_kinds(
    rng: np.random.Generator, level: np.ndarray, first: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Round type, series code and new series level, given each company's current level."""
    stage = np.where(level == 0, 1, np.where(level <= 2, 2, 3)) * (not first)
    kind = np.empty(len(level), dtype=np.int64)
    for si, name in enumerate(("first", "early", "mid", "late")):
        rows = np.flatnonzero(stage == si)
        kind[rows] = rng.choice(SERIES + 1, size=len(rows), p=KIND_P[name])
    climb = (kind == SERIES) & (level < len(CODES) - 1)
    kind = np.where(kind == SERIES, RT["venture"], kind)
    return kind, np.where(climb, level + 1, 0), np.where(climb, level + 1, level)


def _first_round_day(rng: np.random.Generator, founded: np.ndarray) -> np.ndarray:
    """Months after founding (log-normal, median 14), never before 2005."""
    gap = np.clip(np.exp(rng.normal(np.log(14.0), 0.8, len(founded))), 1, 120)
    day = founded + (gap * MONTH_DAYS).astype(np.int64)
    early = day < ROUNDS_START
    return np.where(early, ROUNDS_START + rng.integers(0, 6 * 365, len(day)), day)


def _next_gap(rng: np.random.Generator, q: np.ndarray) -> np.ndarray:
    """6–30 months between rounds, shorter for high-quality companies."""
    months = 6 + 24 * rng.beta(2.0, 2.6, len(q)) * np.exp(-0.15 * q)
    return (np.clip(months, 6, 30) * MONTH_DAYS).astype(np.int64)


def _next_round(
    rng: np.random.Generator, q: np.ndarray, level: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each company raises again, and after how many days.

    A quick follow-on (6–30 months) with probability sigmoid(-1.3 + 1.5q + 0.35·min(level, 4)),
    otherwise a late comeback (30–84 months) with probability sigmoid(-1.8 + 0.8q).
    """
    u = rng.random(q.size)
    p_soon = _sigmoid(-1.3 + 1.5 * q + 0.35 * np.minimum(level, 4))
    p_late = (1 - p_soon) * _sigmoid(-1.8 + 0.8 * q)
    gap = np.where(u < p_soon, _next_gap(rng, q), _months(rng, 30, 84, q.size))
    return u < p_soon + p_late, gap


def simulate_private_rounds(
    rng: np.random.Generator, comp: Companies, ref_day: int
) -> tuple[Rounds, np.ndarray]:
    """Climb the stage ladder until a company stops raising or reaches the reference date."""
    q, day = comp.quality, _first_round_day(rng, comp.founded)
    vintage = (comp.founded - _day(date(2012, 1, 1))) / 365.25  # coverage favours young firms
    p_funded = _sigmoid(1.7 + 0.5 * q + 0.1 * vintage)
    active = np.flatnonzero((rng.random(comp.n) < p_funded) & (day <= ref_day))
    level = np.zeros(comp.n, dtype=np.int64)
    parts: list[Rounds] = []
    for k in range(MAX_ROUNDS):
        if active.size == 0:
            break
        kind, code, level[active] = _draw_kinds(rng, level[active], first=k == 0)
        parts.append(_new_rounds(active, kind, code, day[active]))
        again, gap = _next_round(rng, q[active], level[active])
        day[active] += gap
        active = active[again & (day[active] <= ref_day)]
    empty = np.empty(0, dtype=np.int64)
    return _concat_rounds([*parts, _new_rounds(empty, empty, empty, empty)]), level


def _run_edges(company: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last row of each company's run of rows (rows sorted by company)."""
    if company.size == 0:
        return company, company
    change = company[1:] != company[:-1]
    return np.flatnonzero(np.r_[True, change]), np.flatnonzero(np.r_[change, True])


def _last_day(rounds: Rounds, n: int, default: np.ndarray) -> np.ndarray:
    """Each company's last round day (rounds sorted by company, day), else `default`."""
    last = default.copy()
    ends = _run_edges(rounds.company)[1]
    last[rounds.company[ends]] = rounds.day[ends]
    return last


@dataclass
class Exits:
    status: np.ndarray  # index into STATUSES
    day: np.ndarray  # exit (IPO / acquisition) day, or a candidate one


def decide_exits(
    rng: np.random.Generator, comp: Companies, rounds: Rounds, level: np.ndarray, ref_day: int
) -> Exits:
    """IPO ~3%, acquired ~8%, closed ~9%: quality-weighted, after the last private round."""
    n, q = comp.n, comp.quality
    funded = np.bincount(rounds.company, minlength=n) > 0
    last = _last_day(rounds, n, comp.founded + 365)
    day = last + _months(rng, 6, 48, n)
    ok = (day <= ref_day).astype(np.float64)
    status = np.full(n, OPERATING, dtype=np.int64)
    mature = comp.founded <= ref_day - 3 * 365
    w_ipo = np.exp(1.8 * q) * (0.2 + level) * np.where(funded, 1.0, 0.15) * ok * mature
    status[_top_k(rng, w_ipo, round(0.03 * n))] = IPO
    w_acq = np.exp(0.6 * q) * np.where(funded, 1.4, 1.0) * ok * (status == OPERATING)
    status[_top_k(rng, w_acq, round(0.08 * n))] = ACQUIRED
    stale = ~funded | (ref_day - last > 365)
    w_closed = np.exp(-1.2 * q) * np.where(stale, 1.0, 0.1) * (comp.founded <= ref_day - 365)
    status[_top_k(rng, w_closed * (status == OPERATING), round(0.09 * n))] = CLOSED
    return Exits(status, day)


def post_ipo_rounds(rng: np.random.Generator, exits: Exits, ref_day: int) -> Rounds:
    """Up to three post-IPO equity/debt rounds for listed companies."""
    active = np.flatnonzero(exits.status == IPO)
    day = np.maximum(exits.day[active], ROUNDS_START)
    parts: list[Rounds] = []
    for _ in range(3):
        day = day + _months(rng, 4, 24, active.size)
        go = (rng.random(active.size) < 0.3) & (day <= ref_day)
        active, day = active[go], day[go]
        kind = np.where(rng.random(active.size) < 0.75, RT["post_ipo_equity"], RT["post_ipo_debt"])
        parts.append(_new_rounds(active, kind, np.zeros(active.size, dtype=np.int64), day))
    return _concat_rounds(parts)


def _draw_amounts(rng: np.random.Generator, rounds: Rounds, q: np.ndarray) -> np.ndarray:
    """Log-normal by stage, scaled by quality and a mild year trend; some undisclosed."""
    median, sigma, blank = (np.array([AMOUNT_MODEL[t][i] for t in ROUND_TYPES]) for i in range(3))
    coded = rounds.code > 0
    mu = np.log(np.where(coded, np.array(SERIES_MEDIANS)[rounds.code], median[rounds.kind]))
    sd = np.where(coded, SERIES_SIGMA, sigma[rounds.kind])
    years = rounds.day / 365.25 + 1970 - 2015
    x = np.exp(mu + sd * rng.standard_normal(len(rounds)) + 0.3 * q + 0.02 * years)
    p_blank = np.where(coded, SERIES_BLANK, blank[rounds.kind])
    return np.where(rng.random(len(rounds)) < p_blank, np.nan, _round_sig(x, rng))


def all_rounds(
    rng: np.random.Generator, comp: Companies, private: Rounds, post_ipo: Rounds
) -> Rounds:
    rounds = _concat_rounds([private, post_ipo])
    rounds.amount = _draw_amounts(rng, rounds, comp.quality[rounds.company])
    return rounds
