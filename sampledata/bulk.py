"""The synthetic universe as a licensed Crunchbase BULK export (2020s CSV flavour): UUID keys,
`*_uuid` relations, ISO dates, ISO-3 country codes, comma-separated category and category-group
lists, employee-count ranges, round-level investments with text `true`/`false` lead flags,
investor types, acquisitions, IPOs and the funds investors raised.

The same companies, rounds, exits and investment edges as the 2015-format files, plus, for scale,
optional *directory* organisations (companies with no round, as most of a real bulk export) and
extra participants per round (the bulk export lists more co-investors than the 2013 edges file).

Defects on purpose, at low rates: bad dates (`2018-02-30`, month 13), rounds whose `org_uuid`
joins no organisation, investments whose `funding_round_uuid` joins no round, funds whose
`entity_uuid` joins no investor, exact duplicate rows in organisations, rounds and investments,
upper-cased UUIDs in a few relations, blank descriptions, countries and founding dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from sampledata.common import (
    ARE,
    CLOSED,
    CODES,
    COUNTRIES,
    COUNTRY_CODES,
    FRA,
    FRENCH_INVESTORS,
    INVESTOR_FORMS,
    IPO,
    NAMED_INVESTORS,
    OPERATING,
    ROUND_TYPES,
    RT,
    STATUSES,
    _amounts,
    _dates,
    _hex,
    _lookup,
    _pick,
    _random_ids,
    _round_sig,
    _write_csv_gz,
)
from sampledata.companies import LOCATION_TABLE, ROOTS, Companies, make_companies
from sampledata.crunchbase import _acquirers, _acquisition_targets
from sampledata.investors import _generic_investors
from sampledata.rounds import Exits, Rounds, _run_edges
from sampledata.vocab import vocabulary

FOLDER = "crunchbase_bulk"
BULK = vocabulary("bulk")
SHARED = ("uuid", "name", "type", "permalink", "cb_url", "rank", "created_at", "updated_at")
ORG_COLUMNS = (
    *SHARED, "legal_name", "roles", "domain", "homepage_url", "country_code", "state_code",
    "region", "city", "address", "postal_code", "status", "short_description", "category_list",
    "category_groups_list", "num_funding_rounds", "total_funding_usd", "total_funding",
    "total_funding_currency_code", "founded_on", "last_funding_on", "closed_on", "employee_count",
    "email", "phone", "facebook_url", "linkedin_url", "twitter_url", "logo_url", "alias1",
    "alias2", "alias3", "primary_role", "num_exits",
)  # fmt: skip
ROUND_COLUMNS = (
    *SHARED, "country_code", "state_code", "region", "city", "investment_type", "announced_on",
    "raised_amount_usd", "raised_amount", "raised_amount_currency_code",
    "post_money_valuation_usd", "post_money_valuation", "post_money_valuation_currency_code",
    "investor_count", "org_uuid", "org_name", "lead_investor_uuids",
)  # fmt: skip
INVESTMENT_COLUMNS = (
    *SHARED, "funding_round_uuid", "funding_round_name", "investor_uuid", "investor_name",
    "investor_type", "is_lead_investor",
)  # fmt: skip
INVESTOR_COLUMNS = (
    *SHARED, "roles", "domain", "country_code", "state_code", "region", "city", "investor_types",
    "investment_count", "total_funding_usd", "founded_on", "closed_on",
)  # fmt: skip
ACQUISITION_COLUMNS = (
    *SHARED, "acquiree_uuid", "acquiree_name", "acquiree_cb_url", "acquiree_country_code",
    "acquiree_state_code", "acquiree_region", "acquiree_city", "acquirer_uuid", "acquirer_name",
    "acquirer_cb_url", "acquirer_country_code", "acquirer_state_code", "acquirer_region",
    "acquirer_city", "acquisition_type", "acquired_on", "price_usd", "price",
    "price_currency_code",
)  # fmt: skip
IPO_COLUMNS = (
    *SHARED, "org_uuid", "org_name", "org_cb_url", "country_code", "state_code", "region", "city",
    "stock_exchange_symbol", "stock_symbol", "went_public_on", "share_price_usd", "share_price",
    "share_price_currency_code", "valuation_price_usd", "valuation_price",
    "valuation_price_currency_code", "money_raised_usd", "money_raised",
    "money_raised_currency_code",
)  # fmt: skip
FUND_COLUMNS = (
    *SHARED, "entity_uuid", "entity_name", "entity_type", "announced_on", "raised_amount_usd",
    "raised_amount", "raised_amount_currency_code",
)  # fmt: skip

ISO3 = tuple(BULK["iso3"].get(code, code) for code in COUNTRY_CODES)
CB_URL = "https://www.crunchbase.com/"
EUR_PER_USD, AED_PER_USD = 0.92, 3.6725
DAY_SECONDS = 86_400
EXPORT_START = 13_514  # 2007-01-01: nothing was created in the database before
FAST_GZIP_ROWS = 500_000  # larger files are compressed at level 1: compression is most of the time


def _write(df: pl.DataFrame, path: Path) -> Path:
    return _write_csv_gz(df, path, level=1 if df.height > FAST_GZIP_ROWS else 6)


@dataclass
class Orgs:
    """Every organisation of the bulk export: the universe's companies, then directory ones."""

    comp: Companies  # universe and directory companies, concatenated
    status: np.ndarray  # index into STATUSES
    exit_day: np.ndarray
    uuid: pl.Series
    slug: pl.Series
    universe: int  # the first `universe` organisations are the universe's companies

    @property
    def n(self) -> int:
        return self.comp.n


