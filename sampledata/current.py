"""SYNTHETIC files in the formats of the current sources: the semiconductor start-ups list and its
exits (A. Olofsson's `startups.csv`, `alumni.csv`) and Epoch AI's AI companies and their funding
rounds (`ai_companies.csv`, `ai_companies_funding_rounds.csv`).

A handful of invented rows, written as they are (no random draw): French and Emirati chip
start-ups and model builders with 2024–2026 rounds, one chip company that is also in the
synthetic Crunchbase file (same homepage domain, another spelling of its name), and the quirks
of the real files (`UK` for the United Kingdom, a garbled exit year, M/D/YYYY dates, multi-line
quoted notes, a round reported twice, rounds still in discussion, a secondary sale, a row shifted
by one column) plus one bad row per file for the quarantine.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

FOLDER = "current"

SOURCES_YAML = """\
# Current-source formats (sampledata/current.py): semiconductor start-ups list and its exits,
# Epoch AI companies and their funding rounds. Synthetic too.
chip_startups: current/startups.csv
chip_exits: current/alumni.csv
epoch_funding_rounds: current/ai_companies_funding_rounds.csv
epoch_companies: current/ai_companies.csv
"""

README = """\
# Synthetic current-source files

Written by `sampledata/current.py` (called by `python -m sampledata.generate`), reference date
{reference_date}. Every row is **invented**; only the formats of the real files are imitated: the
semiconductor start-ups list and its exits (A. Olofsson, "Database of Awesome Semiconductor
Startups", github.com/aolofsson/awesome-semiconductor-startups) and Epoch AI's AI companies and
funding rounds (epoch.ai/data). Domains use the reserved `.example` TLD. `{crunchbase_name}` is a
company of the synthetic Crunchbase file listed again under another spelling, to exercise the
entity merge. Quirks on purpose: `UK` as a country code, an exit year `270`, a blank company name,
an amount that is not a number, a round reported twice, rounds in discussion, a secondary sale,
a row shifted by one column (a year as the country, the description as the year).
"""

STARTUP_COLUMNS = ("Company", "Website", "Technology", "Country", "Founded", "Description")
STARTUPS = [
    ("Siliciel Neural", "siliciel-neural.example", "AI", "FR", "2023", "AI inference accelerators for the edge"),
    ("Photonique Calcul", "photonique-calcul.example", "PHOTONICS", "FR", "2021", "Optical interconnect for AI clusters"),
    ("Vigne EDA", "vigne-eda.example", "EDA", "FR", "2024", "Agentic chip design automation"),
    ("Falcon Silicon", "falcon-silicon.example", "AI", "AE", "2024", "AI training chips"),
    ("Oasis RISC", "oasis-risc.example", "RISC-V", "AE", "2022", "RISC-V cores for data centres"),
    ("Thames Photonics", "thames-photonics.example", "PHOTONICS", "UK", "2019", "Silicon photonics transceivers"),
    ("Gulf Wafer", "gulf-wafer.example", "MFG", "AE", "2016", "Advanced packaging"),
    ("", "no-name.example", "AI", "FR", "2022", "A row with no company name"),
    ("Shifted Sim", "shifted-sim.example", "EDA", "2025", "fast circuit simulation", ""),
]  # fmt: skip

ALUMNI_COLUMNS = ("Company", "Exit", "Year", "Value($M)", "Link")
ALUMNI = [
    ("Gulf Wafer", "IPO", "2025", "300", "https://news.example/gulf-wafer-ipo"),
    ("Loire Logic", "Bigchip Corp", "2024", "NA", "https://news.example/loire-logic"),
    ("Nubia Optics", "Lightwave Networks", "270", "2025", "https://news.example/nubia-optics"),
    ("Brume Analog", "Shutdown", "2023", "NA", "https://news.example/brume-analog"),
]  # fmt: skip

ROUND_COLUMNS = (
    "Id", "Company", "Close date", "Status", "Funding (equity)", "Funding (debt)",
    "Valuation (post-money)", "Report date", "Notes", "Type", "Confidence", "Exclude from graph view",
)  # fmt: skip
ROUNDS = [
    ("Mar 2024 Seed", "Lumière Models", "3/14/2024", "Closed", "40000000", "", "160000000", "3/20/2024",
     "Seed led by a synthetic fund.\nSecond line of the note.", "Primary", "Confident", "TRUE"),
    ("Sep 2025 Series A", "Lumière Models", "9/30/2025", "Closed", "200000000", "", "1200000000", "10/2/2025",
     "Series A, \"quoted\" words.", "Primary", "Likely", "TRUE"),
    ("Sep 2025 200M", "Lumière Models", "9/30/2025", "Closed", "200000000", "", "1200000000", "10/5/2025",
     "The same round reported again.", "Primary", "Likely", ""),
    ("2026 tender", "Lumière Models", "4/1/2026", "Closed", "0", "", "2000000000", "4/1/2026",
     "Employees sell shares.", "Secondary", "Uncertain", ""),
    ("Series B talks", "Lumière Models", "", "Late discussions", "500000000", "", "4000000000", "10/20/2026",
     "Reported in discussion.", "Primary", "Uncertain", ""),
    ("Jun 2025 Seed", "Sable AI", "6/2/2025", "Closed", "25000000", "", "", "6/2/2025",
     "", "Primary", "Confident", ""),
    ("Jan 2026 Series A", "Sable AI", "1/20/2026", "Closed", "80000000", "40000000", "700000000", "1/22/2026",
     "Equity and a credit line.", "Primary,Debt", "Likely", ""),
    ("Feb 2026 bridge", "Sable AI", "2/15/2026", "Closed", "about 10M", "", "", "2/15/2026",
     "Amount given in words.", "Primary", "Uncertain", ""),
]  # fmt: skip

COMPANY_COLUMNS = (
    "Name", "Organization (from Organizations)", "Company type", "Product Domain(s)",
    "Founding date", "Founding source/notes",
)  # fmt: skip
COMPANIES = [
    ("Lumière Models", "Lumière Models", "Foundation", "Language,Vision", "2/1/2023", "https://news.example/lumiere"),
    ("Sable AI", "Sable AI", "Foundation", "Language", "11/15/2024", "https://news.example/sable"),
]  # fmt: skip


def _write(rows: list[tuple[str, ...]], columns: tuple[str, ...], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = pl.DataFrame([list(r) for r in rows], schema=list(columns), orient="row")
    frame = frame.with_columns(pl.all().replace("", None))
    frame.write_csv(path)
    return path


def crunchbase_chip_company(companies_csv: Path) -> tuple[str, str]:
    """(name, homepage) of the first operating French semiconductor company of the synthetic
    Crunchbase file (by permalink): the chip list names it too, spelled in capitals. A small
    sample without one falls back to any French, then any company with a homepage."""
    companies = pl.read_csv(companies_csv, infer_schema=False)
    site = pl.col("homepage_url").is_not_null()
    french = pl.col("country_code") == "FRA"
    chip = pl.col("category_list").str.contains("Semiconductor") & french
    for rule in (chip & (pl.col("status") == "operating") & site, french & site, site):
        chosen = companies.filter(rule).sort("permalink")
        if chosen.height:
            row = chosen.row(0, named=True)
            return row["name"], row["homepage_url"]
    raise ValueError(f"{companies_csv}: no company with a homepage to list as a chip start-up")


def write_current_sources(out: Path, reference_date: date, companies_csv: Path) -> dict[str, Path]:
    """Write the four current-source files (and their README) under `out/current`."""
    folder = out / FOLDER
    name, homepage = crunchbase_chip_company(companies_csv)
    domain = homepage.split("//", 1)[-1].removeprefix("www.")
    startups = [
        *STARTUPS,
        (name.upper(), domain, "AI", "FR", "2023", "Listed by the chip list and by Crunchbase"),
    ]
    paths = {
        "chip_startups": _write(startups, STARTUP_COLUMNS, folder / "startups.csv"),
        "chip_exits": _write(ALUMNI, ALUMNI_COLUMNS, folder / "alumni.csv"),
        "epoch_funding_rounds": _write(
            ROUNDS, ROUND_COLUMNS, folder / "ai_companies_funding_rounds.csv"
        ),
        "epoch_companies": _write(COMPANIES, COMPANY_COLUMNS, folder / "ai_companies.csv"),
    }
    readme = README.format(reference_date=reference_date, crunchbase_name=name)
    (folder / "SYNTHETIC.md").write_text(readme, encoding="utf-8")
    paths["current_readme"] = folder / "SYNTHETIC.md"
    return paths
