"""Deterministic generator of SYNTHETIC provider-format export files.

Every value written here is invented. Nothing is copied from the real exports in
``shared/datasets``: only their *formats* (headers, date styles, quoting, quirks) are imitated so
that the pipeline can be developed and tested without the licensed files.

Model behind the data
---------------------
* **Companies.** Each company gets a latent quality ``q ~ N(0, 1)`` (never written out), a country
  (USA-heavy mix with France and the UAE over-sampled on purpose, ~8% blank, ~0.1% legacy non-ISO
  codes), a city, a founding date (1995 → reference date, growing ~17%/year) and a sector. About
  17% carry an AI category and 2% a semiconductor one (half of those also AI). Names are built from
  syllables plus a form ("Labs", "Health"…), with a little deliberate mess (commas, quotes,
  accents, "&") and ~1% homonyms in different countries. Companies are indexed in permalink order.
* **Rounds.** A company is funded with probability ``sigmoid(1.7 + 0.5q + 0.1·vintage)`` (vintage
  = years after 2012); its first round comes ~14 months after founding, never before 2005. Rounds
  follow a stage ladder (seed/angel → A → B → … → H) drawn from stage-dependent type mixes. After
  each round the company raises a quick follow-on (6–30 months, sooner when ``q`` is high) with
  probability ``sigmoid(-1.3 + 1.5q + 0.35·min(level, 4))``, else a late comeback (30–84 months)
  with probability ``sigmoid(-1.8 + 0.8q)``, else stops; nothing goes past the reference date.
  For rounds at least 24 months old this gives ~29% raise-again within 24 months after a first
  round and ~42% after any round. Amounts are log-normal by stage (seed ~0.5M, A ~7M, B ~20M,
  C ~40M, D+ ~80M medians), scaled by ``exp(0.3q)`` and +2%/year; ~17% are undisclosed.
* **Exits.** IPO (~3%), acquisition (~8%) and closure (~9%) are drawn without replacement (Gumbel
  top-k) with weights ``exp(1.8q)·(0.2 + series level)``, ``exp(0.6q)`` and ``exp(-1.2q)``
  (closures favour companies with no round in the last year). Exit dates fall 6–48 months after
  the last private round and never after the reference date; listed companies may then raise
  post-IPO rounds. Acquirers are other companies founded earlier, weighted by ``exp(q)``.
* **Investors.** A Zipf-like pool of ``max(300, companies/5)`` synthetic investors; a round's
  investor comes from the top decile with probability ``sigmoid(-0.3 + 1.1q + 0.4·late)``, so
  top investors back better companies. A few real investor *names* (French and Emirati) are used
  as labels for a France–UAE nexus: French ones mostly back French companies, Emirati ones mostly
  UAE companies and sometimes French AI companies. These investments are fictitious.
* **Epoch.** ~1 model per 30 companies, published by AI companies (weighted by ``exp(1.5q)`` and
  age, French and Emirati ones doubled) and by invented academic labs, sometimes jointly.

All draws come from ``np.random.default_rng(seed)`` (one spawned stream per table) and all gzip
files are written with ``mtime=0``, so one seed always gives byte-identical files.
"""

from __future__ import annotations

import argparse
import gzip
import io
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from sampledata.current import SOURCES_YAML as CURRENT_SOURCES_YAML
from sampledata.current import write_current_sources
from sampledata.decisions import SOURCES_YAML as DECISIONS_SOURCES_YAML
from sampledata.decisions import write_decisions
from sampledata.vocab import vocabulary

# ---------------------------------------------------------------------------------------------
# Vocabulary (the tables themselves: sampledata/vocabulary/*.yaml)
# ---------------------------------------------------------------------------------------------

DEFAULT_REFERENCE_DATE = date(2026, 10, 31)
MONTH_DAYS = 30.4375
MARK = "\ue000"  # stands for a raw latin-1 byte; patched to b"\xe9" after serialising
MARK_BYTES = MARK.encode()
LATIN1_E_ACUTE = b"\xe9"

CATEGORIES = vocabulary("categories")
AI_CATEGORIES: tuple[str, ...] = CATEGORIES["ai_categories"]
AI_CATEGORY_WEIGHTS: tuple[float, ...] = CATEGORIES["ai_category_weights"]
SEMI_CATEGORIES: tuple[str, ...] = CATEGORIES["semi_categories"]
SECTORS: dict[str, tuple[str, ...]] = CATEGORIES["sectors"]
SECTOR_WEIGHTS: tuple[float, ...] = CATEGORIES["sector_weights"]
NEUTRAL_CATEGORIES = tuple(c for cats in SECTORS.values() for c in cats)
VOCAB = tuple(sorted({*AI_CATEGORIES, *SEMI_CATEGORIES, *NEUTRAL_CATEGORIES}))
NO_CATEGORY = len(VOCAB)

