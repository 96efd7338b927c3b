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

Where each part is: the vocabularies in ``sampledata/vocabulary/*.yaml`` (read by ``vocab.py``)
and the shared helpers in ``common.py``; ``companies.py``, ``rounds.py`` (rounds and exits),
``crunchbase.py`` (the Crunchbase-style tables), ``investors.py``, ``epoch.py``; this module
writes the files.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

from sampledata.bulk import write_bulk_export
from sampledata.common import DEFAULT_REFERENCE_DATE, SOURCES_YAML, _day, _write_csv_gz
from sampledata.companies import Companies, make_companies
from sampledata.crunchbase import acquisitions_table, companies_table, rounds_table
from sampledata.current import SOURCES_YAML as CURRENT_SOURCES_YAML
from sampledata.current import write_current_sources
from sampledata.decisions import SOURCES_YAML as DECISIONS_SOURCES_YAML
from sampledata.decisions import write_decisions
from sampledata.epoch import epoch_orgs, models_table, organizations_table
from sampledata.fund_performance import write_fund_performance
from sampledata.investors import investment_edges, investments_table, investor_pool
from sampledata.mapped import write_mapped_exports
from sampledata.rounds import (
    Exits,
    Rounds,
    all_rounds,
    decide_exits,
    post_ipo_rounds,
    simulate_private_rounds,
)

# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

SYNTHETIC_MD = """\
# SYNTHETIC sample data: not real companies

`sources.crunchbase2015.yaml` declares the files in the formats of the Crunchbase 2015 open
export described here; `sources.yaml`, the default sample, declares the same universe in
today's formats (a bulk export, a partner's mapped files, fund performance: `SYNTHETIC.bulk.md`).

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


BULK_SOURCES_YAML = """\
# Synthetic sample in today's provider formats (generated by `python -m sampledata.generate`):
# a Crunchbase bulk export, a partner's files read through a column mapping, fund performance
# disclosed by limited partners. Not real companies, funds or investors' deals.
crunchbase_bulk:
  organizations: crunchbase_bulk/organizations.csv.gz
  funding_rounds: crunchbase_bulk/funding_rounds.csv.gz
  investments: crunchbase_bulk/investments.csv.gz
  investors: crunchbase_bulk/investors.csv.gz
  acquisitions: crunchbase_bulk/acquisitions.csv.gz
  ipos: crunchbase_bulk/ipos.csv.gz
  funds: crunchbase_bulk/funds.csv.gz
  snapshot_date: {snapshot_date}   # the export date: `status` is read only for as_of on or after it
mapped_exports:
  - file: mapped/partner_companies.xlsx
    entity: companies
    columns:
      name: NAME
      domain: WEBSITE
      country: HQ COUNTRY
      categories: INDUSTRIES
      founded_on: LAUNCH DATE
      description: TAGLINE
  - file: mapped/partner_rounds.csv
    entity: rounds
    amount_unit: 1000000   # amounts in millions
    currency: EUR
    columns:
      company: COMPANY NAME
      announced_on: ROUND DATE
      stage: ROUND
      amount: AMOUNT (EUR M)
      investors: INVESTORS
fund_performance: fund_performance/commitments.csv.gz
epoch_models: epoch/notable_ai_models.csv.gz
epoch_organizations: epoch/epoch_organizations.csv.gz
"""

SYNTHETIC_BULK_MD = """\
# SYNTHETIC sample data in today's provider formats: not real companies

`sources.yaml` declares the files below, written by `python -m sampledata.generate` with
`--companies {companies} --seed {seed}` (`--bulk-directory {directory}`), reference date
{reference_date}, from the same synthetic universe as the files of `SYNTHETIC.md` (same companies,
rounds, exits and investors). Every value is invented; only the formats are imitated.

- `crunchbase_bulk/`: a Crunchbase bulk export (organizations, funding_rounds, investments,
  investors, acquisitions, ipos, funds; `sampledata/bulk.py`): UUID keys, ISO-3 countries,
  comma-separated category and category-group lists, employee-count ranges, text `true`/`false`
  lead flags, investor types. Defects on purpose: impossible dates (30 February, month 13),
  rounds whose `org_uuid` joins no organisation, investments whose `funding_round_uuid` joins no
  round, a fund whose `entity_uuid` joins no investor, exact duplicate rows, upper-cased UUIDs.
- `mapped/`: a partner's Dealroom-like company list (`partner_companies.xlsx`) and rounds
  (`partner_rounds.csv`, amounts in EUR millions), read through the column mapping of
  `sources.yaml` (`sampledata/mapped.py`): French and Emirati AI start-ups, some also in the
  bulk export (same domain), some only here; one round names a company the list lacks.
- `fund_performance/commitments.csv.gz`: fund performance as limited partners disclose it
  (`sampledata/fund_performance.py`): invented pension funds, managers that are investors of the
  universe (and some that are not), funds of `funds.csv`, blank sub-strategies.

The real investor names used as labels (see `SYNTHETIC.md`) keep their invented investments,
funds and fund performance here too: **all fictitious**.
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
    directory: int = 0,
    extra_per_round: float = 0.5,
) -> dict[str, Path]:
    """Write every synthetic export under out_dir and return their paths by source key.

    `directory` adds that many organisations that never raised to the bulk export only, and
    `extra_per_round` is the mean number of bulk-only co-investors per round (both for scale)."""
    if companies < 1:
        raise ValueError(f"companies must be at least 1, got {companies}")
    out, ref_day = Path(out_dir), _day(reference_date)
    streams = np.random.default_rng(seed).spawn(10)  # the first 7: today's files, unchanged
    rng_co, rng_rounds, rng_exits, rng_tables, rng_acq, rng_inv, rng_epoch = streams[:7]
    rng_bulk, rng_mapped, rng_fund_perf = streams[7:]
    comp = make_companies(rng_co, companies, ref_day)
    private, level = simulate_private_rounds(rng_rounds, comp, ref_day)
    exits = decide_exits(rng_exits, comp, private, level, ref_day)
    rounds = all_rounds(rng_rounds, comp, private, post_ipo_rounds(rng_exits, exits, ref_day))
    del private
    paths = _write_crunchbase(rng_tables, rng_acq, comp, rounds, exits, out, ref_day)
    pool = investor_pool(rng_inv, companies)
    edges = investment_edges(rng_inv, comp, rounds, pool)
    paths["investor_edges"] = _write_csv_gz(
        investments_table(rng_inv, comp, rounds, pool, edges),
        out / "investor_edges/investments.csv.gz",
    )
    paths |= _write_epoch(rng_epoch, comp, out, ref_day)
    paths |= write_current_sources(out, reference_date, paths["companies"])
    paths |= write_decisions(out)
    paths["sources"] = _write_text(
        out / "sources.crunchbase2015.yaml",
        SOURCES_YAML.format(snapshot_date=reference_date.isoformat())
        + CURRENT_SOURCES_YAML
        + DECISIONS_SOURCES_YAML,
    )
    readme = SYNTHETIC_MD.format(companies=companies, seed=seed, reference_date=reference_date)
    paths["readme"] = _write_text(out / "SYNTHETIC.md", readme)
    bulk = write_bulk_export(
        rng_bulk, comp, rounds, exits, pool, edges, out, ref_day, directory, extra_per_round
    )
    paths |= bulk.paths
    paths |= write_mapped_exports(rng_mapped, bulk, rounds, edges, pool, out, ref_day)
    paths |= write_fund_performance(rng_fund_perf, bulk.funds, pool, out, ref_day)
    paths["sources_bulk"] = _write_text(
        out / "sources.yaml",
        BULK_SOURCES_YAML.format(snapshot_date=reference_date.isoformat())
        + CURRENT_SOURCES_YAML
        + DECISIONS_SOURCES_YAML,
    )
    paths["readme_bulk"] = _write_text(
        out / "SYNTHETIC.bulk.md",
        SYNTHETIC_BULK_MD.format(
            companies=companies, seed=seed, reference_date=reference_date, directory=directory
        ),
    )
    return paths


def _parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/sample"))
    parser.add_argument("--companies", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reference-date", type=date.fromisoformat, default=DEFAULT_REFERENCE_DATE)
    parser.add_argument(
        "--bulk-directory",
        type=int,
        default=0,
        help="organisations that never raised, added to the bulk export only (for scale)",
    )
    parser.add_argument(
        "--bulk-extra-investors",
        type=float,
        default=0.5,
        help="mean number of bulk-only co-investors per round",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = _parse_args(argv)
    start = time.perf_counter()
    paths = generate(
        args.out,
        args.companies,
        args.seed,
        args.reference_date,
        args.bulk_directory,
        args.bulk_extra_investors,
    )
    for key, path in paths.items():
        print(f"{key:20s} {path}  ({path.stat().st_size:,} bytes)")
    print(f"done in {time.perf_counter() - start:.1f}s")


if __name__ == "__main__":
    main()
