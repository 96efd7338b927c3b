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