PLACES = vocabulary("places")
# (ISO alpha-3 or legacy code, weight in %, UN-style name for Epoch)
COUNTRIES: tuple[tuple[str, float, str], ...] = PLACES["countries"]
BLANK_COUNTRY_WEIGHT: float = PLACES["blank_country_weight"]
COUNTRY_CODES = tuple(c[0] for c in COUNTRIES)
FRA, ARE, DEU, GBR = (COUNTRY_CODES.index(c) for c in ("FRA", "ARE", "DEU", "GBR"))
LEGACY = (COUNTRY_CODES.index("ROM"), COUNTRY_CODES.index("BAH"))

Loc = tuple[str | None, str | None, str, float]  # state_code, region, city, weight
LOCATIONS: dict[str, tuple[Loc, ...]] = PLACES["locations"]

NAMES = vocabulary("names")
SYLLABLES: tuple[str, ...] = NAMES["syllables"]
PREFIXES: tuple[str, ...] = NAMES["prefixes"]
FORMS: tuple[str, ...] = NAMES["forms"]
AI_FORMS: tuple[str, ...] = NAMES["ai_forms"]
COMMA_FORMS: tuple[str, ...] = NAMES["comma_forms"]
ACCENT_FROM: tuple[str, ...] = NAMES["accent_from"]
ACCENT_TO: tuple[str, ...] = NAMES["accent_to"]

ROUND_VOCABULARY = vocabulary("rounds")
ROUND_TYPES: tuple[str, ...] = ROUND_VOCABULARY["round_types"]
RT = {name: i for i, name in enumerate(ROUND_TYPES)}
SERIES = len(ROUND_TYPES)  # pseudo type: a venture round that climbs the A, B, C… ladder
CODES: tuple[str, ...] = ROUND_VOCABULARY["codes"]
KIND_MIX: dict[str, dict[str, float]] = ROUND_VOCABULARY["kind_mix"]
# (median USD, log-sd, P(blank)) per round type; series rounds use SERIES_MEDIANS
AMOUNT_MODEL: dict[str, tuple[float, float, float]] = ROUND_VOCABULARY["amount_model"]
SERIES_MEDIANS: tuple[float, ...] = ROUND_VOCABULARY["series_medians"]  # by code index
SERIES_SIGMA: float = ROUND_VOCABULARY["series_sigma"]
SERIES_BLANK: float = ROUND_VOCABULARY["series_blank"]
# (min, max) investors per round type, for uncoded rounds; coded venture handled apart
INVESTORS_PER_ROUND: dict[str, tuple[int, int]] = ROUND_VOCABULARY["investors_per_round"]

STATUSES = ("operating", "closed", "acquired", "ipo")
OPERATING, CLOSED, ACQUIRED, IPO = range(4)

INVESTOR_VOCABULARY = vocabulary("investors")
# Real investor NAMES used as labels only (the investments attributed to them are fictitious).
FRENCH_INVESTORS: tuple[tuple[str, float], ...] = INVESTOR_VOCABULARY["french_investors"]
EMIRATI_INVESTORS: tuple[tuple[str, float], ...] = INVESTOR_VOCABULARY["emirati_investors"]
NAMED_INVESTORS = len(FRENCH_INVESTORS) + len(EMIRATI_INVESTORS)
INVESTOR_FORMS: tuple[str, ...] = INVESTOR_VOCABULARY["investor_forms"]
FIRST_NAMES: tuple[str, ...] = INVESTOR_VOCABULARY["first_names"]

EPOCH = vocabulary("epoch")
EPOCH_DOMAINS: dict[str, tuple[float, tuple[str, ...]]] = EPOCH["epoch_domains"]
# (name, first year, last year, weight)
HARDWARE: tuple[tuple[str, int, int, float], ...] = EPOCH["hardware"]
ACADEMIC_COUNTRIES: dict[str, float] = EPOCH["academic_countries"]
MODEL_FORMS: tuple[str, ...] = EPOCH["model_forms"]
MODEL_VERSIONS: tuple[str, ...] = EPOCH["model_versions"]
MODEL_SUFFIXES: tuple[str, ...] = EPOCH["model_suffixes"]

