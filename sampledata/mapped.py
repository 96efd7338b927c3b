"""A partner's download in its own columns, read through a user-written mapping
(`mapped_exports:`): a Dealroom-like company list as an Excel workbook and its rounds as CSV.

`mapped/partner_companies.xlsx` (NAME, WEBSITE, HQ COUNTRY, INDUSTRIES, LAUNCH DATE, TAGLINE)
holds French and Emirati AI start-ups: some are companies of the bulk export (same web domain,
written another way, the name sometimes in capitals), the others exist only here.
`mapped/partner_rounds.csv` (COMPANY NAME, ROUND DATE, ROUND, AMOUNT (EUR M), INVESTORS) holds
their rounds: for the bulk companies their latest rounds again (the same round in two sources),
for the others rounds of the last two years; investors as a text list. Countries are names or
ISO-2 codes, launch dates date cells, years or text, round dates ISO or DD/MM/YYYY; one round
names a company the list does not have.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

from sampledata.bulk import EUR_PER_USD, BulkExport
from sampledata.common import (
    AI_FORMS,
    ARE,
    EMIRATI_INVESTORS,
    FRA,
    FRENCH_INVESTORS,
    IPO,
    OPERATING,
    RT,
)
from sampledata.companies import ROOTS
from sampledata.rounds import Rounds
from sampledata.vocab import vocabulary

FOLDER = "mapped"
COMPANY_HEADER = ("NAME", "WEBSITE", "HQ COUNTRY", "INDUSTRIES", "LAUNCH DATE", "TAGLINE")
ROUND_HEADER = ("COMPANY NAME", "ROUND DATE", "ROUND", "AMOUNT (EUR M)", "INVESTORS")
IN_BULK, ONLY_HERE = 14, 10
COUNTRY_TEXT = {FRA: ("France", "FR"), ARE: ("United Arab Emirates", "AE")}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_TIME = datetime(2026, 1, 1)
TAGLINES = (
    "AI copilots for {a}",
    "Foundation models for {a}",
    "Computer vision for {a}",
    "Predictive analytics for {a}",
    "Arabic and French language models for {a}",
    "Agentic automation for {a}",
)


def write_xlsx(path: Path, header: tuple[str, ...], rows: list[tuple]) -> Path:
    """A one-sheet workbook whose bytes depend only on its cells (fixed document dates and zip
    entry times)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Companies"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.properties.created = book.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    book.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps `modified` at save
                data = _fixed_core(data)
            dst.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return path


def _fixed_core(xml: bytes) -> bytes:
    import re

    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(
        rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\2", xml
    )


def _website(rng: np.random.Generator, domain: str) -> str:
    style = int(rng.integers(0, 4))
    return (
        f"https://{domain}/",
        f"www.{domain}",
        f"http://www.{domain}/about",
        domain,
    )[style]


def _launch(rng: np.random.Generator, day: int) -> object:
    """A date cell, a year number or 'YYYY-MM' text."""
    when = datetime(1970, 1, 1) + np.timedelta64(int(day), "D").astype(object)
    style = rng.random()
    return when if style < 0.5 else (when.year if style < 0.8 else f"{when.year}-{when.month:02d}")


def _round_label(rounds: Rounds, i: int) -> str:
    code, kind = int(rounds.code[i]), int(rounds.kind[i])
    if kind in (RT["seed"], RT["angel"]):
        return "SEED"
    if code == 1:
        return "SERIES A"
    if code == 2:
        return "SERIES B"
    if code >= 3:
        return "LATE VC"
    if kind == RT["private_equity"]:
        return "GROWTH EQUITY VC"
    return "EARLY VC"


def _date_text(rng: np.random.Generator, day: int) -> str:
    d = np.datetime64(int(day), "D").astype(object)
    return d.isoformat() if rng.random() < 0.6 else d.strftime("%d/%m/%Y")


def _amount_text(usd: float) -> str | None:
    return None if not np.isfinite(usd) else f"{usd * EUR_PER_USD / 1e6:.1f}"


def _bulk_companies(rng: np.random.Generator, bulk: BulkExport) -> np.ndarray:
    orgs = bulk.orgs
    comp, n = orgs.comp, orgs.universe
    ok = (
        comp.ai[:n]
        & np.isin(comp.country[:n], (FRA, ARE))
        & np.isin(orgs.status[:n], (OPERATING, IPO))
    )
    pool = np.flatnonzero(ok)
    return np.sort(rng.choice(pool, size=min(IN_BULK, pool.size), replace=False))


