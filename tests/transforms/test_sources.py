from datetime import date

import pytest

from transforms.sources import SourcesConfigError, load_sources


def test_relative_paths_resolve_against_the_yaml_folder(tmp_path):
    (tmp_path / "sub").mkdir()
    yml = tmp_path / "sub" / "sources.yaml"
    yml.write_text(
        "crunchbase:\n  companies: ../c.csv\n  snapshot_date: 2015-12-04\ninvestor_edges: /abs/e.csv\n"
    )
    sources = load_sources(yml)
    assert sources.get("crunchbase.companies") == (tmp_path / "c.csv").resolve()
    assert str(sources.get("investor_edges")) == "/abs/e.csv"
    assert sources.snapshot_dates == {"crunchbase": date(2015, 12, 4)}
    assert sources.get("epoch_models") is None
    assert sources.drop_folders == {}


def test_a_rounds_drop_folder_resolves_like_a_file(tmp_path):
    yml = tmp_path / "sources.yaml"
    yml.write_text("crunchbase:\n  rounds: r.csv\n  rounds_drops: drops/rounds\n")
    sources = load_sources(yml)
    assert sources.drop_folders == {"crunchbase.rounds": (tmp_path / "drops" / "rounds").resolve()}
    assert "crunchbase.rounds_drops" not in sources.files


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("crunchbase: [unclosed\n", "not valid YAML"),
        ("pitchbook: x.csv\n", "unknown source kind 'pitchbook'"),
        ("crunchbase:\n  founders: x.csv\n", "unknown source kind 'crunchbase.founders'"),
        ("- a\n- b\n", "expected a mapping"),
        ("investor_edges: 3\n", "must be a file path"),
        ("crunchbase:\n  rounds_drops: [a, b]\n", "rounds_drops must be a file path"),
        ("crunchbase:\n  snapshot_date: yesterday\n", "must be an ISO date"),
        ("investor_edges: a.csv\ninvestor_edges: b.csv\n", "'investor_edges' declared twice"),
        ("crunchbase:\n  companies: a.csv\n  rounds: ./a.csv\n", "the same file .* is declared as"),
    ],
)
def test_bad_sources_yaml_is_a_clear_error(tmp_path, text, message):
    yml = tmp_path / "sources.yaml"
    yml.write_text(text)
    with pytest.raises(SourcesConfigError, match=message):
        load_sources(yml)


def test_missing_sources_yaml(tmp_path):
    with pytest.raises(SourcesConfigError, match="sources file not found"):
        load_sources(tmp_path / "none.yaml")


def test_bulk_keys_and_their_snapshot_date(tmp_path):
    yml = tmp_path / "sources.yaml"
    yml.write_text(
        "crunchbase_bulk:\n  organizations: bulk/organizations.csv.gz\n"
        "  funding_rounds: bulk/funding_rounds.csv.gz\n  snapshot_date: 2026-10-31\n"
        "fund_performance: perf/commitments.csv.gz\n"
    )
    sources = load_sources(yml)
    assert sources.get("crunchbase_bulk.organizations") == tmp_path / "bulk/organizations.csv.gz"
    assert sources.get("crunchbase_bulk.investments") is None
    assert sources.get("fund_performance") == tmp_path / "perf/commitments.csv.gz"
    assert sources.snapshot_dates == {"crunchbase_bulk": date(2026, 10, 31)}
    assert sources.declared("crunchbase_bulk.funding_rounds")
    assert not sources.declared("crunchbase_bulk.ipos") and sources.mapped == ()


MAPPED = """
mapped_exports:
  - file: dealroom_companies.xlsx
    entity: companies
    columns: {name: NAME, domain: WEBSITE, country: HQ COUNTRY}
  - file: rounds/dealroom_rounds.csv
    entity: rounds
    columns: {company: COMPANY NAME, announced_on: ROUND DATE, amount: AMOUNT (EUR M)}
    amount_unit: 1000000
    currency: eur
"""


def test_mapped_exports_are_read_in_order_with_their_settings(tmp_path):
    yml = tmp_path / "sources.yaml"
    yml.write_text(MAPPED)
    sources = load_sources(yml)
    companies, rounds = sources.mapped
    assert companies.file == tmp_path / "dealroom_companies.xlsx"
    assert companies.entity == "companies" and companies.amount_unit == 1.0
    assert companies.currency is None and companies.columns["country"] == "HQ COUNTRY"
    assert rounds.file == tmp_path / "rounds/dealroom_rounds.csv"
    assert (rounds.amount_unit, rounds.currency, rounds.position) == (1e6, "EUR", 1)
    assert sources.mapped_of("rounds") == (rounds,) and sources.mapped_of("investments") == ()
    assert sources.declared("mapped.companies") and not sources.declared("mapped.investments")
    assert sources.files == {}  # a mapped file is not a kind of its own


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            "entity: deals\n    columns: {name: N}",
            r"\[0\] \(x.csv\): key 'entity': unknown entity 'deals'",
        ),
        ("entity: companies", r"\(x.csv\): key 'columns' must map our column names"),
        (
            "entity: companies\n    columns: {domain: W}",
            r"key 'columns': required column\(s\) \['name'\]",
        ),
        (
            "entity: rounds\n    columns: {company: C, announced_on: D, size: S}",
            r"key 'columns.size': not a column of rounds",
        ),
        ("entity: companies\n    columns: {name: ''}", r"key 'columns.name' must name a column"),
        (
            "entity: rounds\n    columns: {company: C, announced_on: D}\n    amount_unit: -1",
            "'amount_unit' must be a positive number",
        ),
        (
            "entity: rounds\n    columns: {company: C, announced_on: D}\n    currency: euro",
            "'currency' must be an ISO 4217 code",
        ),
        (
            "entity: companies\n    columns: {name: N}\n    sheet: 2",
            r"unknown key\(s\) \['sheet'\]",
        ),
    ],
)
def test_a_bad_mapping_names_the_file_and_the_key(tmp_path, item, message):
    yml = tmp_path / "sources.yaml"
    yml.write_text(f"mapped_exports:\n  - file: x.csv\n    {item}\n")
    with pytest.raises(SourcesConfigError, match=message):
        load_sources(yml)


def test_mapped_exports_must_be_a_list_of_items_with_a_file(tmp_path):
    yml = tmp_path / "sources.yaml"
    yml.write_text("mapped_exports: x.csv\n")
    with pytest.raises(SourcesConfigError, match="mapped_exports must be a list"):
        load_sources(yml)
    yml.write_text("mapped_exports:\n  - entity: companies\n")
    with pytest.raises(SourcesConfigError, match=r"mapped_exports\[0\]: key 'file' is missing"):
        load_sources(yml)
