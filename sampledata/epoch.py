"""Synthetic Epoch AI-style models and organisations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from sampledata.common import (
    ACADEMIC_COUNTRIES,
    ARE,
    COUNTRIES,
    COUNTRY_CODES,
    EPOCH_DOMAINS,
    FRA,
    HARDWARE,
    LEGACY,
    MODEL_COLUMNS,
    MODEL_FORMS,
    MODEL_SUFFIXES,
    MODEL_VERSIONS,
    ORG_COLUMNS,
    _dates,
    _day,
    _lookup,
    _pick,
    _probs,
)
from sampledata.companies import ROOTS, Companies

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