SOURCES_YAML = """\
# Synthetic sample (generated by `python -m sampledata.generate`); not real companies.
crunchbase:
  companies: crunchbase/companies.csv.gz
  rounds: crunchbase/rounds2.csv.gz
  acquisitions: crunchbase/acquisitions.csv.gz
  snapshot_date: {snapshot_date}   # the export date: `status` is read only for as_of on or after it
investor_edges: investor_edges/investments.csv.gz
epoch_models: epoch/notable_ai_models.csv.gz
epoch_organizations: epoch/epoch_organizations.csv.gz
"""

COMPANY_COLUMNS = (
    "permalink", "name", "homepage_url", "category_list", "funding_total_usd", "status",
    "country_code", "state_code", "region", "city", "funding_rounds", "founded_at",
    "first_funding_at", "last_funding_at",
)  # fmt: skip
ACQ_SIDE = ("permalink", "name", "category_list", "country_code", "state_code", "region", "city")
MODEL_COLUMNS = (
    "Model", "Organization", "Publication date", "Domain", "Task", "Parameters",
    "Training compute (FLOP)", "Training hardware", "Hardware quantity",
    "Organization categorization", "Country (of organization)", "Abstract",
)  # fmt: skip
ORG_COLUMNS = ("Organization", "Country", "Info", "Organization categorization", "All ML Systems")

# ---------------------------------------------------------------------------------------------
# Small numeric and formatting helpers
# ---------------------------------------------------------------------------------------------


def _day(d: date) -> int:
    """Days since 1970-01-01."""
    return (d - date(1970, 1, 1)).days


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _months(rng: np.random.Generator, lo: float, hi: float, size: int) -> np.ndarray:
    """Uniform gap in whole days between lo and hi months."""
    return (rng.uniform(lo, hi, size) * MONTH_DAYS).astype(np.int64)