def uuids(rng: np.random.Generator, size: int) -> pl.Series:
    """Random (version 4) UUIDs, lower-case, 8-4-4-4-12."""
    raw = _random_ids(rng, size).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    h = pl.col("h")
    parts = [h.str.slice(0, 8), h.str.slice(8, 4), h.str.slice(12, 4), h.str.slice(16, 4)]
    joined = pl.concat_str([*parts, h.str.slice(20, 12)], separator="-")
    return pl.DataFrame({"h": _hex(raw)}).select(joined).to_series().alias("uuid")


def _timestamps(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> pl.Series:
    """'YYYY-MM-DD HH:MM:SS' between days lo and hi (hi < lo gives lo)."""
    span = np.maximum(hi - lo, 0) + 1
    seconds = (lo + (rng.random(lo.size) * span).astype(np.int64)) * DAY_SECONDS
    seconds += rng.integers(0, DAY_SECONDS, lo.size)
    return pl.from_epoch(pl.Series(seconds), time_unit="s").dt.strftime("%Y-%m-%d %H:%M:%S")


def _shared(
    rng: np.random.Generator,
    uuid: pl.Series,
    name: pl.Series,
    kind: str,
    permalink: pl.Series,
    path: str,
    since: np.ndarray,
    ref_day: int,
) -> dict[str, pl.Series]:
    """The columns every entity file starts with."""
    size = uuid.len()
    created_day = np.clip(since, EXPORT_START, ref_day)
    created = _timestamps(rng, created_day, created_day + 60)
    updated = _timestamps(rng, created_day + 60, np.full(size, ref_day))
    rank = pl.Series(rng.permutation(size) + 1).cast(pl.String)
    return {
        "uuid": uuid,
        "name": name,
        "type": pl.Series([kind] * size, dtype=pl.String),
        "permalink": permalink,
        "cb_url": CB_URL + path + "/" + permalink,
        "rank": rank.scatter(np.flatnonzero(rng.random(size) < 0.1), None),
        "created_at": created,
        "updated_at": updated,
    }


def _blank(size: int) -> pl.Series:
    return pl.Series([None] * size, dtype=pl.String)


def _bad_dates(rng: np.random.Generator, s: pl.Series, rate: float, minimum: int) -> pl.Series:
    """A few set dates replaced by impossible ones (a 30 February, a month 13)."""
    present = np.flatnonzero(s.is_not_null().to_numpy())
    k = min(present.size, max(minimum, round(rate * s.len())))
    rows = np.sort(rng.choice(present, size=k, replace=False))
    year = s.gather(rows).str.slice(0, 4)
    fixed = _lookup(("-02-30", "-13-01"), np.arange(k) % 2)
    return s.scatter(rows, year + fixed)


def _with_duplicates(rng: np.random.Generator, df: pl.DataFrame, rate: float) -> pl.DataFrame:
    """Exact copies of a few rows appended at the end (exports repeat rows across pages)."""
    k = min(df.height, max(1, round(rate * df.height)))
    return pl.concat([df, df[np.sort(rng.choice(df.height, size=k, replace=False))]])


def _upper_some(rng: np.random.Generator, s: pl.Series, rate: float) -> pl.Series:
    rows = np.flatnonzero(rng.random(s.len()) < rate)
    return s.scatter(rows, s.gather(rows).str.to_uppercase())


# ---------------------------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------------------------


def make_orgs(
    rng: np.random.Generator, comp: Companies, exits: Exits, directory: int, ref_day: int
) -> Orgs:
    """The universe's companies plus `directory` companies that never raised (mostly operating)."""
    n = comp.n
    slug = comp.permalink.str.slice(len("/organization/"))
    status, exit_day = exits.status, exits.day
    if directory > 0:
        extra = make_companies(rng, directory, ref_day)
        closed = rng.random(directory) < 0.12
        comp = Companies(
            **{
                f: pl.concat([v, getattr(extra, f)])
                if isinstance(v, pl.Series)
                else np.concatenate([v, getattr(extra, f)])
                for f, v in vars(comp).items()
            }
        )
        status = np.concatenate([status, np.where(closed, CLOSED, OPERATING)])
        closed_day = extra.founded + (rng.random(directory) * 6 * 365).astype(np.int64)
        exit_day = np.concatenate([exit_day, closed_day])
    uid = uuids(rng, comp.n)
    if directory > 0:  # directory slugs may repeat a universe one: a uuid suffix keeps them unique
        extra_slug = comp.permalink.slice(n).str.slice(len("/organization/"))
        slug = pl.concat([slug, extra_slug + "-" + uid.slice(n).str.slice(0, 4)])
    return Orgs(comp, status, exit_day, uid, slug, n)


def _category_groups(categories: pl.Series) -> pl.Series:
    """The sorted union of the category groups of each company's categories, comma-joined
    (computed once per distinct category list: there are few)."""
    groups = BULK["category_groups"]
    mapping = pl.DataFrame(
        {"cat": list(groups), "group": [list(g) for g in groups.values()]},
        schema={"cat": pl.String, "group": pl.List(pl.String)},
    )
    distinct = categories.unique().drop_nulls().sort()
    per_list = (
        pl.DataFrame({"list": distinct, "cat": distinct.str.split("|")})
        .explode("cat")
        .join(mapping, on="cat", how="left")
        .explode("group")
        .drop_nulls("group")
        .group_by("list")
        .agg(pl.col("group").unique().sort().str.join(","))
    )
    lookup = dict(zip(per_list["list"], per_list["group"], strict=True))
    return categories.replace_strict(lookup, default=None, return_dtype=pl.String)


def _descriptions(rng: np.random.Generator, orgs: Orgs) -> pl.Series:
    """'<Name> builds machine learning solutions for hospitals.' (~8% blank)."""
    n = orgs.n
    first = orgs.comp.categories.str.split("|").list.first().str.to_lowercase()
    first = first.fill_null("software")
    verb = _lookup(BULK["verbs"], rng.integers(0, len(BULK["verbs"]), n))
    audience = _lookup(BULK["audiences"], rng.integers(0, len(BULK["audiences"]), n))
    df = pl.DataFrame({"n": orgs.comp.name, "v": verb, "c": first, "a": audience})
    text = df.select(
        pl.concat_str(
            "n", pl.lit(" "), "v", pl.lit(" "), "c", pl.lit(" solutions for "), "a", pl.lit(".")
        )
    ).to_series()
    return text.scatter(np.flatnonzero(rng.random(n) < 0.08), None)


def _employees(rng: np.random.Generator, orgs: Orgs, funded: np.ndarray, ref_day: int) -> pl.Series:
    """A headcount range growing with age, funding and quality; ~12% 'unknown'."""
    age = np.maximum(ref_day - orgs.comp.founded, 0) / 365.25
    score = 0.25 * np.log1p(age) + 0.5 * np.log1p(funded) + 0.4 * orgs.comp.quality
    level = np.clip(np.round(score + rng.normal(0, 0.7, orgs.n)), 0, 8).astype(np.int64)
    out = _lookup(BULK["employee_ranges"], level)
    return out.scatter(np.flatnonzero(rng.random(orgs.n) < 0.12), "unknown")


def organizations_table(
    rng: np.random.Generator, orgs: Orgs, rounds: Rounds, ref_day: int
) -> pl.DataFrame:
    n, comp = orgs.n, orgs.comp
    count = np.bincount(rounds.company, minlength=n)
    known = np.bincount(rounds.company, weights=np.isfinite(rounds.amount), minlength=n)
    total = np.bincount(rounds.company, weights=np.nan_to_num(rounds.amount), minlength=n)
    last = np.zeros(n, dtype=np.int64)
    ends = _run_edges(rounds.company)[1]
    last[rounds.company[ends]] = rounds.day[ends]
    total_s = _amounts(np.where(known > 0, total, np.nan))
    domain = orgs.slug + ".example"
    no_site = np.flatnonzero(rng.random(n) < 0.05)
    country = _lookup(ISO3, comp.country)
    forms = BULK["legal_forms"]
    form = pl.DataFrame({"c": country}).select(
        pl.col("c").replace_strict(forms, default=" Ltd.", return_dtype=pl.String)
    )
    legal = (comp.name + form.to_series()).scatter(np.flatnonzero(rng.random(n) >= 0.25), None)
    founded = _dates(comp.founded, blank=rng.random(n) < 0.12)
    closed = _dates(orgs.exit_day, blank=(orgs.status != CLOSED) | (orgs.exit_day > ref_day))
    location = {
        col: _lookup([row[i] for row in LOCATION_TABLE], comp.location)
        for i, col in enumerate(("state_code", "region", "city"))
    }
    cols = {
        **_shared(
            rng,
            orgs.uuid,
            comp.name,
            "organization",
            orgs.slug,
            "organization",
            comp.founded,
            ref_day,
        ),
        "legal_name": legal,
        "roles": pl.Series(["company"] * n, dtype=pl.String),
        "domain": domain.scatter(no_site, None),
        "homepage_url": ("https://www." + domain).scatter(no_site, None),
        "country_code": country,
        **location,
        "address": _blank(n),
        "postal_code": _blank(n),
        "status": _lookup(STATUSES, orgs.status),
        "short_description": _descriptions(rng, orgs),
        "category_list": comp.categories.str.replace_all("|", ",", literal=True),
        "category_groups_list": _category_groups(comp.categories),
        "num_funding_rounds": pl.Series(count)
        .cast(pl.String)
        .scatter(np.flatnonzero(count == 0), None),
        "total_funding_usd": total_s,
        "total_funding": total_s,
        "total_funding_currency_code": _lookup(("USD",), np.where(known > 0, 0, -1)),
        "founded_on": _bad_dates(rng, founded, 0.0003, 2),
        "last_funding_on": _dates(last, blank=count == 0),
        "closed_on": closed,
        "employee_count": _employees(rng, orgs, count, ref_day),
        **{c: _blank(n) for c in ("email", "phone", "facebook_url")},
        "linkedin_url": ("https://www.linkedin.com/company/" + orgs.slug).scatter(
            np.flatnonzero(rng.random(n) >= 0.3), None
        ),
        **{c: _blank(n) for c in ("twitter_url", "logo_url", "alias1", "alias2", "alias3")},
        "primary_role": pl.Series(["company"] * n, dtype=pl.String),
        "num_exits": _blank(n),
    }
    return _with_duplicates(rng, pl.DataFrame(cols).select(ORG_COLUMNS), 0.0002)


# ---------------------------------------------------------------------------------------------
# Investors and investments
# ---------------------------------------------------------------------------------------------


@dataclass
class Investments:
    round: np.ndarray  # index into the universe's rounds
    investor: np.ndarray  # index into the investor pool
    lead: np.ndarray  # bool


def bulk_investments(
    rng: np.random.Generator,
    comp: Companies,
    rounds: Rounds,
    pool: pl.Series,
    edges: tuple[np.ndarray, np.ndarray],
    extra_per_round: float,
) -> Investments:
    """The universe's edges plus Poisson(extra_per_round) more participants per round, distinct
    per round; the first participant of a round leads it with a type-dependent probability."""
    r, investor = edges
    extra = rng.poisson(extra_per_round, len(rounds)) if extra_per_round > 0 else None
    if extra is not None and extra.sum() > 0:
        er = np.repeat(np.arange(len(rounds)), extra)
        late = (rounds.code[er] >= 2) | (rounds.kind[er] == RT["private_equity"])
        ei = _generic_investors(rng, pool.len(), comp.quality[rounds.company[er]], late)
        both = pl.DataFrame({"r": np.concatenate([r, er]), "i": np.concatenate([investor, ei])})
        both = both.unique(maintain_order=True).sort("r", maintain_order=True)
        r, investor = both["r"].to_numpy(), both["i"].to_numpy()
    starts = _run_edges(r)[0]
    first = np.zeros(r.size, dtype=bool)
    first[starts] = True
    coded = rounds.code[r] > 0
    p_lead = np.where(coded | (rounds.kind[r] == RT["private_equity"]), 0.85, 0.45)
    u = rng.random(r.size)
    second = ~first & coded & (rounds.code[r] >= 2) & (u < 0.12)
    return Investments(r, investor, (first & (u < p_lead)) | second)


def _is_person(pool: pl.Series) -> np.ndarray:
    """Angel names are '<First> <Root>'; firm names end with an investor form."""
    firm = pl.select(
        pl.lit(pool).str.contains("(" + "|".join(f"{f.strip()}$" for f in INVESTOR_FORMS) + ")")
    ).to_series()
    named = np.arange(pool.len()) < NAMED_INVESTORS
    return ~firm.to_numpy() & ~named


def _investor_types(pool: pl.Series, person: np.ndarray, rng: np.random.Generator) -> pl.Series:
    size = pool.len()
    forms = BULK["form_investor_types"]
    by_form = pl.Series(["venture_capital"] * size, dtype=pl.String)
    for form, types in sorted(forms.items(), key=lambda kv: len(kv[0])):  # longest wins
        hit = pool.str.ends_with(form).to_numpy()
        by_form = by_form.scatter(np.flatnonzero(hit), types)
    named = BULK["named_investor_types"]
    for i, name in enumerate(pool.head(NAMED_INVESTORS)):
        by_form = by_form.scatter([i], named[name])
    out = by_form.zip_with(pl.Series(~person), pl.Series(["angel"] * size, dtype=pl.String))
    blank = (rng.random(size) < 0.08) & (np.arange(size) >= NAMED_INVESTORS)
    return out.scatter(np.flatnonzero(blank), None)


def _investor_countries(rng: np.random.Generator, size: int) -> np.ndarray:
    country = _pick(rng, np.array([c[1] for c in COUNTRIES]), size)
    country[: len(FRENCH_INVESTORS)] = FRA
    country[len(FRENCH_INVESTORS) : NAMED_INVESTORS] = ARE
    return country


@dataclass
class InvestorTable:
    frame: pl.DataFrame
    uuid: pl.Series
    person: np.ndarray
    types: pl.Series


def investors_table(
    rng: np.random.Generator, pool: pl.Series, inv: Investments, ref_day: int
) -> InvestorTable:
    size = pool.len()
    uid = uuids(rng, size)
    person = _is_person(pool)
    types = _investor_types(pool, person, rng)
    slug = pl.select(
        pl.lit(pool).str.to_lowercase().str.replace_all("[^a-z0-9]+", "-").str.strip_chars("-")
    ).to_series()
    slug = slug + "-" + uid.str.slice(0, 4)
    country = _investor_countries(rng, size)
    founded = ref_day - (rng.gamma(2.0, 5.0, size) * 365.25).astype(np.int64)
    count = np.bincount(inv.investor, minlength=size)
    firm = pl.Series(~person)
    domain = (slug + ".example").zip_with(firm, _blank(size))
    cols = {
        **_shared(rng, uid, pool, "organization", slug, "organization", founded, ref_day),
        "roles": _lookup(
            ("investor", "company,investor"), (~person & (rng.random(size) < 0.3)).astype(np.int64)
        ),
        "domain": domain,
        "country_code": _lookup(ISO3, np.where(person & (rng.random(size) < 0.4), -1, country)),
        "state_code": _blank(size),
        "region": _blank(size),
        "city": _blank(size),
        "investor_types": types,
        "investment_count": pl.Series(count).cast(pl.String),
        "total_funding_usd": _blank(size),
        "founded_on": _dates(founded, blank=person),
        "closed_on": _blank(size),
    }
    frame = pl.DataFrame(cols).with_columns(
        pl.when(firm).then(pl.col("type")).otherwise(pl.lit("person")).alias("type"),
        pl.when(firm)
        .then(pl.col("cb_url"))
        .otherwise(CB_URL + "person/" + pl.col("permalink"))
        .alias("cb_url"),
    )
    return InvestorTable(frame.select(INVESTOR_COLUMNS), uid, person, types)


def _round_names(
    rounds: Rounds, idx: np.ndarray, org_name: pl.Series
) -> tuple[pl.Series, pl.Series]:
    """(investment_type, name) of rounds idx: series_a… for coded venture rounds."""
    types = BULK["investment_types"]
    kind = _lookup([types[t][0] for t in ROUND_TYPES], rounds.kind[idx])
    label = _lookup([types[t][1] for t in ROUND_TYPES], rounds.kind[idx])
    code = rounds.code[idx]
    coded = np.flatnonzero(code > 0)
    letters = _lookup(CODES, code[coded])
    kind = kind.scatter(coded, "series_" + letters.str.to_lowercase())
    label = label.scatter(coded, "Series " + letters)
    return kind, label + " - " + org_name


def funding_rounds_table(
    rng: np.random.Generator,
    orgs: Orgs,
    rounds: Rounds,
    inv: Investments,
    investors: InvestorTable,
    ref_day: int,
) -> tuple[pl.DataFrame, pl.Series, pl.Series]:
    """funding_rounds.csv (with orphan and duplicate rows), the uuid and name of every round."""
    size, comp = len(rounds), orgs.comp
    uid = uuids(rng, size)
    company = rounds.company
    org_name = comp.name.gather(company)
    kind, name = _round_names(rounds, np.arange(size), org_name)
    country = comp.country[company]
    u = rng.random(size)
    currency = np.where(
        (country == FRA) & (u < 0.4), 1, np.where((country == ARE) & (u < 0.2), 2, 0)
    )
    rate = np.array([1.0, EUR_PER_USD, AED_PER_USD])[currency]
    local = _round_sig(rounds.amount * rate, rng, share=1.0)
    disclosed = np.isfinite(rounds.amount)
    post = np.where(
        disclosed & (rounds.code > 0) & (rng.random(size) < 0.2),
        _round_sig(rounds.amount * rng.uniform(4, 10, size), rng, share=1.0),
        np.nan,
    )
    cur_codes = ("USD", "EUR", "AED")
    count = np.bincount(inv.round, minlength=size)
    leads = (
        pl.DataFrame({"r": inv.round[inv.lead], "u": investors.uuid.gather(inv.investor[inv.lead])})
        .group_by("r", maintain_order=True)
        .agg(pl.col("u").str.join(","))
    )
    lead_col = pl.DataFrame({"r": np.arange(size)}).join(leads, on="r", how="left").sort("r")["u"]
    location = {
        col: _lookup([row[i] for row in LOCATION_TABLE], comp.location[company])
        for i, col in enumerate(("state_code", "region", "city"))
    }
    permalink = (
        name.str.to_lowercase().str.replace_all("[^a-z0-9]+", "-") + "--" + uid.str.slice(0, 8)
    )
    cols = {
        **_shared(rng, uid, name, "funding_round", permalink, "funding_round", rounds.day, ref_day),
        "country_code": _lookup(ISO3, country),
        **location,
        "investment_type": kind,
        "announced_on": _bad_dates(rng, _dates(rounds.day), 0.0003, 2),
        "raised_amount_usd": _amounts(rounds.amount),
        "raised_amount": _amounts(local),
        "raised_amount_currency_code": _lookup(cur_codes, np.where(disclosed, currency, -1)),
        "post_money_valuation_usd": _amounts(post),
        "post_money_valuation": _amounts(post * rate),
        "post_money_valuation_currency_code": _lookup(
            cur_codes, np.where(np.isfinite(post), currency, -1)
        ),
        "investor_count": pl.Series(count)
        .cast(pl.String)
        .scatter(np.flatnonzero(count == 0), None),
        "org_uuid": _upper_some(rng, orgs.uuid.gather(company), 0.005),
        "org_name": org_name,
        "lead_investor_uuids": lead_col,
    }
    frame = pl.DataFrame(cols).select(ROUND_COLUMNS)
    orphans = frame[rng.choice(size, size=min(size, max(2, round(0.0005 * size))), replace=False)]
    orphans = orphans.with_columns(
        uuids(rng, orphans.height),
        uuids(rng, orphans.height).alias("org_uuid"),
        (
            "Venture Round - "
            + pl.Series(ROOTS).gather(rng.integers(0, len(ROOTS), orphans.height))
        ).alias("name"),
        pl.lit(None, dtype=pl.String).alias("lead_investor_uuids"),
        pl.lit(None, dtype=pl.String).alias("investor_count"),
    )
    frame = _with_duplicates(rng, pl.concat([frame, orphans]), 0.0002)
    return frame, uid, name


def investments_table(
    rng: np.random.Generator,
    inv: Investments,
    round_uuid: pl.Series,
    round_name: pl.Series,
    investors: InvestorTable,
    pool: pl.Series,
    rounds: Rounds,
    ref_day: int,
) -> pl.DataFrame:
    size = inv.round.size
    uid = uuids(rng, size)
    investor_name = pool.gather(inv.investor)
    name = investor_name + " investment in " + round_name.gather(inv.round)
    person = investors.person[inv.investor]
    cols = {
        **_shared(
            rng, uid, name, "investment", uid, "funding_round", rounds.day[inv.round], ref_day
        ),
        "funding_round_uuid": _upper_some(rng, round_uuid.gather(inv.round), 0.002),
        "funding_round_name": round_name.gather(inv.round),
        "investor_uuid": investors.uuid.gather(inv.investor),
        "investor_name": investor_name,
        "investor_type": _lookup(("organization", "person"), person.astype(np.int64)),
        "is_lead_investor": _lookup(("false", "true"), inv.lead.astype(np.int64)),
    }
    frame = pl.DataFrame(cols).select(INVESTMENT_COLUMNS)
    k = min(size, max(2, round(0.0003 * size)))
    orphans = frame[rng.choice(size, size=k, replace=False)].with_columns(
        uuids(rng, k), uuids(rng, k).alias("funding_round_uuid")
    )
    return _with_duplicates(rng, pl.concat([frame, orphans]), 0.0002)


# ---------------------------------------------------------------------------------------------
# Exits and funds
# ---------------------------------------------------------------------------------------------


def _side(orgs: Orgs, idx: np.ndarray, prefix: str) -> dict[str, pl.Series]:
    comp = orgs.comp
    out = {
        f"{prefix}uuid": orgs.uuid.gather(idx),
        f"{prefix}name": comp.name.gather(idx),
        f"{prefix}cb_url": CB_URL + "organization/" + orgs.slug.gather(idx),
        f"{prefix}country_code": _lookup(ISO3, comp.country[idx]),
    }
    for i, col in enumerate(("state_code", "region", "city")):
        out[f"{prefix}{col}"] = _lookup([row[i] for row in LOCATION_TABLE], comp.location[idx])
    return out


def acquisitions_table(
    rng: np.random.Generator, orgs: Orgs, comp: Companies, exits: Exits, ref_day: int
) -> pl.DataFrame:
    """Every acquired company of the universe (and a few whose status was never updated)."""
    targets = _acquisition_targets(rng, exits, ref_day)
    buyers = _acquirers(rng, comp, exits, targets)
    size = targets.size
    uid = uuids(rng, size)
    name = orgs.comp.name.gather(buyers) + " acquires " + orgs.comp.name.gather(targets)
    usd = _round_sig(np.exp(rng.normal(np.log(40e6), 1.4, size) + 0.8 * comp.quality[targets]), rng)
    usd = np.where(rng.random(size) < 0.25, usd, np.nan)
    eur = (comp.country[buyers] == FRA) & (rng.random(size) < 0.35)
    price = np.where(eur, _round_sig(usd * EUR_PER_USD, rng, share=1.0), usd)
    day = exits.day[targets]
    permalink = orgs.slug.gather(buyers) + "-acquires-" + orgs.slug.gather(targets)
    cols = {
        **_shared(rng, uid, name, "acquisition", permalink, "acquisition", day, ref_day),
        **_side(orgs, targets, "acquiree_"),
        **_side(orgs, buyers, "acquirer_"),
        "acquisition_type": _lookup(
            ("acquisition", "acquihire", "merge"), _pick(rng, np.array([0.9, 0.05, 0.05]), size)
        ),
        "acquired_on": _dates(day),
        "price_usd": _amounts(usd),
        "price": _amounts(price),
        "price_currency_code": _lookup(
            ("USD", "EUR"), np.where(np.isfinite(usd), eur.astype(np.int64), -1)
        ),
    }
    return pl.DataFrame(cols).select(ACQUISITION_COLUMNS)


def ipos_table(
    rng: np.random.Generator, orgs: Orgs, comp: Companies, exits: Exits, ref_day: int
) -> pl.DataFrame:
    listed = np.flatnonzero(exits.status == IPO)
    size = listed.size
    uid = uuids(rng, size)
    exchanges = BULK["exchanges"]
    country = comp.country[listed]
    exchange = _lookup(exchanges["default"], rng.integers(0, 2, size))
    for code, options in exchanges.items():
        if code == "default":
            continue
        rows = np.flatnonzero(country == COUNTRY_CODES.index(code))
        exchange = exchange.scatter(
            rows, _lookup(options, rng.integers(0, len(options), rows.size))
        )
    symbol = (
        comp.name.gather(listed).str.replace_all("[^A-Za-z]", "").str.slice(0, 4).str.to_uppercase()
    )
    raised = _round_sig(
        np.exp(rng.normal(np.log(150e6), 0.9, size) + 0.5 * comp.quality[listed]), rng
    )
    valuation = _round_sig(raised * rng.uniform(4, 12, size), rng, share=1.0)
    share = np.round(rng.uniform(8, 40, size), 2)
    known = rng.random((3, size)) < np.array([[0.8], [0.6], [0.85]])
    day = exits.day[listed]
    usd = pl.Series(["USD"] * size, dtype=pl.String)
    cols = {
        **_shared(
            rng,
            uid,
            comp.name.gather(listed) + " IPO",
            "ipo",
            orgs.slug.gather(listed) + "-ipo--" + uid.str.slice(0, 8),
            "ipo",
            day,
            ref_day,
        ),
        "org_uuid": orgs.uuid.gather(listed),
        "org_name": comp.name.gather(listed),
        "org_cb_url": CB_URL + "organization/" + orgs.slug.gather(listed),
        **{
            k.removeprefix("x_"): v
            for k, v in _side(orgs, listed, "x_").items()
            if k in ("x_country_code", "x_state_code", "x_region", "x_city")
        },
        "stock_exchange_symbol": exchange,
        "stock_symbol": symbol,
        "went_public_on": _dates(day),
        "share_price_usd": pl.Series(np.where(known[0], share, np.nan), nan_to_null=True).cast(
            pl.String
        ),
        "share_price": pl.Series(np.where(known[0], share, np.nan), nan_to_null=True).cast(
            pl.String
        ),
        "share_price_currency_code": usd.zip_with(pl.Series(known[0]), _blank(size)),
        "valuation_price_usd": _amounts(np.where(known[1], valuation, np.nan)),
        "valuation_price": _amounts(np.where(known[1], valuation, np.nan)),
        "valuation_price_currency_code": usd.zip_with(pl.Series(known[1]), _blank(size)),
        "money_raised_usd": _amounts(np.where(known[2], raised, np.nan)),
        "money_raised": _amounts(np.where(known[2], raised, np.nan)),
        "money_raised_currency_code": usd.zip_with(pl.Series(known[2]), _blank(size)),
    }
    return pl.DataFrame(cols).select(IPO_COLUMNS)


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")


@dataclass
class Funds:
    investor: np.ndarray  # index into the investor pool
    number: np.ndarray  # 0 = the manager's first fund
    day: np.ndarray
    usd: np.ndarray  # nan = undisclosed
    name: pl.Series


def make_funds(
    rng: np.random.Generator, pool: pl.Series, investors: InvestorTable, ref_day: int
) -> Funds:
    """Funds raised by institutional investors: more and larger for the popular ones, every
    3–4 years back from a latest fund in the last four years."""
    size = pool.len()
    types = investors.types.fill_null("")
    fundlike = types.str.contains("venture_capital|private_equity|micro_vc").to_numpy()
    popular = np.arange(size) < NAMED_INVESTORS + max(1, (size - NAMED_INVESTORS) // 10)
    lam = np.where(popular, 2.2, 0.35) * fundlike
    count = np.minimum(rng.poisson(lam), len(ROMAN))
    investor = np.repeat(np.arange(size), count)
    number_desc = np.arange(investor.size) - np.repeat(np.cumsum(count) - count, count)
    latest = ref_day - (rng.random(size) * 4 * 365.25).astype(np.int64)
    gap = (rng.uniform(3, 4, investor.size) * 365.25).astype(np.int64)
    day = latest[investor] - number_desc * gap
    keep = day >= 9_131  # from 1995 on
    investor, number_desc, day = investor[keep], number_desc[keep], day[keep]
    total = np.bincount(investor, minlength=size)
    number = total[investor] - 1 - number_desc
    median = np.where(popular[investor], 250e6, 40e6) * 1.35**number
    usd = _round_sig(np.exp(rng.normal(np.log(median), 0.6)), rng, share=1.0)
    usd = np.where(rng.random(investor.size) < 0.1, np.nan, usd)
    suffix = _lookup(ROMAN, number)
    style = rng.random(investor.size)
    name = (
        pool.gather(investor)
        + pl.Series(
            np.where(style < 0.6, " Fund ", np.where(style < 0.8, " Growth Fund ", " Seed Fund "))
        )
        + suffix
    )
    order = np.lexsort((number, investor))
    return Funds(investor[order], number[order], day[order], usd[order], name.gather(order))


def funds_table(
    rng: np.random.Generator, funds: Funds, investors: InvestorTable, pool: pl.Series, ref_day: int
) -> pl.DataFrame:
    size = funds.investor.size
    uid = uuids(rng, size)
    eur = funds.investor < len(FRENCH_INVESTORS)
    local = np.where(eur, _round_sig(funds.usd * EUR_PER_USD, rng, share=1.0), funds.usd)
    slug = funds.name.str.to_lowercase().str.replace_all("[^a-z0-9]+", "-")
    cols = {
        **_shared(
            rng,
            uid,
            funds.name,
            "fund",
            slug + "--" + uid.str.slice(0, 8),
            "fund",
            funds.day,
            ref_day,
        ),
        "entity_uuid": investors.uuid.gather(funds.investor),
        "entity_name": pool.gather(funds.investor),
        "entity_type": pl.Series(["organization"] * size, dtype=pl.String),
        "announced_on": _dates(funds.day),
        "raised_amount_usd": _amounts(funds.usd),
        "raised_amount": _amounts(local),
        "raised_amount_currency_code": _lookup(
            ("USD", "EUR"), np.where(np.isfinite(funds.usd), eur.astype(np.int64), -1)
        ),
    }
    frame = pl.DataFrame(cols).select(FUND_COLUMNS)
    if size == 0:
        return frame
    orphan = frame[[int(rng.integers(0, size))]].with_columns(
        uuids(rng, 1), uuids(rng, 1).alias("entity_uuid")
    )
    return pl.concat([frame, orphan])


# ---------------------------------------------------------------------------------------------
# The export
# ---------------------------------------------------------------------------------------------


@dataclass
class BulkExport:
    paths: dict[str, Path]
    orgs: Orgs
    investors: InvestorTable
    funds: Funds


def write_bulk_export(
    rng: np.random.Generator,
    comp: Companies,
    rounds: Rounds,
    exits: Exits,
    pool: pl.Series,
    edges: tuple[np.ndarray, np.ndarray],
    out: Path,
    ref_day: int,
    directory: int = 0,
    extra_per_round: float = 0.5,
) -> BulkExport:
    """Write the seven bulk files under out/crunchbase_bulk and return their paths by kind."""
    folder = out / FOLDER
    rng_orgs, rng_inv, rng_rounds, rng_exits, rng_funds = rng.spawn(5)
    orgs = make_orgs(rng_orgs, comp, exits, directory, ref_day)
    paths = {
        "crunchbase_bulk.organizations": _write(
            organizations_table(rng_orgs, orgs, rounds, ref_day), folder / "organizations.csv.gz"
        )
    }
    inv = bulk_investments(rng_inv, comp, rounds, pool, edges, extra_per_round)
    investors = investors_table(rng_inv, pool, inv, ref_day)
    paths["crunchbase_bulk.investors"] = _write(investors.frame, folder / "investors.csv.gz")
    frame, round_uuid, round_name = funding_rounds_table(
        rng_rounds, orgs, rounds, inv, investors, ref_day
    )
    paths["crunchbase_bulk.funding_rounds"] = _write(frame, folder / "funding_rounds.csv.gz")
    del frame
    paths["crunchbase_bulk.investments"] = _write(
        investments_table(rng_inv, inv, round_uuid, round_name, investors, pool, rounds, ref_day),
        folder / "investments.csv.gz",
    )
    paths["crunchbase_bulk.acquisitions"] = _write(
        acquisitions_table(rng_exits, orgs, comp, exits, ref_day), folder / "acquisitions.csv.gz"
    )
    paths["crunchbase_bulk.ipos"] = _write(
        ipos_table(rng_exits, orgs, comp, exits, ref_day), folder / "ipos.csv.gz"
    )
    funds = make_funds(rng_funds, pool, investors, ref_day)
    paths["crunchbase_bulk.funds"] = _write(
        funds_table(rng_funds, funds, investors, pool, ref_day), folder / "funds.csv.gz"
    )
    return BulkExport(paths, orgs, investors, funds)
