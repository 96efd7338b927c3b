"""The bundled sample is exactly what the seeded generator writes, in the providers' formats."""

import filecmp

import polars as pl

from sampledata.generate import generate
from tests.helpers import SAMPLE_SOURCES
from transforms.ingest import raw_frame
from transforms.sources import SOURCE_KINDS, load_sources


def test_bundled_sample_is_reproducible(tmp_path):
    generate(tmp_path)
    sample = SAMPLE_SOURCES.parent
    for path in sample.rglob("*"):
        if path.is_file():
            assert filecmp.cmp(path, tmp_path / path.relative_to(sample), shallow=False), path


def test_sample_reads_as_every_declared_kind():
    sources = load_sources(SAMPLE_SOURCES)
    assert set(sources.files) == {
        "crunchbase.companies",
        "crunchbase.rounds",
        "crunchbase.acquisitions",
        "investor_edges",
        "epoch_models",
        "epoch_organizations",
        "chip_startups",
        "chip_exits",
        "epoch_funding_rounds",
        "epoch_companies",
        "analyst_decisions",
    }
    for kind, path in sources.files.items():
        assert raw_frame(SOURCE_KINDS[kind], path)[0].height > 0, kind


def test_sample_has_france_uae_and_ai_cases():
    companies = pl.read_csv(
        load_sources(SAMPLE_SOURCES).get("crunchbase.companies"), infer_schema=False
    )
    assert 2000 <= companies.height <= 10000
    counts = companies["country_code"].value_counts()
    share = dict(zip(counts["country_code"], counts["count"], strict=True))
    assert share["FRA"] > 100 and share["ARE"] > 30
    assert companies["homepage_url"].drop_nulls().str.ends_with(".example").all()
    assert companies["category_list"].str.contains("Artificial Intelligence").sum() > 100