def _new_names(rng: np.random.Generator, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < ONLY_HERE:
        root = str(ROOTS[int(rng.integers(0, len(ROOTS)))])
        name = root + AI_FORMS[int(rng.integers(0, len(AI_FORMS)))]
        if name not in taken and name.lower().replace(" ", "") not in taken:
            names.append(name)
            taken.add(name)
    return names


def write_mapped_exports(
    rng: np.random.Generator,
    bulk: BulkExport,
    rounds: Rounds,
    edges: tuple[np.ndarray, np.ndarray],
    pool: pl.Series,
    out: Path,
    ref_day: int,
) -> dict[str, Path]:
    folder = out / FOLDER
    audiences = vocabulary("bulk")["audiences"]
    labels = vocabulary("bulk")["partner_rounds"]
    orgs, comp = bulk.orgs, bulk.orgs.comp
    companies: list[tuple] = []
    round_rows: list[tuple] = []
    edge_round, edge_investor = edges
    for i in _bulk_companies(rng, bulk):
        name = comp.name[int(i)]
        shown = name.upper() if rng.random() < 0.3 else name
        country = COUNTRY_TEXT[int(comp.country[i])][int(rng.integers(0, 2))]
        cats = comp.categories[int(i)] or "Artificial Intelligence"
        tagline = TAGLINES[int(rng.integers(0, len(TAGLINES)))].format(
            a=audiences[int(rng.integers(0, len(audiences)))]
        )
        companies.append(
            (
                shown,
                _website(rng, orgs.slug[int(i)] + ".example"),
                country,
                ", ".join(c.lower() for c in cats.split("|")),
                _launch(rng, int(comp.founded[i])),
                tagline,
            )
        )
        mine = np.flatnonzero(rounds.company == i)[-2:]
        for r in mine:
            investors = pool.gather(edge_investor[edge_round == r]).to_list()
            round_rows.append(
                (
                    shown,
                    _date_text(rng, int(rounds.day[r])),
                    _round_label(rounds, int(r)),
                    _amount_text(float(rounds.amount[r])),
                    ", ".join(investors) or None,
                )
            )
    named = [n for n, _ in (*FRENCH_INVESTORS, *EMIRATI_INVESTORS)]
    taken = set(comp.name.head(orgs.universe).to_list()) | set(orgs.slug.to_list())
    for name in _new_names(rng, taken):
        country_code = FRA if rng.random() < 0.55 else ARE
        domain = name.lower().replace(" ", "-") + ".example"
        founded = ref_day - int(rng.integers(365, 6 * 365))
        companies.append(
            (
                name,
                _website(rng, domain),
                COUNTRY_TEXT[country_code][int(rng.integers(0, 2))],
                "artificial intelligence, " + audiences[int(rng.integers(0, len(audiences)))],
                _launch(rng, founded),
                TAGLINES[int(rng.integers(0, len(TAGLINES)))].format(
                    a=audiences[int(rng.integers(0, len(audiences)))]
                ),
            )
        )
        day = max(founded + 200, ref_day - int(rng.integers(30, 700)))
        for k in range(int(rng.integers(1, 3))):
            backers = rng.choice(len(named), size=int(rng.integers(1, 4)), replace=False)
            round_rows.append(
                (
                    name,
                    _date_text(rng, min(day + 300 * k, ref_day)),
                    labels[min(k, 1)],
                    f"{float(rng.uniform(0.8, 15.0)):.1f}",
                    ", ".join(named[b] for b in sorted(backers)),
                )
            )
    round_rows.append(
        ("Nowhere Listed AI", _date_text(rng, ref_day - 90), "SEED", "1.2", "Kima Ventures")
    )
    rounds_path = folder / "partner_rounds.csv"
    folder.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(round_rows, schema=list(ROUND_HEADER), orient="row").write_csv(rounds_path)
    return {
        "mapped.companies": write_xlsx(
            folder / "partner_companies.xlsx", COMPANY_HEADER, companies
        ),
        "mapped.rounds": rounds_path,
    }
