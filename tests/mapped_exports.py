"""Provider downloads read through a column mapping (`mapped_exports:`), written at test time: a
Dealroom-like companies workbook and rounds CSV (amounts in EUR millions), and a PitchBook-like
deals CSV (Deal Size in USD millions) with an investments CSV. Countries come as names, ISO-2
and ISO-3 codes. The staging tests and the whole-graph run read the same files."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

DEALROOM_COMPANIES = [
    ["NAME", "WEBSITE", "HQ COUNTRY", "INDUSTRIES", "LAUNCH DATE", "TAGLINE"],
    [
        "Lumière AI",
        "https://www.lumiere-ai.example/about",
        "France",
        "Artificial Intelligence; Health",
        2021,
        "Generative models for radiology",
    ],
    [
        "Falcon Robotics",
        "falcon-robotics.example",
        "AE",
        "Robotics, Artificial Intelligence",
        "2019-05",
        "Warehouse robots",
    ],
    [
        "Oryx Chips",
        "oryx-chips.example",
        "ARE",
        "Semiconductors|Artificial Intelligence",
        datetime(2020, 3, 1),
        "AI inference chips",
    ],
    ["Paris Pay", "parispay.example", "FR", "FinTech", None, "Payments for merchants"],
    [None, "nameless.example", "FRA", "Software", 2018, "A row with no name"],
    ["Atlantis Labs", "atlantis.example", "Atlantis", "Software", "2099-01-01", "Nowhere"],
    # the same domain as the 2015-format company `lumen-ai` (http://www.lumen-ai.example)
    ["Lumen", "lumen-ai.example", "FRA", "Generative AI", 2019, "Open language models"],
]
DEALROOM_ROUNDS = [
    ["COMPANY NAME", "ROUND DATE", "ROUND", "AMOUNT (EUR M)", "INVESTORS"],
    ["Lumière AI", "2022-03-15", "SEED", "2.5", "Partech; Kima Ventures"],
    ["Lumière AI", "2024-06-03", "Series A1", "12,5", "Partech, Mubadala Capital | Eurazeo"],
    ["Falcon Robotics", "03/2023", "Early VC", "€3.4M", "Shorooq Partners"],
    ["Oryx Chips", "2023-09-11", "Mystery round", "1,200", ""],
    ["", "2023-01-02", "Seed", "1", "Nobody"],
    ["Paris Pay", "not a date", "Seed", "1", ""],
    ["Paris Pay", "2023-02-01", "Seed", "lots", "Kima Ventures"],
]
PITCHBOOK_DEALS = [
    [
        "Deal ID",
        "Companies",
        "Company ID",
        "HQ Location",
        "Deal Date",
        "Deal Type",
        "VC Round",
        "Deal Size",
        "Investors",
        "Lead Investors",
    ],
    [
        "98765-43T",
        "Oryx Chips",
        "12345-67",
        "United Arab Emirates",
        "2025-01-15",
        "Later Stage VC",
        "Series B",
        "20.00",
        "Mubadala Capital, Sequoia Capital, Inc.",
        "Mubadala Capital",
    ],
    [
        "11111-11T",
        "Desert Vision",
        "55555-55",
        "UAE",
        "11/29/2024",
        "Seed Round",
        "1st Round",
        "1.5",
        "Jane Angel",
        "",
    ],
]
PITCHBOOK_INVESTMENTS = [
    ["Investor", "Companies", "Deal ID", "Lead/Sole Investor"],
    ["Gulf Capital Partners", "Oryx Chips", "98765-43T", "Yes"],
    ["Jane Angel", "Desert Vision", "11111-11T", "No"],
    ["Atlas Fund", "Desert Vision", "00000-00T", "perhaps"],
    ["", "Desert Vision", "11111-11T", "No"],
]


def _csv(path: Path, rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def write_mapped_exports(folder: Path) -> list[dict]:
    """The four files in `folder` and their `mapped_exports:` items (paths relative to it)."""
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    sheet = book.active
    for row in DEALROOM_COMPANIES:
        sheet.append(row)
    book.save(folder / "dealroom_companies.xlsx")
    _csv(folder / "dealroom_rounds.csv", DEALROOM_ROUNDS)
    _csv(folder / "pitchbook_deals.csv", PITCHBOOK_DEALS)
    _csv(folder / "pitchbook_investments.csv", PITCHBOOK_INVESTMENTS)
    return [
        {
            "file": "dealroom_companies.xlsx",
            "entity": "companies",
            "columns": {
                "name": "NAME",
                "domain": "WEBSITE",
                "country": "HQ COUNTRY",
                "categories": "INDUSTRIES",
                "founded_on": "LAUNCH DATE",
                "description": "TAGLINE",
            },
        },
        {
            "file": "dealroom_rounds.csv",
            "entity": "rounds",
            "amount_unit": 1000000,
            "currency": "EUR",
            "columns": {
                "company": "COMPANY NAME",
                "announced_on": "ROUND DATE",
                "stage": "ROUND",
                "amount": "AMOUNT (EUR M)",
                "investors": "INVESTORS",
            },
        },
        {
            "file": "pitchbook_deals.csv",
            "entity": "rounds",
            "amount_unit": 1000000,
            "columns": {
                "round_id": "Deal ID",
                "company": "Companies",
                "company_id": "Company ID",
                "company_country": "HQ Location",
                "announced_on": "Deal Date",
                "stage": "Deal Type",
                "amount": "Deal Size",
                "investors": "Investors",
                "lead_investors": "Lead Investors",
            },
        },
        {
            "file": "pitchbook_investments.csv",
            "entity": "investments",
            "columns": {
                "investor": "Investor",
                "company": "Companies",
                "round_id": "Deal ID",
                "is_lead": "Lead/Sole Investor",
            },
        },
    ]
