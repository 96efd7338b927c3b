"""The Crunchbase-style tables of the synthetic sample: companies, rounds (with damaged and orphan
rows) and acquisitions, in the export's formats."""

from __future__ import annotations

import numpy as np
import polars as pl

from sampledata.common import (
    ACQ_SIDE,
    ACQUIRED,
    ARE,
    CLOSED,
    CODES,
    COMPANY_COLUMNS,
    COUNTRY_CODES,
    FRA,
    GBR,
    IPO,
    MARK,
    ROUND_TYPES,
    RT,
    STATUSES,
    _amounts,
    _dates,
    _hex,
    _id_order,
    _lookup,
    _random_ids,
    _round_sig,
    _slug,
)
from sampledata.companies import LOCATION_TABLE, ROOTS, Companies
from sampledata.rounds import ROUNDS_START, Exits, Rounds, _run_edges

# ---------------------------------------------------------------------------------------------
# Crunchbase-style tables
# ---------------------------------------------------------------------------------------------


def _founded_strings(rng: np.random.Generator, founded: np.ndarray) -> pl.Series:
    """ISO founding dates, ~20% blank, ~0.2% with a 1015/2914 year typo."""
    n = len(founded)
    s = _dates(founded, blank=rng.random(n) < 0.2)
    typo = np.flatnonzero(rng.random(n) < 0.002)
    years = _lookup(("1015", "2914"), rng.integers(0, 2, typo.size))
    return s.scatter(typo, years + s.gather(typo).str.slice(4))


def _location_columns(rng: np.random.Generator, loc: np.ndarray) -> dict[str, pl.Series]:
    n = len(loc)
    cols = {}
    for i, col in enumerate(("state_code", "region", "city")):
        cols[col] = _lookup([row[i] for row in LOCATION_TABLE], loc)
    no_state, no_city = rng.random(n) < 0.05, rng.random(n) < 0.04
    cols["state_code"] = cols["state_code"].scatter(np.flatnonzero(no_state), None)
    for col in ("region", "city"):
        cols[col] = cols[col].scatter(np.flatnonzero(no_city), None)
    return cols


def _funding_columns(rounds: Rounds, n: int) -> dict[str, pl.Series]:
    """funding_total_usd ('-' when every amount is undisclosed), count, first/last dates."""
    count = np.bincount(rounds.company, minlength=n)
    known = np.bincount(rounds.company, weights=np.isfinite(rounds.amount), minlength=n)
    total = np.bincount(rounds.company, weights=np.nan_to_num(rounds.amount), minlength=n)
    first, last = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    starts, ends = _run_edges(rounds.company)
    first[rounds.company[starts]], last[rounds.company[ends]] = rounds.day[starts], rounds.day[ends]
    none = count == 0
    total_s = _amounts(np.where(none, np.nan, total)).zip_with(
        pl.Series((known > 0) | none), pl.Series(["-"] * n)
    )
    return {
        "funding_total_usd": total_s,
        "funding_rounds": pl.Series(count).cast(pl.String).scatter(np.flatnonzero(none), None),
        "first_funding_at": _dates(first, blank=none),
        "last_funding_at": _dates(last, blank=none),
    }


def companies_table(
    rng: np.random.Generator, comp: Companies, rounds: Rounds, exits: Exits
) -> pl.DataFrame:
    """companies.csv rows, in company-index order (which is permalink order)."""
    slug = comp.permalink.str.slice(len("/organization/"))
    homepage = ("http://www." + slug + ".example").scatter(
        np.flatnonzero(rng.random(comp.n) < 0.08), None
    )
    cols = {
        "permalink": comp.permalink,
        "name": comp.name,
        "homepage_url": homepage,
        "category_list": comp.categories,
        "status": _lookup(STATUSES, exits.status),
        "country_code": _lookup(COUNTRY_CODES, comp.country),
        **_location_columns(rng, comp.location),
        "founded_at": _founded_strings(rng, comp.founded),
        **_funding_columns(rounds, comp.n),
    }
    return pl.DataFrame(cols).select(COMPANY_COLUMNS)


