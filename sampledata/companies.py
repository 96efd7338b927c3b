"""Synthetic companies: latent quality, country and city, founding date, categories, messy names
and permalinks (the model: sampledata/generate.py's docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from sampledata.common import (
    AI_CATEGORIES,
    AI_CATEGORY_WEIGHTS,
    AI_FORMS,
    BLANK_COUNTRY_WEIGHT,
    COMMA_FORMS,
    COUNTRIES,
    COUNTRY_CODES,
    DEU,
    FORMS,
    FRA,
    LOCATIONS,
    MONTH_DAYS,
    NEUTRAL_CATEGORIES,
    NO_CATEGORY,
    PREFIXES,
    SECTOR_WEIGHTS,
    SECTORS,
    SEMI_CATEGORIES,
    SYLLABLES,
    VOCAB,
    Loc,
    _lookup,
    _probs,
    _slug,
)

# ---------------------------------------------------------------------------------------------
# Companies
# ---------------------------------------------------------------------------------------------


@dataclass
class Companies:
    quality: np.ndarray  # latent success score, N(0, 1)
    country: np.ndarray  # index into COUNTRIES, -1 = blank
    location: np.ndarray  # index into the flat location table, -1 = none
    founded: np.ndarray  # founding day (days since 1970), always set (blanked only on output)
    ai: np.ndarray
    semi: np.ndarray
    categories: pl.Series
    name: pl.Series
    permalink: pl.Series

    @property
    def n(self) -> int:
        return len(self.quality)


def _flat_locations() -> tuple[list[Loc], dict[int, tuple[int, int]]]:
    """All locations in one list, plus each country's [start, stop) slice of it."""
    flat: list[Loc] = []
    spans: dict[int, tuple[int, int]] = {}
    for ci, code in enumerate(COUNTRY_CODES):
        start = len(flat)
        flat.extend(LOCATIONS[code])
        spans[ci] = (start, len(flat))
    return flat, spans


LOCATION_TABLE, LOCATION_SPANS = _flat_locations()


def _quota(weights: Sequence[float], n: int) -> np.ndarray:
    """Counts summing to n in proportion to weights (largest remainder)."""
    exact = _probs(weights) * n
    counts = np.floor(exact).astype(np.int64)
    counts[np.argsort(counts - exact, kind="stable")[: n - counts.sum()]] += 1
    return counts


def _draw_countries(rng: np.random.Generator, n: int) -> np.ndarray:
    """Countries in exact proportion to COUNTRIES (so small samples hit the mix), shuffled."""
    counts = _quota([c[1] for c in COUNTRIES] + [BLANK_COUNTRY_WEIGHT], n)
    idx = rng.permutation(np.repeat(np.arange(len(counts)), counts))
    return np.where(idx == len(COUNTRIES), -1, idx).astype(np.int16)