def _probs(weights: Sequence[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    return w / w.sum()


def _pick(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Weighted draw with replacement via inverse CDF (fast for large pools)."""
    cdf = np.cumsum(weights, dtype=np.float64)
    idx = np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right")
    return np.minimum(idx, len(weights) - 1)


def _top_k(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Weighted sample without replacement (Gumbel top-k); zero weight is never drawn."""
    ok = weights > 0
    keys = np.full(len(weights), -np.inf)
    keys[ok] = np.log(weights[ok]) + rng.gumbel(size=int(ok.sum()))
    k = int(min(k, ok.sum()))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    return np.sort(np.argpartition(-keys, k - 1)[:k])


def _round_sig(x: np.ndarray, rng: np.random.Generator, share: float = 0.7) -> np.ndarray:
    """Round a share of positive amounts to two significant digits (as press releases do)."""
    safe = np.where(np.isfinite(x) & (x > 0), x, 1.0)
    step = 10.0 ** (np.floor(np.log10(safe)) - 1)
    rounded = np.round(safe / step) * step
    out = np.where(rng.random(len(x)) < share, rounded, np.round(safe))
    return np.where(np.isfinite(x), out, np.nan)


def _dates(days: np.ndarray, fmt: str = "%Y-%m-%d", blank: np.ndarray | None = None) -> pl.Series:
    s = pl.Series(np.asarray(days, dtype=np.int32)).cast(pl.Date).dt.strftime(fmt)
    return s if blank is None else s.scatter(np.flatnonzero(blank), None)


def _amounts(x: np.ndarray) -> pl.Series:
    return pl.Series(x, nan_to_null=True).cast(pl.Int64).cast(pl.String)


def _lookup(values: Sequence[str | None], idx: np.ndarray) -> pl.Series:
    """values[idx] as a string Series; idx == -1 gives null."""
    table = pl.Series([*values, None], dtype=pl.String)
    return table.gather(np.where(idx < 0, len(values), idx))


def _random_ids(rng: np.random.Generator, size: int) -> np.ndarray:
    """128 random bits per row, as a (size, 16) uint8 array."""
    return np.frombuffer(rng.bytes(16 * size), dtype=np.uint8).reshape(size, 16)


def _id_order(raw: np.ndarray) -> np.ndarray:
    """Sort key equal to the order of the hex strings (first 64 bits, big-endian)."""
    return raw[:, :8].copy().view(">u8").ravel()


def _hex(raw: np.ndarray) -> pl.Series:
    """32-hex-digit strings from 16-byte rows (unique for practical purposes)."""
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    chars = np.empty((raw.shape[0], 32), dtype=np.uint8)
    chars[:, 0::2], chars[:, 1::2] = digits[raw >> 4], digits[raw & 15]
    return pl.Series(chars.view("S32").ravel()).cast(pl.String)


def _slug(expr: pl.Expr, keep: str = "") -> pl.Expr:
    """Crunchbase-like slug: lower-case, accents folded, non-alphanumerics to '-'."""
    folded = expr.str.to_lowercase().str.replace_many(list(ACCENT_FROM), list(ACCENT_TO))
    return folded.str.replace_all(f"[^a-z0-9{keep}]+", "-").str.strip_chars("-")


def _write_csv_gz(df: pl.DataFrame, path: Path, chunk_rows: int = 100_000) -> Path:
    """Deterministic gzip CSV (mtime=0, no file name), streamed in chunks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
    ):
        for offset in range(0, max(df.height, 1), chunk_rows):
            buf = io.BytesIO()
            df.slice(offset, chunk_rows).write_csv(buf, include_header=offset == 0)
            gz.write(buf.getvalue().replace(MARK_BYTES, LATIN1_E_ACUTE))
    return path


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


def investments_table(
    rng: np.random.Generator, comp: Companies, rounds: Rounds, investors: pl.Series
) -> pl.DataFrame:
    """One row per (round, investor), by company NAME; amount_usd is the round total."""
    r = np.repeat(np.arange(len(rounds)), _investor_counts(rng, rounds))
    company = rounds.company[r]
    late = (rounds.code[r] >= 2) | (rounds.kind[r] == RT["private_equity"])
    investor = _generic_investors(rng, investors.len(), comp.quality[company], late)
    investor = _nexus_investors(rng, comp, company, investor)
    edges = pl.DataFrame({"r": r, "i": investor}).unique(maintain_order=True)
    r, investor = edges["r"].to_numpy(), edges["i"].to_numpy()
    return pl.DataFrame(
        {
            "company_name": comp.name.gather(rounds.company[r]),
            "investor_name": investors.gather(investor),
            "funded_when": _dates(rounds.day[r], blank=rng.random(r.size) < 0.001),
            "amount_usd": _amounts(rounds.amount[r]),
        }
    )


# ---------------------------------------------------------------------------------------------
# Epoch-style AI models and organisations
# ---------------------------------------------------------------------------------------------

EPOCH_START = _day(date(2015, 1, 1))
# (share, organisation kinds) of models: I = industry (an AI company), A = academia
PATTERNS = ((0.70, "I"), (0.17, "A"), (0.08, "IA"), (0.02, "II"), (0.03, "AA"))
NEXUS_PUBLISHERS = (FRA, FRA, FRA, ARE, ARE)  # first models forced to French / Emirati companies


@dataclass
class Orgs:
    name: pl.Series
    country: pl.Series  # UN-style name
    category: pl.Series  # Industry / Academia
    info: pl.Series
    founded: np.ndarray
    weight: np.ndarray  # propensity to publish models
    industry: np.ndarray
    home: np.ndarray  # index into COUNTRIES

    @property
    def size(self) -> int:
        return len(self.founded)


def _company_orgs(comp: Companies) -> np.ndarray:
    """AI companies usable as Epoch organisations: known country, unique comma-free name."""
    ok = comp.ai & (comp.country >= 0) & ~np.isin(comp.country, LEGACY)
    ok &= ~comp.name.str.contains(",", literal=True).to_numpy()
    ok &= ~comp.name.is_duplicated().to_numpy()
    return np.flatnonzero(ok)


def _academic_names(rng: np.random.Generator, home: np.ndarray) -> pl.Series:
    """'University of <Root>', 'Institut <Root>' (France), '<Root> Institute of AI' (UAE)…"""
    generic = ("University of {}", "{} Institute of Technology", "{} University", "{} AI Lab")
    french = ("Institut {}", "Université {}", "École {}")
    emirati = (
        "{} University of Artificial Intelligence",
        "{} Institute of AI",
        "{} Research Centre",
    )
    templates = np.array([*generic, *french, *emirati])
    offset = np.where(
        home == FRA, len(generic), np.where(home == ARE, len(generic) + len(french), 0)
    )
    chosen = templates[offset + rng.integers(0, 3, home.size)]
    roots = ROOTS[rng.choice(len(ROOTS), size=home.size, replace=False)]
    return pl.Series([t.format(r) for t, r in zip(chosen, roots, strict=True)])


def _publisher_weights(comp: Companies, cos: np.ndarray, ref_day: int) -> np.ndarray:
    """Stronger and older AI companies publish more; French and Emirati ones twice as much."""
    nexus = np.isin(comp.country[cos], (FRA, ARE))
    age = np.clip((ref_day - comp.founded[cos]) / 3652.5, 0.05, 1.0)
    return np.exp(1.5 * comp.quality[cos]) * np.where(nexus, 2.0, 1.0) * age


def epoch_orgs(rng: np.random.Generator, comp: Companies, n_models: int, ref_day: int) -> Orgs:
    """Candidate AI companies (older and stronger ones publish more), then academic labs."""
    cos = _company_orgs(comp)
    n_acad = max(8, n_models // 12)
    codes = list(ACADEMIC_COUNTRIES)
    home_acad = np.array([COUNTRY_CODES.index(c) for c in codes])[
        rng.choice(len(codes), size=n_acad, p=_probs(list(ACADEMIC_COUNTRIES.values())))
    ]
    home = np.concatenate([comp.country[cos], home_acad]).astype(np.int64)
    slug = comp.permalink.gather(cos).str.slice(len("/organization/"))
    info = ("https://www." + slug + ".example").scatter(
        np.flatnonzero(rng.random(cos.size) < 0.7), None
    )
    return Orgs(
        name=pl.concat([comp.name.gather(cos), _academic_names(rng, home_acad)]),
        country=_lookup([c[2] for c in COUNTRIES], home),
        category=_lookup(
            ("Industry", "Academia"), (np.arange(home.size) >= cos.size).astype(np.int64)
        ),
        info=pl.concat([info, pl.Series([None] * n_acad, dtype=pl.String)]),
        founded=np.concatenate([comp.founded[cos], np.full(n_acad, EPOCH_START - 20 * 365)]),
        weight=np.concatenate(
            [_publisher_weights(comp, cos, ref_day), 1.0 / (np.arange(n_acad) + 2.0)]
        ),
        industry=np.arange(home.size) < cos.size,
        home=home,
    )


def _pick_org(rng: np.random.Generator, orgs: Orgs, industry: bool, size: int) -> np.ndarray:
    pool = np.flatnonzero(orgs.industry == industry)
    if pool.size == 0:
        pool = np.flatnonzero(orgs.industry != industry)
    return pool[_pick(rng, orgs.weight[pool], size)]


def _model_orgs(rng: np.random.Generator, orgs: Orgs, n: int) -> tuple[np.ndarray, np.ndarray]:
    """First and (optional, -1) second organisation of each model."""
    pattern = rng.choice(len(PATTERNS), size=n, p=_probs([p for p, _ in PATTERNS]))
    first = np.full(n, -1, dtype=np.int64)
    second = np.full(n, -1, dtype=np.int64)
    for pi, (_, kinds) in enumerate(PATTERNS):
        rows = np.flatnonzero(pattern == pi)
        first[rows] = _pick_org(rng, orgs, kinds[0] == "I", rows.size)
        if len(kinds) == 2:
            second[rows] = _pick_org(rng, orgs, kinds[1] == "I", rows.size)
    second[second == first] = -1
    for row, ci in enumerate(NEXUS_PUBLISHERS[:n]):
        pool = np.flatnonzero(orgs.industry & (orgs.home == ci))
        if pool.size:
            first[row], second[row] = pool[_pick(rng, orgs.weight[pool], 1)[0]], -1
    return first, second


def _joined(values: pl.Series, first: np.ndarray, second: np.ndarray) -> pl.Series:
    a, b = values.gather(first), values.gather(np.maximum(second, 0))
    b = b.scatter(np.flatnonzero(second < 0), None)
    return pl.select(
        pl.concat_str(pl.lit(a), pl.lit(b), separator=",", ignore_nulls=True)
    ).to_series()


def _sig_floats(log10: np.ndarray) -> pl.Series:
    """Floats with two significant digits, parsed from text so they print as '3.2e+23'."""
    exponent = np.floor(log10).astype(np.int64)
    mantissa = np.clip(np.round(10 ** (log10 - exponent + 1)), 10, 99).astype(np.int64)
    text = pl.Series(mantissa).cast(pl.String) + "e" + pl.Series(exponent - 1).cast(pl.String)
    return text.cast(pl.Float64)


def _model_names(rng: np.random.Generator, n: int) -> pl.Series:
    """Comma-free names like 'Kalomi-2 Instruct' or 'VetoraFormer', made unique."""
    df = pl.DataFrame(
        {
            "r": pl.Series(ROOTS).gather(rng.integers(0, len(ROOTS), n)),
            "v": _lookup(MODEL_VERSIONS, rng.integers(0, len(MODEL_VERSIONS), n)),
            "s": _lookup(MODEL_SUFFIXES, rng.integers(0, len(MODEL_SUFFIXES), n)),
            "f": rng.integers(0, len(MODEL_FORMS), n),
        }
    )
    name = pl.lit(None, dtype=pl.String)
    for fi, form in enumerate(MODEL_FORMS):
        parts = [pl.col(p[1]) if p.startswith("{") else pl.lit(p) for p in _split_form(form)]
        name = pl.when(pl.col("f") == fi).then(pl.concat_str(parts)).otherwise(name)
    k = pl.int_range(pl.len()).over("name")
    unique = (
        pl.when(k == 0)
        .then("name")
        .otherwise(pl.concat_str("name", pl.lit(" v"), (k + 2).cast(pl.String)))
    )
    return df.with_columns(name=name).select(unique).to_series()


def _split_form(form: str) -> list[str]:
    """'{r}-{v} {s}' -> ['{r}', '-', '{v}', ' ', '{s}']."""
    out: list[str] = []
    for piece in form.replace("{", "\0{").replace("}", "}\0").split("\0"):
        if piece:
            out.append(piece)
    return out


def _hardware(rng: np.random.Generator, years: np.ndarray) -> tuple[pl.Series, pl.Series]:
    """Era-appropriate accelerator names (~45% known) and power-of-two quantities."""
    n = years.size
    w = np.array([[wt * (lo <= y <= hi) for _, lo, hi, wt in HARDWARE] for y in range(2015, 2031)])
    cdf = np.cumsum(w[np.clip(years - 2015, 0, 15)], axis=1)
    hw = np.argmax(cdf > rng.random(n)[:, None] * cdf[:, -1:], axis=1)
    hw = np.where(rng.random(n) < 0.45, hw, -1)
    qty = 2.0 ** rng.integers(3, np.minimum(10 + (years - 2015) // 2, 15) + 1)
    qty = np.where((hw >= 0) & (rng.random(n) < 0.85), qty, np.nan)
    return _lookup([h[0] for h in HARDWARE], hw), pl.Series(qty, nan_to_null=True)


def _abstracts(rng: np.random.Generator, models: pl.DataFrame) -> pl.Series:
    """Short invented abstracts, some with embedded newlines and double quotes."""
    n = models.height
    second = (
        "It is trained on a large corpus of public and licensed data.",
        "On standard benchmarks it matches larger models at a fraction of the training compute.",
        'We describe a "mixture of experts" variant that improves efficiency.',
        'The authors call the method "progressive distillation" and release the weights.',
        "Results show consistent gains across tasks and languages.",
    )
    third = (
        "",
        "Code and checkpoints are available.",
        'An earlier version was called "preliminary".',
    )
    sep = _lookup((" ", "\n", "\n\n"), rng.choice(3, size=n, p=(0.7, 0.15, 0.15)))
    first = pl.format(
        "We introduce {} ({}), developed by {}.",
        pl.col("Model"),
        pl.col("Domain").str.replace_all(",", ", "),
        pl.col("Organization").str.split(",").list.first(),
    )
    text = pl.concat_str(
        first,
        pl.lit(sep),
        pl.lit(_lookup(second, rng.integers(0, len(second), n))),
        pl.lit(sep),
        pl.lit(_lookup(third, rng.integers(0, len(third), n))),
    ).str.strip_chars()
    out = models.select(text).to_series()
    return out.scatter(np.flatnonzero(rng.random(n) < 0.1), None)


def _domains_and_tasks(rng: np.random.Generator, n: int) -> tuple[pl.Series, pl.Series]:
    """Domain by Epoch-like shares, then one of that domain's task lists."""
    domains = list(EPOCH_DOMAINS)
    dom = rng.choice(len(domains), size=n, p=_probs([v[0] for v in EPOCH_DOMAINS.values()]))
    all_tasks = [t for _, tasks in EPOCH_DOMAINS.values() for t in tasks]
    offsets = np.cumsum([0] + [len(tasks) for _, tasks in EPOCH_DOMAINS.values()])
    sizes = np.diff(offsets)
    task = offsets[dom] + (rng.random(n) * sizes[dom]).astype(np.int64)
    return _lookup(domains, dom), _lookup(all_tasks, task)


def models_table(
    rng: np.random.Generator, comp: Companies, orgs: Orgs, n: int, ref_day: int
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    """notable_ai_models.csv (newest first) plus each model's organisation ids."""
    first, second = _model_orgs(rng, orgs, n)
    both = orgs.founded[np.where(second >= 0, second, first)]
    lo = np.maximum(EPOCH_START, np.maximum(orgs.founded[first], both))
    day = lo + ((ref_day - lo) * rng.random(n) ** 0.9).astype(np.int64)
    years = (day / 365.25 + 1970).astype(np.int64)
    t = years - 2015
    domain, task = _domains_and_tasks(rng, n)
    params = _sig_floats(np.clip(7.5 + 0.28 * t + rng.normal(0, 0.9, n), 4, 12.3))
    academic = (~orgs.industry[first]).astype(np.float64)  # labs train smaller models
    compute = _sig_floats(np.clip(19 + 0.55 * t - academic + rng.normal(0, 0.8, n), 14, 26.6))
    hardware, quantity = _hardware(rng, years)
    models = pl.DataFrame(
        {
            "Model": _model_names(rng, n),
            "Organization": _joined(orgs.name, first, second),
            "Publication date": _dates(day),
            "Domain": domain,
            "Task": task,
            "Parameters": params.scatter(np.flatnonzero(rng.random(n) < 0.35), None),
            "Training compute (FLOP)": compute.scatter(np.flatnonzero(rng.random(n) < 0.4), None),
            "Training hardware": hardware,
            "Hardware quantity": quantity,
            "Organization categorization": _joined(orgs.category, first, second),
            "Country (of organization)": _joined(orgs.country, first, second),
        }
    )
    models = models.with_columns(Abstract=_abstracts(rng, models)).select(MODEL_COLUMNS)
    order = np.argsort(-day, kind="stable")
    return models[order], first[order], second[order]


def _systems_by_org(models: pl.DataFrame, first: np.ndarray, second: np.ndarray) -> pl.DataFrame:
    """org id -> comma-joined model names, in the models file's order."""
    pairs = pl.DataFrame(
        {
            "org": np.concatenate([first, second]),
            "model": pl.concat([models["Model"], models["Model"]]),
            "rank": np.concatenate([np.arange(first.size), np.arange(second.size)]),
        }
    ).filter(pl.col("org") >= 0)
    return (
        pairs.sort("rank").group_by("org", maintain_order=True).agg(pl.col("model").str.join(","))
    )


def organizations_table(
    rng: np.random.Generator,
    orgs: Orgs,
    models: pl.DataFrame,
    first: np.ndarray,
    second: np.ndarray,
) -> pl.DataFrame:
    """epoch_organizations.csv: one row per publishing org plus a few silent ones."""
    systems = _systems_by_org(models, first, second)
    used = systems["org"].to_numpy()
    unused = np.setdiff1d(np.arange(orgs.size), used)
    silent = rng.choice(unused, size=min(unused.size, max(3, used.size // 20)), replace=False)
    ids = np.concatenate([used, silent])
    ml = pl.DataFrame({"org": ids}).join(systems, on="org", how="left", maintain_order="left")
    name = orgs.name.gather(ids)
    spaced = np.zeros(ids.size, dtype=bool)
    spaced[rng.choice(ids.size, size=round(0.3 * ids.size), replace=False)] = True
    table = pl.DataFrame(
        {
            "Organization": (" " + name).zip_with(pl.Series(spaced), name),
            "Country": orgs.country.gather(ids),
            "Info": orgs.info.gather(ids),
            "Organization categorization": orgs.category.gather(ids),
            "All ML Systems": ml["model"],
        }
    )
    key = pl.col("Organization").str.strip_chars().str.to_lowercase()
    return table.sort(key, pl.col("Organization")).select(ORG_COLUMNS)


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

SYNTHETIC_MD = """\
# SYNTHETIC sample data: not real companies

Every file in this folder was generated by `python -m sampledata.generate` with
`--companies {companies} --seed {seed}` and reference date {reference_date}. It is **synthetic**:
the companies, people, funding rounds, acquisitions, investments and AI models are invented by a
seeded random model (see the docstring of `sampledata/generate.py`). Re-running the command with
the same arguments gives byte-identical files.

Only the *formats* of the real provider exports are imitated (Crunchbase Dec-2015 export and 2013
investment edges, Epoch AI "notable models" and organisations tables): same headers, date styles,
quoting and known quirks. No value, name or row was copied from those files.

- Company homepages use the reserved `.example` top-level domain.
- A few real investor **names** (Bpifrance, Partech, Sofinnova Partners, Idinvest Partners,
  Kima Ventures, Eurazeo, Elaia, Serena, XAnge, Alven, Mubadala Capital, MGX, ADQ,
  Global Ventures, BECO Capital, Shorooq Partners, Abu Dhabi Investment Authority, Hub71) appear as
  labels so that the France–UAE investor network can be exercised. **Every investment attributed
  to them here is fictitious.** Hardware names in the Epoch-style file are generic labels.
- Quirks injected on purpose, at low rates, to exercise the cleaning code: blank fields,
  founded_at year typos (1015, 2914), acquired_at year typos (1201, 3201), upper-cased
  `company_permalink` values in rounds, orphan rounds whose company is absent, raw latin-1 bytes
  (invalid UTF-8) in a few rounds rows, `-` as `funding_total_usd` when every amount is
  undisclosed, legacy country codes (`ROM`, `BAH`), company names with commas, quotes, accents
  and `&`, homonymous company names in different countries, multi-line abstracts, and leading
  spaces in Epoch organisation names.

Do not use these files for any real analysis or decision.
"""


def _write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _write_epoch(
    rng: np.random.Generator, comp: Companies, out: Path, ref_day: int
) -> dict[str, Path]:
    n_models = max(40, comp.n // 30)
    orgs = epoch_orgs(rng, comp, n_models, ref_day)
    models, first, second = models_table(rng, comp, orgs, n_models, ref_day)
    organizations = organizations_table(rng, orgs, models, first, second)
    return {
        "epoch_models": _write_csv_gz(models, out / "epoch/notable_ai_models.csv.gz"),
        "epoch_organizations": _write_csv_gz(
            organizations, out / "epoch/epoch_organizations.csv.gz"
        ),
    }


def _write_crunchbase(
    rng_tables: np.random.Generator,
    rng_acq: np.random.Generator,
    comp: Companies,
    rounds: Rounds,
    exits: Exits,
    out: Path,
    ref_day: int,
) -> dict[str, Path]:
    """companies, acquisitions (which reuses the company rows), then rounds."""
    company_df = companies_table(rng_tables, comp, rounds, exits)
    paths = {"companies": _write_csv_gz(company_df, out / "crunchbase/companies.csv.gz")}
    acquisitions = acquisitions_table(rng_acq, comp, exits, company_df, ref_day)
    del company_df
    paths["acquisitions"] = _write_csv_gz(acquisitions, out / "crunchbase/acquisitions.csv.gz")
    rounds_df = rounds_table(rng_tables, comp, rounds, ref_day)
    paths["rounds"] = _write_csv_gz(rounds_df, out / "crunchbase/rounds2.csv.gz")
    return paths


def generate(
    out_dir: Path,
    companies: int = 3000,
    seed: int = 42,
    reference_date: date = DEFAULT_REFERENCE_DATE,
) -> dict[str, Path]:
    """Write every synthetic export under out_dir and return their paths by source key."""
    if companies < 1:
        raise ValueError(f"companies must be at least 1, got {companies}")
    out, ref_day = Path(out_dir), _day(reference_date)
    rng_co, rng_rounds, rng_exits, rng_tables, rng_acq, rng_inv, rng_epoch = np.random.default_rng(
        seed
    ).spawn(7)
    comp = make_companies(rng_co, companies, ref_day)
    private, level = simulate_private_rounds(rng_rounds, comp, ref_day)
    exits = decide_exits(rng_exits, comp, private, level, ref_day)
    rounds = all_rounds(rng_rounds, comp, private, post_ipo_rounds(rng_exits, exits, ref_day))
    del private
    paths = _write_crunchbase(rng_tables, rng_acq, comp, rounds, exits, out, ref_day)
    paths["investor_edges"] = _write_csv_gz(
        investments_table(rng_inv, comp, rounds, investor_pool(rng_inv, companies)),
        out / "investor_edges/investments.csv.gz",
    )
    paths |= _write_epoch(rng_epoch, comp, out, ref_day)
    paths |= write_current_sources(out, reference_date, paths["companies"])
    paths |= write_decisions(out)
    paths["sources"] = _write_text(
        out / "sources.yaml",
        SOURCES_YAML.format(snapshot_date=reference_date.isoformat())
        + CURRENT_SOURCES_YAML
        + DECISIONS_SOURCES_YAML,
    )
    readme = SYNTHETIC_MD.format(companies=companies, seed=seed, reference_date=reference_date)
    paths["readme"] = _write_text(out / "SYNTHETIC.md", readme)
    return paths


def _parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/sample"))
    parser.add_argument("--companies", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reference-date", type=date.fromisoformat, default=DEFAULT_REFERENCE_DATE)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = _parse_args(argv)
    start = time.perf_counter()
    paths = generate(args.out, args.companies, args.seed, args.reference_date)
    for key, path in paths.items():
        print(f"{key:20s} {path}  ({path.stat().st_size:,} bytes)")
    print(f"done in {time.perf_counter() - start:.1f}s")


if __name__ == "__main__":
    main()