def _damaged_permalinks(
    rng: np.random.Generator, comp: Companies, company: np.ndarray, perm: pl.Series
) -> pl.Series:
    """≈0.05% of rows: a latin-1 'é' in the slug, which is invalid UTF-8 once written."""
    want = max(1, round(0.0005 * company.size))
    accented = comp.name.str.to_lowercase().str.contains("é", literal=True).to_numpy()
    rows = np.flatnonzero((company >= 0) & accented[np.maximum(company, 0)])
    rows = np.sort(rng.choice(rows, size=min(want, rows.size), replace=False))
    names = comp.name.gather(company[rows]).str.to_lowercase()
    marked = names.str.replace_all("é", MARK, literal=True)
    perm = perm.scatter(rows, "/organization/" + pl.select(_slug(pl.lit(marked), MARK)).to_series())
    if rows.size < want:  # too few accented names: damage the first 'e' of random rows
        extra = np.sort(rng.choice(np.flatnonzero(company >= 0), size=want - rows.size))
        perm = perm.scatter(extra, perm.gather(extra).str.replace("e", MARK, literal=True, n=1))
    return perm


def _orphan_rounds(
    rng: np.random.Generator, count: int, comp: Companies, ref_day: int
) -> tuple[Rounds, pl.Series]:
    """Rounds of companies absent from companies.csv (company = -1 - orphan index)."""
    roots = pl.Series(ROOTS).gather(rng.integers(0, len(ROOTS), count)).str.to_lowercase()
    perm = (
        "/organization/" + roots + "-" + pl.Series(rng.integers(100, 1000, count)).cast(pl.String)
    )
    perm = perm.filter(~perm.is_in(comp.permalink.implode())).unique(maintain_order=True)
    k = perm.len()
    amount = _round_sig(np.exp(rng.normal(np.log(1e6), 1.2, k)), rng)
    rounds = Rounds(
        company=-1 - np.arange(k),
        kind=np.where(rng.random(k) < 0.5, RT["seed"], RT["venture"]),
        code=np.zeros(k, dtype=np.int64),
        day=rng.integers(ROUNDS_START, ref_day + 1, k),
        amount=amount,
    )
    return rounds, perm


def _with_orphans(
    rng: np.random.Generator, comp: Companies, rounds: Rounds, ref_day: int
) -> tuple[Rounds, pl.Series, pl.Series]:
    """All rows in file order (permalink, then round id), their permalinks and round ids."""
    orphans, orphan_perm = _orphan_rounds(rng, max(1, round(0.0005 * len(rounds))), comp, ref_day)
    rows = Rounds(
        **{f: np.concatenate([getattr(rounds, f), getattr(orphans, f)]) for f in vars(rounds)}
    )
    rank = rows.company.astype(np.float64)
    rank[len(rounds) :] = comp.permalink.search_sorted(orphan_perm).to_numpy() - 0.5
    raw = _random_ids(rng, len(rows))
    order = np.lexsort((_id_order(raw), rank))
    rows = Rounds(**{f: v[order] for f, v in vars(rows).items()})
    perm = comp.permalink.gather(np.maximum(rows.company, 0))
    lost = np.flatnonzero(rows.company < 0)
    return rows, perm.scatter(lost, orphan_perm.gather(-1 - rows.company[lost])), _hex(raw[order])


def rounds_table(
    rng: np.random.Generator, comp: Companies, rounds: Rounds, ref_day: int
) -> pl.DataFrame:
    """rounds2.csv: DD-MM-YYYY dates, ~5% upper-cased permalinks, orphans, latin-1 bytes."""
    rows, perm, ids = _with_orphans(rng, comp, rounds, ref_day)
    upper = pl.Series((rng.random(len(rows)) < 0.05) & (rows.company >= 0))
    perm = perm.str.to_uppercase().zip_with(upper, perm)
    return pl.DataFrame(
        {
            "company_permalink": _damaged_permalinks(rng, comp, rows.company, perm),
            "funding_round_permalink": "/funding-round/" + ids,
            "funding_round_type": _lookup(ROUND_TYPES, rows.kind),
            "funding_round_code": _lookup((None, *CODES[1:]), rows.code),
            "funded_at": _dates(rows.day, "%d-%m-%Y"),
            "raised_amount_usd": _amounts(rows.amount),
        }
    )


def _acquisition_targets(rng: np.random.Generator, exits: Exits, ref_day: int) -> np.ndarray:
    """Every acquired company plus a few (~3%) whose status was never updated."""
    acquired = np.flatnonzero(exits.status == ACQUIRED)
    stale = np.flatnonzero((exits.status <= CLOSED) & (exits.day <= ref_day))
    extra = rng.choice(stale, size=min(stale.size, round(0.03 * acquired.size)), replace=False)
    return np.sort(np.concatenate([acquired, extra]))


