"""A tiny licensed Crunchbase bulk export written at test time (CSV files named as the provider
names them, UUID keys, `*_uuid` relations, ISO dates, comma-separated lists), and a sources YAML
declaring it beside any of the tiny 2015-format files of `tiny_sources.py`.

Rows are dicts: a file's header is the union of its rows' keys in order, so a test leaves a column
out by leaving it out of every row. The default export: five companies and an investor firm;
`Lumen AI` has the domain of the 2015-format tiny `Lumen AI` (lumen-ai.example): with both
declared they are one company.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import yaml

from tests.pipelines import tiny_sources as tiny

# entity -> the file name of a bulk export
FILES = {
    "organizations": "organizations.csv",
    "funding_rounds": "funding_rounds.csv",
    "investments": "investments.csv",
    "investors": "investors.csv",
    "acquisitions": "acquisitions.csv",
    "ipos": "ipos.csv",
    "funds": "funds.csv",
}
SNAPSHOT = date(2026, 10, 31)


def uuid(n: int) -> str:
    """A deterministic UUID-shaped key (upper case: staging lower-cases keys)."""
    return f"0000{n:04d}-AAAA-4BBB-8CCC-{n:012d}"


LUMEN, ATLAS, NIMBUS, FALCON, ORBITAL, SEINE = (uuid(i) for i in range(1, 7))


def _org(key, name, domain, country, city, status, categories, groups, description, founded):
    return {
        "uuid": key,
        "name": name,
        "type": "organization",
        "permalink": name.lower().replace(" ", "-"),
        "legal_name": f"{name} SAS" if country == "FRA" else "",
        "roles": "company",
        "domain": domain,
        "homepage_url": f"https://www.{domain}" if domain else "",
        "country_code": country,
        "state_code": "",
        "region": city,
        "city": city,
        "status": status,
        "short_description": description,
        "category_list": categories,
        "category_groups_list": groups,
        "total_funding_usd": "",
        "founded_on": founded,
        "closed_on": "",
        "employee_count": "11-50",
    }


ORGANIZATIONS = [
    # the 2015-format tiny Lumen AI (same domain): one company with both keys
    _org(
        LUMEN,
        "Lumen AI",
        "lumen-ai.example",
        "FRA",
        "Paris",
        "operating",
        "Artificial Intelligence,Generative AI",
        "Artificial Intelligence,Software",
        "Open generative language models",
        "2019-03-01",
    ),
    # no AI category: its groups and description classify it
    _org(
        ATLAS,
        "Atlas Diagnostics",
        "atlas-dx.example",
        "FRA",
        "Lyon",
        "operating",
        "Medical Imaging",
        "Artificial Intelligence,Health Care",
        "Machine learning for radiology",
        "2021-02-01",
    ),
    _org(
        NIMBUS,
        "Nimbus Silicon",
        "nimbus-silicon.example",
        "ARE",
        "Abu Dhabi",
        "operating",
        "Semiconductors",
        "Hardware,Science and Engineering",
        "AI inference chips for data centres",
        "2020-05-05",
    ),
    _org(
        FALCON,
        "Falcon Ledger",
        "falcon-ledger.example",
        "ARE",
        "Dubai",
        "acquired",
        "FinTech",
        "Financial Services",
        "Fraud detection with machine learning",
        "2018-01-15",
    ),
    _org(
        ORBITAL,
        "Orbital Freight",
        "orbital-freight.example",
        "USA",
        "Seattle",
        "ipo",
        "Logistics",
        "Transportation",
        "Freight marketplace",
        "2012-07-01",
    ),
    _org(
        SEINE,
        "Seine Ventures",
        "seine.vc",
        "FRA",
        "Paris",
        "operating",
        "Venture Capital",
        "Financial Services,Lending and Investments",
        "Seed investor",
        "2010-01-01",
    )
    | {"roles": "investor"},
]


def _round(n, org, name, kind, day, usd="", amount="", currency="", leads=""):
    return {
        "uuid": uuid(100 + n),
        "name": f"{kind} - {name}",
        "type": "funding_round",
        "org_uuid": org,
        "org_name": name,
        "investment_type": kind,
        "announced_on": day,
        "raised_amount_usd": usd,
        "raised_amount": amount,
        "raised_amount_currency_code": currency,
        "post_money_valuation_usd": "",
        "investor_count": "1",
        "lead_investor_uuids": leads,
        "country_code": "",
    }


FUNDING_ROUNDS = [
    # the same rounds as the 2015-format Lumen AI's (same days): one round each, not two
    _round(1, LUMEN, "Lumen AI", "seed", "2019-05-15", "1500000", leads=SEINE),
    _round(2, LUMEN, "Lumen AI", "series_a", "2022-02-10", "12000000"),
    _round(3, LUMEN, "Lumen AI", "series_b", "2026-06-20", "60000000"),
    # EUR only: converted at the ECB rate of 2021-01-04 (the last before the round)
    _round(4, ATLAS, "Atlas Diagnostics", "seed", "2021-06-01", "", "2000000", "EUR", SEINE),
    _round(5, ATLAS, "Atlas Diagnostics", "series_a", "2026-01-20", "15000000"),
    _round(6, NIMBUS, "Nimbus Silicon", "series_a", "2022-03-03", "20000000"),
    _round(7, NIMBUS, "Nimbus Silicon", "series_d", "2026-06-30", "150000000"),
    _round(8, FALCON, "Falcon Ledger", "seed", "2019-04-04", "900000"),
    _round(9, ORBITAL, "Orbital Freight", "series_c", "2016-03-01", "40000000"),
]

ACQUISITIONS = [
    {
        "uuid": uuid(201),
        "acquiree_uuid": FALCON,
        "acquiree_name": "Falcon Ledger",
        "acquiree_country_code": "ARE",
        "acquirer_uuid": ORBITAL,
        "acquirer_name": "Orbital Freight",
        "acquirer_country_code": "USA",
        "acquisition_type": "acquisition",
        "acquired_on": "2025-02-01",
        "price_usd": "50000000",
        "price": "50000000",
        "price_currency_code": "USD",
    }
]

IPOS = [
    {
        "uuid": uuid(301),
        "org_uuid": ORBITAL,
        "org_name": "Orbital Freight",
        "country_code": "USA",
        "stock_exchange_symbol": "nasdaq",
        "stock_symbol": "ORBF",
        "went_public_on": "2024-05-01",
        "share_price_usd": "18",
        "valuation_price_usd": "2000000000",
        "money_raised_usd": "300000000",
    }
]


def _write(path: Path, rows: Iterable[Mapping[str, str]]) -> None:
    rows = list(rows)
    header = list(dict.fromkeys(k for row in rows for k in row))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, restval="")
        writer.writeheader()
        writer.writerows(rows)


def write_bulk(
    folder: Path,
    organizations: Iterable[Mapping[str, str]] = ORGANIZATIONS,
    rounds: Iterable[Mapping[str, str]] = FUNDING_ROUNDS,
    acquisitions: Iterable[Mapping[str, str]] = ACQUISITIONS,
    ipos: Iterable[Mapping[str, str]] = IPOS,
    investments: Iterable[Mapping[str, str]] = (),
    investors: Iterable[Mapping[str, str]] = (),
    funds: Iterable[Mapping[str, str]] = (),
) -> dict[str, Path]:
    """Write the bulk files of the entities given rows (an entity with no row is not written)
    into `folder`; their paths by sources-YAML key (`crunchbase_bulk.<entity>`; `rounds` are
    `funding_rounds.csv`, key `crunchbase_bulk.funding_rounds`)."""
    given = {
        "organizations": organizations,
        "funding_rounds": rounds,
        "investments": investments,
        "investors": investors,
        "acquisitions": acquisitions,
        "ipos": ipos,
        "funds": funds,
    }
    paths = {}
    for entity, rows in given.items():
        rows = list(rows)
        if rows:
            _write(folder / FILES[entity], rows)
            paths[f"crunchbase_bulk.{entity}"] = folder / FILES[entity]
    return paths


def write_bulk_sources(
    folder: Path,
    bulk: Mapping[str, Path],
    tiny_keys: Iterable[str] = ("fx_rates",),
    snapshot_date: date | None = SNAPSHOT,
    **tiny_rows,
) -> Path:
    """A sources YAML in `folder` declaring the bulk files `bulk` (from `write_bulk`), its
    snapshot date, and the tiny 2015-format files of `tiny_keys` (`tiny_sources.write_sources`,
    with `tiny_rows` passed on: companies=..., rounds=...)."""
    path = tiny.write_sources(folder, tiny_keys, **tiny_rows)
    tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    node = tree.setdefault("crunchbase_bulk", {})
    for key, file in bulk.items():
        node[key.split(".", 1)[1]] = str(file)
    if snapshot_date is not None:
        node["snapshot_date"] = snapshot_date.isoformat()
    path.write_text(yaml.safe_dump(tree, sort_keys=False), encoding="utf-8")
    return path
