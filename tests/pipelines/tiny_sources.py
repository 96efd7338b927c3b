"""Tiny provider files written at test time, in the formats of the bundled sample, and a sources
YAML declaring any subset of them: the inputs of `test_source_subsets.py`.

Eight companies (France, the UAE, Germany, the US) with rounds from 2019 to 2026, one
acquisition, a few investor edges, one Epoch AI model builder and a week of ECB rates; helpers
shrink them to one company with one round, or to companies in none of the three verticals.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable
from pathlib import Path

import yaml

from transforms.sources import SOURCE_KINDS

# the columns of the 2015 open export's companies file, in its order
COMPANY_HEADER = list(SOURCE_KINDS["crunchbase.companies"].columns)
ROUND_HEADER = [
    "company_permalink",
    "funding_round_permalink",
    "funding_round_type",
    "funding_round_code",
    "funded_at",
    "raised_amount_usd",
]
ACQUISITION_HEADER = [
    "company_permalink",
    "company_name",
    "company_category_list",
    "company_country_code",
    "company_state_code",
    "company_region",
    "company_city",
    "acquirer_permalink",
    "acquirer_name",
    "acquirer_category_list",
    "acquirer_country_code",
    "acquirer_state_code",
    "acquirer_region",
    "acquirer_city",
    "acquired_at",
    "acquired_month",
    "price_amount",
    "price_currency_code",
]
EDGE_HEADER = ["company_name", "investor_name", "funded_when", "amount_usd"]
MODEL_HEADER = [
    "Model",
    "Organization",
    "Publication date",
    "Domain",
    "Task",
    "Parameters",
    "Training compute (FLOP)",
    "Training hardware",
    "Hardware quantity",
    "Organization categorization",
    "Country (of organization)",
    "Abstract",
]
ORGANIZATION_HEADER = [
    "Organization",
    "Country",
    "Info",
    "Organization categorization",
    "All ML Systems",
]

# (slug, name, categories, country, founded) -- three verticals, two companies in none
COMPANIES = [
    ("lumen-ai", "Lumen AI", "Artificial Intelligence|Generative AI", "FRA", "2019-03-01"),
    ("sable-health", "Sable Health", "Artificial Intelligence|Health Care", "ARE", "2018-06-12"),
    ("kraft-chips", "Kraft Chips", "Semiconductors|Artificial Intelligence", "DEU", "2017-01-20"),
    ("rive-pay", "Rive Pay", "FinTech|Machine Learning", "FRA", "2020-09-01"),
    ("dune-retail", "Dune Retail", "E-Commerce", "ARE", "2016-04-02"),
    ("ruhr-freight", "Ruhr Freight", "Logistics", "DEU", "2015-11-30"),
    ("vista-vision", "Vista Vision", "Computer Vision|Software", "USA", "2016-02-14"),
    ("nord-robotics", "Nord Robotics", "Robotics|Manufacturing", "DEU", "2018-08-08"),
]
CITIES = {"FRA": "Paris", "ARE": "Dubai", "DEU": "Berlin", "USA": "San Francisco"}

# (slug, type, code, funded_at dd-mm-yyyy as in the sample, amount)
ROUNDS = [
    ("lumen-ai", "seed", "", "15-05-2019", "1500000"),
    ("lumen-ai", "venture", "A", "10-02-2022", "12000000"),
    ("lumen-ai", "venture", "B", "20-06-2026", "60000000"),
    ("sable-health", "seed", "", "01-09-2019", "800000"),
    ("sable-health", "venture", "A", "05-03-2024", "9000000"),
    ("kraft-chips", "venture", "A", "12-12-2018", "7000000"),
    ("kraft-chips", "venture", "B", "30-09-2021", "25000000"),
    ("kraft-chips", "venture", "C", "14-01-2026", "80000000"),
    ("rive-pay", "seed", "", "02-02-2021", "1200000"),
    ("rive-pay", "venture", "A", "18-07-2025", "10000000"),
    ("dune-retail", "venture", "A", "07-07-2017", "5000000"),
    ("dune-retail", "venture", "B", "03-03-2020", "20000000"),
    ("ruhr-freight", "seed", "", "11-11-2016", "600000"),
    ("ruhr-freight", "debt_financing", "", "09-09-2023", "3000000"),
    ("vista-vision", "seed", "", "04-04-2017", "900000"),
    ("vista-vision", "venture", "A", "06-06-2019", "8000000"),
    ("nord-robotics", "seed", "", "10-10-2019", "700000"),
    ("nord-robotics", "venture", "A", "21-04-2023", "6000000"),
]

# (company slug, company name, acquirer slug, acquirer name, date, price USD)
ACQUISITIONS = [
    ("vista-vision", "Vista Vision", "lumen-ai", "Lumen AI", "2025-05-01", "40000000"),
]

INVESTORS = ["Seine Ventures", "Gulf Capital Partners", "Rhein Growth Fund", "Jane Angel"]
# (company name, investor, date, round amount): edges on the rounds above
EDGES = [
    ("Lumen AI", "Seine Ventures", "2019-05-15", "1500000"),
    ("Lumen AI", "Seine Ventures", "2022-02-10", "12000000"),
    ("Lumen AI", "Gulf Capital Partners", "2026-06-20", "60000000"),
    ("Sable Health", "Gulf Capital Partners", "2024-03-05", "9000000"),
    ("Sable Health", "Jane Angel", "2019-09-01", "800000"),
    ("Kraft Chips", "Rhein Growth Fund", "2018-12-12", "7000000"),
    ("Kraft Chips", "Rhein Growth Fund", "2026-01-14", "80000000"),
    ("Rive Pay", "Seine Ventures", "2025-07-18", "10000000"),
    ("Dune Retail", "Gulf Capital Partners", "2020-03-03", "20000000"),
    ("Ruhr Freight", "Rhein Growth Fund", "2016-11-11", "600000"),
    ("Vista Vision", "Seine Ventures", "2019-06-06", "8000000"),
    ("Nord Robotics", "Rhein Growth Fund", "2023-04-21", "6000000"),
    ("Nord Robotics", "Seine Ventures", "2023-04-21", "6000000"),
]

MODELS = [
    [
        "Lumen-1",
        "Lumen AI",
        "2025-09-01",
        "Language",
        "Language modeling/generation",
        "7000000000.0",
        "3e+23",
        "NVIDIA H100 SXM5 80GB",
        "1024.0",
        "Industry",
        "France",
        "A small open model.",
    ]
]
ORGANIZATIONS = [["Lumen AI", "France", "", "Industry", "Lumen-1"]]
FX_HEADER = ["Date", "USD", "GBP", "JPY"]
FX_DAYS = [  # ECB fixings, newest first as the ECB publishes them
    ("2026-11-03", "1.1580", "0.8790", "178.20"),
    ("2026-06-19", "1.1500", "0.8500", "170.00"),
    ("2021-01-04", "1.2296", "0.9005", "126.62"),
    ("2016-01-04", "1.0898", "0.7400", "131.07"),
]

KEYS = {
    "crunchbase.companies": "crunchbase/companies.csv.gz",
    "crunchbase.rounds": "crunchbase/rounds2.csv.gz",
    "crunchbase.acquisitions": "crunchbase/acquisitions.csv.gz",
    "investor_edges": "investor_edges/investments.csv.gz",
    "epoch_models": "epoch/notable_ai_models.csv.gz",
    "epoch_organizations": "epoch/epoch_organizations.csv.gz",
    "fx_rates": "fx/eurofxref-hist.csv.gz",
}
OPTIONAL_KEYS = [k for k in KEYS if k != "crunchbase.companies"]


def _write(path: Path, header: list[str], rows: Iterable[Iterable[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def company_rows(companies: list[tuple]) -> list[list[str]]:
    rows = []
    for slug, name, categories, country, founded in companies:
        dates = sorted(
            (r[3][6:] + "-" + r[3][3:5] + "-" + r[3][:2]) for r in ROUNDS if r[0] == slug
        )
        rows.append(
            [
                f"/organization/{slug}",
                name,
                f"http://www.{slug}.example",
                categories,
                "-",
                "operating",
                country,
                "",
                CITIES[country],
                CITIES[country],
                str(len(dates)),
                founded,
                dates[0] if dates else "",
                dates[-1] if dates else "",
            ]
        )
    return rows


def write_sources(
    folder: Path,
    keys: Iterable[str] = KEYS,
    companies: list[tuple] = COMPANIES,
    rounds: list[tuple] = ROUNDS,
) -> Path:
    """Write the files of `keys` (only the rows of `companies` and their rounds, acquisitions,
    edges and models) into `folder`, and a `sources.yaml` declaring exactly those keys."""
    keys = list(keys)
    slugs = {c[0] for c in companies}
    names = {c[1] for c in companies}
    rows = {
        "crunchbase.companies": (COMPANY_HEADER, company_rows(companies)),
        "crunchbase.rounds": (
            ROUND_HEADER,
            [
                [f"/organization/{slug}", f"/funding-round/{slug}-{i}", kind, code, day, amount]
                for i, (slug, kind, code, day, amount) in enumerate(rounds)
                if slug in slugs
            ],
        ),
        "crunchbase.acquisitions": (
            ACQUISITION_HEADER,
            [
                [
                    *(f"/organization/{t}", tn, "", "USA", "", "", ""),
                    *(f"/organization/{a}", an, "", "FRA", "", "Paris", "Paris"),
                    *(day, day[:7], price, "USD"),
                ]
                for t, tn, a, an, day, price in ACQUISITIONS
                if t in slugs and a in slugs
            ],
        ),
        "investor_edges": (EDGE_HEADER, [e for e in EDGES if e[0] in names]),
        "epoch_models": (MODEL_HEADER, [m for m in MODELS if m[1] in names]),
        "epoch_organizations": (ORGANIZATION_HEADER, [o for o in ORGANIZATIONS if o[0] in names]),
        "fx_rates": (FX_HEADER, FX_DAYS),
    }
    tree: dict = {}
    for key in keys:
        header, body = rows[key]
        # a declared file with no data row stops the run (tests/pipelines/test_bad_input.py):
        # a source with nothing to say about these companies is left undeclared
        if not body:
            continue
        _write(folder / KEYS[key], header, body)
        *parents, leaf = key.split(".")
        node = tree
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = KEYS[key]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump(tree, sort_keys=False), encoding="utf-8")
    return path