def _pick_older(
    rng: np.random.Generator, w: np.ndarray, founded: np.ndarray, pool: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """Weighted pick from pool among companies founded on or before each day (any if none)."""
    order = pool[np.argsort(founded[pool], kind="stable")]
    cdf = np.cumsum(w[order])
    limit = np.searchsorted(founded[order], day, side="right")
    limit = np.where(limit > 0, limit, order.size)
    idx = np.searchsorted(cdf, rng.random(day.size) * cdf[limit - 1], side="right")
    return order[np.minimum(idx, limit - 1)]


def _acquirers(
    rng: np.random.Generator, comp: Companies, exits: Exits, targets: np.ndarray
) -> np.ndarray:
    """Strong, listed, older companies buy; 45% of deals stay in the target's country."""
    w = np.exp(comp.quality) * np.where(exits.status == IPO, 5.0, 1.0)
    w *= np.where(exits.status == ACQUIRED, 0.2, 1.0) * np.where(comp.country >= 0, 1.0, 0.3)
    day = exits.day[targets]
    buyer = _pick_older(rng, w, comp.founded, np.arange(comp.n), day)
    home = (rng.random(targets.size) < 0.45) & (comp.country[targets] >= 0)
    for ci in np.unique(comp.country[targets[home]]):
        rows = np.flatnonzero(home & (comp.country[targets] == ci))
        pool = np.flatnonzero(comp.country == ci)
        buyer[rows] = _pick_older(rng, w, comp.founded, pool, day[rows])
    return np.where(buyer == targets, (buyer + 1) % comp.n, buyer)


def _prices(
    rng: np.random.Generator, comp: Companies, targets: np.ndarray, buyers: np.ndarray
) -> tuple[pl.Series, pl.Series]:
    """~25% disclosed prices; EUR/GBP/AED for some French, British and Emirati buyers."""
    size = targets.size
    usd = _round_sig(np.exp(rng.normal(np.log(40e6), 1.4, size) + 0.8 * comp.quality[targets]), rng)
    country = comp.country[buyers]
    local = rng.random(size)
    currency = np.zeros(size, dtype=np.int64)  # USD
    currency[(country == FRA) & (local < 0.35)] = 1
    currency[(country == GBR) & (local < 0.4)] = 2
    currency[(country == ARE) & (local < 0.4)] = 3
    currency[rng.random(size) < 0.004] = 1
    rate = np.array([1.0, 0.9, 0.78, 3.6725])[currency]
    price = np.where(rng.random(size) < 0.25, _round_sig(usd * rate, rng, share=1.0), np.nan)
    return _amounts(price), _lookup(("USD", "EUR", "GBP", "AED"), currency)


def _acquired_dates(rng: np.random.Generator, days: np.ndarray) -> pl.Series:
    """ISO dates with a couple of 1201/3201 year typos."""
    s = _dates(days)
    typo = rng.choice(len(s), size=min(len(s), max(2, round(0.0002 * len(s)))), replace=False)
    years = _lookup(("1201", "3201"), np.arange(typo.size) % 2)
    return s.scatter(typo, years + s.gather(typo).str.slice(4))


def acquisitions_table(
    rng: np.random.Generator, comp: Companies, exits: Exits, companies: pl.DataFrame, ref_day: int
) -> pl.DataFrame:
    targets = _acquisition_targets(rng, exits, ref_day)
    buyers = _acquirers(rng, comp, exits, targets)
    side = companies.select(ACQ_SIDE)
    target_cols = side[targets].rename({c: f"company_{c}" for c in ACQ_SIDE})
    buyer_cols = side[buyers].rename({c: f"acquirer_{c}" for c in ACQ_SIDE})
    acquired_at = _acquired_dates(rng, exits.day[targets])
    price, currency = _prices(rng, comp, targets, buyers)
    extra = pl.DataFrame(
        {
            "acquired_at": acquired_at,
            "acquired_month": acquired_at.str.slice(0, 7),
            "price_amount": price,
            "price_currency_code": currency,
        }
    )
    return pl.concat([target_cols, buyer_cols, extra], how="horizontal")