def _draw_locations(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    loc = np.full(len(country), -1, dtype=np.int32)
    for ci, (start, stop) in LOCATION_SPANS.items():
        rows = np.flatnonzero(country == ci)
        weights = [w for *_, w in LOCATION_TABLE[start:stop]]
        loc[rows] = start + rng.choice(stop - start, size=len(rows), p=_probs(weights))
    return loc


def _draw_founded(rng: np.random.Generator, n: int, ref_day: int) -> np.ndarray:
    """Founding days 1995 → reference date, weighted to recent years, many on 1 January."""
    ref_year = int(np.datetime64(ref_day, "D").astype("datetime64[Y]").astype(int)) + 1970
    years = np.arange(1995, ref_year + 1)
    jan1 = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    avail = np.minimum(ref_day - jan1 + 1, 365)
    weights = np.exp(0.16 * (years - 1995)) * avail / 365
    weights[-1] *= 0.6  # the newest companies are not all registered yet
    yi = rng.choice(len(years), size=n, p=_probs(weights))
    offset = (rng.random(n) * avail[yi]).astype(np.int64)
    month_start = (rng.integers(0, 12, n) * MONTH_DAYS).astype(np.int64)
    style = rng.random(n)
    offset = np.where(style < 0.3, 0, np.where(style < 0.4, month_start, offset))
    return np.minimum(jan1[yi] + offset, ref_day)


def _draw_flags(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    semi = rng.random(n) < 0.02
    ai = np.where(semi, rng.random(n) < 0.5, rng.random(n) < 0.17)
    return ai, semi


def _category_slots(rng: np.random.Generator, ai: np.ndarray, semi: np.ndarray) -> np.ndarray:
    """Up to four category indices into VOCAB per company (NO_CATEGORY = empty slot)."""
    n = len(ai)
    vocab = {c: i for i, c in enumerate(VOCAB)}
    ai_idx = np.array([vocab[c] for c in AI_CATEGORIES])
    semi_idx = np.array([vocab[c] for c in SEMI_CATEGORIES])
    sector = rng.choice(len(SECTORS), size=n, p=_probs(SECTOR_WEIGHTS))
    sector_cat = np.empty(n, dtype=np.int64)
    for si, cats in enumerate(SECTORS.values()):
        rows = np.flatnonzero(sector == si)
        sector_cat[rows] = np.array([vocab[c] for c in cats])[rng.integers(0, len(cats), len(rows))]
    neutral = np.array([vocab[c] for c in NEUTRAL_CATEGORIES])
    ai_cat = ai_idx[rng.choice(len(ai_idx), size=(n, 2), p=_probs(AI_CATEGORY_WEIGHTS))]
    semi_cat = semi_idx[rng.choice(len(semi_idx), size=n, p=(0.75, 0.25))]
    slots = np.full((n, 4), NO_CATEGORY, dtype=np.int64)
    slots[:, 0] = np.where(semi, semi_cat, np.where(ai, ai_cat[:, 0], sector_cat))
    slot1 = np.where(semi & ai, ai_cat[:, 0], np.where(ai, sector_cat, neutral[0]))
    slots[:, 1] = np.where((semi & ai) | (ai & (rng.random(n) < 0.8)), slot1, NO_CATEGORY)
    hardware = np.array([vocab["Hardware"], vocab["Electronics"]])[rng.integers(0, 2, n)]
    other = np.where(semi, hardware, neutral[rng.integers(0, len(neutral), n)])
    slots[:, 2] = np.where(rng.random(n) < np.where(semi, 0.6, 0.45), other, NO_CATEGORY)
    extra = np.where(ai, ai_cat[:, 1], neutral[rng.integers(0, len(neutral), n)])
    slots[:, 3] = np.where(rng.random(n) < np.where(ai, 0.3, 0.15), extra, NO_CATEGORY)
    return slots


def _category_lists(rng: np.random.Generator, ai: np.ndarray, semi: np.ndarray) -> pl.Series:
    """Alphabetically sorted, de-duplicated, pipe-joined category lists (~5% blank)."""
    slots = np.sort(_category_slots(rng, ai, semi), axis=1)
    slots[:, 1:][slots[:, 1:] == slots[:, :-1]] = NO_CATEGORY
    cols = {
        f"c{i}": _lookup(VOCAB, np.where(slots[:, i] == NO_CATEGORY, -1, slots[:, i]))
        for i in range(4)
    }
    joined = pl.DataFrame(cols).select(pl.concat_str(list(cols), separator="|", ignore_nulls=True))
    blank = ~ai & ~semi & (rng.random(len(ai)) < 0.062)
    return joined.to_series().scatter(np.flatnonzero(blank), None)


def _syllable_roots() -> np.ndarray:
    """Every 2- and 3-syllable root, capitalised (about 160k roots)."""
    two = [a + b for a in SYLLABLES for b in SYLLABLES]
    three = [ab + c for ab in two for c in SYLLABLES]
    return np.array([r.capitalize() for r in two + three])


ROOTS = _syllable_roots()


def _distinct_codes(rng: np.random.Generator, space: int, n: int) -> np.ndarray:
    """n distinct integers from [0, space), in random order (space must exceed ~1.2n)."""
    draws = rng.integers(0, space, size=int(n * 1.3) + 16)
    _, first = np.unique(draws, return_index=True)
    return draws[np.sort(first)][:n]


def _base_names(rng: np.random.Generator, ai: np.ndarray) -> pl.DataFrame:
    """prefix / root / form columns for every company (all combinations distinct)."""
    n = len(ai)
    space = len(ROOTS) * len(PREFIXES) * len(FORMS)
    code = _distinct_codes(rng, space, n)
    root, rest = code % len(ROOTS), code // len(ROOTS)
    prefix, form = rest % len(PREFIXES), rest // len(PREFIXES)
    ai_form = rng.integers(0, len(AI_FORMS), n)
    use_ai = ai & (rng.random(n) < 0.35)
    return pl.DataFrame(
        {
            "prefix": _lookup(PREFIXES, prefix),
            "root": pl.Series(ROOTS).gather(root),
            "form": pl.Series(FORMS)
            .gather(form)
            .zip_with(pl.Series(~use_ai), pl.Series(AI_FORMS).gather(ai_form)),
            "other": pl.Series(ROOTS).gather(rng.integers(0, len(ROOTS), n)),
            "comma": _lookup(COMMA_FORMS, rng.integers(0, len(COMMA_FORMS), n)),
        }
    )


def _messy_names(rng: np.random.Generator, base: pl.DataFrame, country: np.ndarray) -> pl.Series:
    """Join name parts, adding accents, quotes, '&', commas and odd casing at low rates."""
    n = base.height
    u = rng.random((n, 5))
    accent_p = np.where(country == FRA, 0.2, np.where(country == DEU, 0.1, 0.004))
    flags = pl.DataFrame(
        {
            "acc_e": (u[:, 0] < accent_p) & (country != DEU),
            "acc_u": (u[:, 0] < accent_p) & (country == DEU),
            "quote": u[:, 1] < 0.002,
            "amp": u[:, 2] < 0.01,
            "has_comma": u[:, 3] < 0.008,
            "lower": u[:, 4] < 0.01,
        }
    )
    root = pl.col("root")
    root = pl.when("acc_e").then(root.str.replace("e", "é", literal=True, n=1)).otherwise(root)
    root = pl.when("acc_u").then(root.str.replace("u", "ü", literal=True, n=1)).otherwise(root)
    root = pl.when("quote").then(pl.concat_str(pl.lit('"'), root, pl.lit('"'))).otherwise(root)
    form = pl.when("amp").then(pl.concat_str(pl.lit(" & "), pl.col("other"))).otherwise("form")
    form = pl.when("has_comma").then(pl.col("comma")).otherwise(form)
    name = pl.concat_str(pl.col("prefix"), root, form, ignore_nulls=True)
    name = pl.when("lower").then(name.str.to_lowercase()).otherwise(name)
    return pl.concat([base, flags], how="horizontal").select(name.alias("name")).to_series()


def _distinct_names(rng: np.random.Generator, ai: np.ndarray, country: np.ndarray) -> pl.Series:
    """Messy names, re-drawn where two companies got the same one by chance."""
    name = _messy_names(rng, _base_names(rng, ai), country)
    for _ in range(20):
        again = np.flatnonzero(~name.is_first_distinct().to_numpy())
        if again.size == 0:
            break
        name = name.scatter(again, _messy_names(rng, _base_names(rng, ai[again]), country[again]))
    return name


def _add_homonyms(rng: np.random.Generator, name: pl.Series, country: np.ndarray) -> pl.Series:
    """~1% of companies share a name with a company in another country."""
    k = round(0.005 * len(name))
    perm = rng.permutation(len(name))[: 2 * k]
    src, dst = perm[:k], perm[k:]
    keep = country[src] != country[dst]
    return name.scatter(dst[keep], name.gather(src[keep]))


def _permalinks(name: pl.Series) -> pl.Series:
    """'/organization/<slug>', with '-2', '-3'… appended to repeated slugs."""
    slug = pl.select(_slug(pl.lit(name))).to_series()
    slug = slug.zip_with(slug != "", pl.Series(["company"] * len(slug)))
    dup = np.flatnonzero(slug.is_duplicated().to_numpy())
    k = pl.DataFrame({"s": slug.gather(dup)}).select(pl.int_range(pl.len()).over("s") + 1)
    again = k.to_series().to_numpy() > 1
    suffix = pl.Series(k.to_series().cast(pl.String)).filter(pl.Series(again))
    slug = slug.scatter(dup[again], slug.gather(dup[again]) + "-" + suffix)
    return "/organization/" + slug


def _by_permalink(comp: Companies) -> Companies:
    """Re-index companies in permalink order (the order of the real export)."""
    order = comp.permalink.arg_sort().to_numpy()
    return Companies(
        **{
            f: v.gather(order) if isinstance(v, pl.Series) else v[order]
            for f, v in vars(comp).items()
        }
    )


def make_companies(rng: np.random.Generator, n: int, ref_day: int) -> Companies:
    country = _draw_countries(rng, n)
    ai, semi = _draw_flags(rng, n)
    name = _add_homonyms(rng, _distinct_names(rng, ai, country), country)
    comp = Companies(
        quality=rng.standard_normal(n),
        country=country,
        location=_draw_locations(rng, country),
        founded=_draw_founded(rng, n, ref_day),
        ai=ai,
        semi=semi,
        categories=_category_lists(rng, ai, semi),
        name=name,
        permalink=_permalinks(name),
    )
    return _by_permalink(comp)
