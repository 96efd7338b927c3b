"""The bundled sample in today's provider formats: the Crunchbase bulk export, the mapped partner
files and the fund-performance disclosures (data/sample/sources.yaml), all generated from
the same synthetic universe as the 2015-format files."""

import filecmp
import gzip

import polars as pl
import pytest

from sampledata.generate import generate
from tests.helpers import DEFAULT_SAMPLE_SOURCES
from transforms.ingest import raw_frame
from transforms.mapped import mapped_raw_frame
from transforms.sources import MAPPED_KINDS, SOURCE_KINDS, load_sources

BULK_SOURCES = DEFAULT_SAMPLE_SOURCES
BULK_KINDS = {k for k in SOURCE_KINDS if k.startswith("crunchbase_bulk.")}
SHARED_COLUMNS = ("uuid", "name", "type", "permalink", "cb_url", "rank", "created_at", "updated_at")


@pytest.fixture(scope="module")
def bulk():
    sources = load_sources(BULK_SOURCES)
    return {
        kind.removeprefix("crunchbase_bulk."): pl.read_csv(path, infer_schema=False)
        for kind, path in sources.files.items()
        if kind in BULK_KINDS
    }


def _header(path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return f.readline().rstrip("\n").split(",")


def test_bulk_yaml_declares_every_new_kind_and_today_s_current_files():
    sources = load_sources(BULK_SOURCES)
    assert BULK_KINDS | {"fund_performance", "epoch_models", "chip_startups"} <= set(sources.files)
    assert not {"crunchbase.companies", "crunchbase.rounds", "investor_edges"} & set(sources.files)
    assert sources.snapshot_dates["crunchbase_bulk"].isoformat() == "2026-10-31"
    assert [m.entity for m in sources.mapped] == ["companies", "rounds"]
    for kind, path in sources.files.items():
        assert raw_frame(SOURCE_KINDS[kind], path)[0].height > 0, kind


def test_files_carry_every_column_of_their_kind():
    sources = load_sources(BULK_SOURCES)
    for kind in (*BULK_KINDS, "fund_performance"):
        header = _header(sources.get(kind))
        assert set(SOURCE_KINDS[kind].columns) <= set(header), kind
        if kind in BULK_KINDS:  # every entity file starts with the shared columns
            assert header[:8] == list(SHARED_COLUMNS), kind
    for entity in ("companies", "rounds"):
        frame, _ = mapped_raw_frame(entity, sources.mapped_of(entity))
        mapped = {c for m in sources.mapped_of(entity) for c in m.columns}
        assert frame.height > 0
        assert mapped <= set(MAPPED_KINDS[entity].columns)
        nulls = frame.select(sorted(mapped)).null_count().row(0, named=True)
        assert all(n < frame.height for n in nulls.values()), nulls  # every mapped column read


def test_bulk_values_have_the_export_s_styles(bulk):
    orgs, rounds, inv = bulk["organizations"], bulk["funding_rounds"], bulk["investments"]
    uuid = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    assert orgs["uuid"].str.contains(uuid).all()
    assert orgs["country_code"].drop_nulls().str.len_chars().eq(3).all()
    assert {"FRA", "ARE", "USA", "ROU"} <= set(orgs["country_code"].drop_nulls())
    assert not {"ROM", "BAH"} & set(orgs["country_code"].drop_nulls())
    assert orgs["category_list"].str.contains(",", literal=True).sum() > 100
    assert (
        orgs["category_groups_list"].str.contains("Artificial Intelligence (AI)", literal=True)
    ).sum() > 100
    assert set(orgs["employee_count"].drop_nulls()) <= {
        "1-10", "11-50", "51-100", "101-250", "251-500", "501-1000", "1001-5000", "5001-10000",
        "10001+", "unknown",
    }  # fmt: skip
    assert orgs["short_description"].drop_nulls().len() > 0.8 * orgs.height
    assert set(inv["is_lead_investor"]) == {"true", "false"}
    assert set(inv["investor_type"]) == {"organization", "person"}
    assert (
        rounds["investment_type"].is_in(["series_a", "series_b", "seed", "series_unknown"]).sum()
        > 0
    )
    types = bulk["investors"]["investor_types"].drop_nulls()
    assert types.str.contains("venture_capital").any() and types.str.contains("angel").any()
    assert types.str.contains(",", literal=True).any()
    # leads of a round are investors marked lead in it
    leads = (
        rounds.select("uuid", pl.col("lead_investor_uuids").str.split(","))
        .explode("lead_investor_uuids")
        .drop_nulls()
    )
    marked = inv.filter(pl.col("is_lead_investor") == "true").select(
        pl.col("funding_round_uuid").str.to_lowercase().alias("uuid"),
        pl.col("investor_uuid").alias("lead_investor_uuids"),
    )
    assert leads.height > 100
    assert leads.join(marked, on=["uuid", "lead_investor_uuids"], how="anti").height == 0


def test_bulk_defects_staging_must_catch(bulk):
    orgs, rounds, inv = bulk["organizations"], bulk["funding_rounds"], bulk["investments"]
    org_ids = orgs["uuid"].unique().implode()
    orphan_rounds = rounds.filter(~pl.col("org_uuid").str.to_lowercase().is_in(org_ids))
    assert 1 <= orphan_rounds.height <= 10
    assert rounds["org_uuid"].str.contains("[A-F]").any()  # upper-cased relations
    round_ids = rounds["uuid"].unique().implode()
    orphan_inv = inv.filter(~pl.col("funding_round_uuid").str.to_lowercase().is_in(round_ids))
    assert 1 <= orphan_inv.height <= 10
    for frame in (orgs, rounds, inv):
        assert 1 <= frame.is_duplicated().sum() <= 10
    for frame, column in ((orgs, "founded_on"), (rounds, "announced_on")):
        bad = (
            frame[column].str.to_date("%Y-%m-%d", strict=False).is_null()
            & frame[column].is_not_null()
        )
        assert bad.sum() >= 2, column
    funds = bulk["funds"]
    assert (~funds["entity_uuid"].is_in(bulk["investors"]["uuid"].implode())).sum() == 1


def test_partner_files_mix_bulk_companies_and_new_ones(bulk):
    sources = load_sources(BULK_SOURCES)
    companies, _ = mapped_raw_frame("companies", sources.mapped_of("companies"))
    domain = (
        companies["domain"]
        .str.replace(r"^https?://", "")
        .str.replace(r"^www\.", "")
        .str.replace(r"/.*$", "")
    )
    in_bulk = domain.is_in(bulk["organizations"]["domain"].drop_nulls().implode())
    assert 5 <= in_bulk.sum() < companies.height
    assert set(companies["country"]) == {"France", "FR", "United Arab Emirates", "AE"}
    assert companies["founded_on"].str.contains(r"^\d{4}-\d{2}-\d{2}$").any()
    assert companies["founded_on"].str.contains(r"^\d{4}$").any()
    rounds, _ = mapped_raw_frame("rounds", sources.mapped_of("rounds"))
    assert set(rounds["amount_unit"]) == {"1000000.0"} and set(rounds["default_currency"]) == {
        "EUR"
    }
    assert rounds["investors"].str.contains(", ", literal=True).any()
    assert not rounds["company"].is_in(companies["name"].implode()).all()


def test_fund_performance_managers_are_partly_the_universe_s(bulk):
    commitments = pl.read_csv(
        load_sources(BULK_SOURCES).get("fund_performance"), infer_schema=False
    )
    managers = commitments["general_partner"].unique()
    known = managers.is_in(bulk["investors"]["name"].implode())
    assert 0 < known.sum() < managers.len()
    assert commitments["fund_name"].is_in(bulk["funds"]["name"].implode()).any()
    per_fund = commitments.group_by("fund_name").agg(pl.col("pension_fund_name").n_unique())
    assert per_fund["pension_fund_name"].max() >= 2
    assert commitments["sub_strategy"].null_count() > 0
    assert (commitments["as_of_date"] < "2026-10-31").all()
    assert (commitments["as_of_date"] > "2026-01-01").all()


def test_bulk_export_scales_and_follows_the_seed(tmp_path):
    small = generate(tmp_path / "a", companies=1500)
    again = generate(tmp_path / "b", companies=1500)
    other = generate(tmp_path / "c", companies=1500, seed=7)
    wide = generate(tmp_path / "d", companies=3000, directory=2000, extra_per_round=2.0)
    for key in (*BULK_KINDS, "mapped.companies", "mapped.rounds", "fund_performance"):
        assert filecmp.cmp(small[key], again[key], shallow=False), key
    assert not filecmp.cmp(
        small["crunchbase_bulk.organizations"],
        other["crunchbase_bulk.organizations"],
        shallow=False,
    )

    def rows(paths, kind):
        return pl.read_csv(paths[kind], infer_schema=False).height

    assert 1500 <= rows(small, "crunchbase_bulk.organizations") <= 1502
    assert 5000 <= rows(wide, "crunchbase_bulk.organizations") <= 5002
    small_rounds = rows(small, "crunchbase_bulk.funding_rounds")
    assert 1.5 * small_rounds < rows(wide, "crunchbase_bulk.funding_rounds") < 2.6 * small_rounds
    per_round = rows(wide, "crunchbase_bulk.investments") / rows(
        wide, "crunchbase_bulk.funding_rounds"
    )
    assert per_round > rows(small, "crunchbase_bulk.investments") / small_rounds + 1.0
