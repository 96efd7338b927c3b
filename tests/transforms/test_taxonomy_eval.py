"""Precision / recall per vertical against labelled companies, and the labelled set itself."""

import duckdb
import polars as pl
import pytest

from transforms.taxonomy_eval import labelled_predictions, load_labels, vertical_metrics

VERTICALS = {"generative_models", "sector_applications", "ai_semiconductors"}


def test_vertical_metrics_counts_each_vertical_and_any_vertical():
    pairs = pl.DataFrame(
        {
            "label": [
                "sector_applications",
                "sector_applications",
                "none",
                "none",
                "ai_semiconductors",
                "generative_models",
            ],
            "predicted": [
                "sector_applications",
                "none",
                "sector_applications",
                "none",
                "ai_semiconductors",
                "sector_applications",
            ],
        }
    )
    got = {r["vertical"]: r for r in vertical_metrics(pairs).iter_rows(named=True)}
    apps = got["sector_applications"]
    assert (apps["labelled"], apps["predicted"], apps["tp"]) == (2, 3, 1)
    assert apps["precision"] == pytest.approx(0.333) and apps["recall"] == 0.5
    assert apps["f1"] == pytest.approx(0.4)
    assert got["ai_semiconductors"]["precision"] == got["ai_semiconductors"]["recall"] == 1.0
    gen = got["generative_models"]
    assert (gen["precision"], gen["recall"], gen["f1"]) == (None, 0.0, None)
    anyv = got["any vertical"]  # AI or not: 4 true, 4 predicted, 3 both
    assert (anyv["labelled"], anyv["predicted"], anyv["tp"]) == (4, 4, 3)


def test_vertical_metrics_of_nothing():
    empty = pl.DataFrame(
        {"label": [], "predicted": []}, schema={"label": pl.String, "predicted": pl.String}
    )
    (row,) = vertical_metrics(empty).to_dicts()
    assert row["vertical"] == "any vertical" and row["precision"] is None and row["labelled"] == 0


def test_labelled_predictions_match_provider_keys_and_count_epoch_builders():
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE ids AS SELECT * FROM (VALUES ('c1', 'crunchbase', '/organization/a'), "
        "('c2', 'epoch', 'Model Lab'), ('c3', 'crunchbase', '/organization/c')) AS t(company_id, source, source_key)"
    )
    con.execute(
        "CREATE TABLE tax AS SELECT * FROM (VALUES "
        "('c1', 'sector_applications', 'health', false, 0.8, 'categories: Machine Learning', NULL::DATE), "
        "('c2', NULL, NULL, false, 0.45, 'Epoch AI organisation: industry', DATE '2023-01-01'), "
        "('c3', NULL, NULL, false, 0.0, NULL, NULL::DATE)) "
        "AS t(company_id, vertical_by_categories, sector, sector_by_default, ai_confidence, vertical_reason, model_builder_since)"
    )
    labels = pl.DataFrame(
        {
            "source": ["crunchbase", "epoch", "crunchbase", "chip_list"],
            "source_key": ["/organization/A", " model lab", "/organization/c", "Absent"],
            "name": ["A", "Model Lab", "C", "Absent"],
            "country": ["FRA", "FRA", "ARE", "USA"],
            "vertical": ["sector_applications", "generative_models", "none", "ai_semiconductors"],
            "reason": ["x"] * 4,
        }
    )
    got = labelled_predictions(con, labels, taxonomy="tax", source_ids="ids")
    assert got["predicted"].to_list() == ["sector_applications", "none", "generative_models"]
    assert got["ai_confidence"].to_list() == [0.8, 0.0, 1.0]


def test_the_labelled_set():
    labels = load_labels()
    assert labels.height >= 150
    assert set(labels.columns) == {"source", "source_key", "name", "country", "vertical", "reason"}
    assert labels.select("source", "source_key").is_unique().all()
    assert set(labels["vertical"]) == VERTICALS | {"none"}
    assert set(labels["source"]) <= {"crunchbase", "epoch", "chip_list"}
    assert labels["reason"].str.len_chars().min() > 5
    assert (labels["country"] == "FRA").sum() >= 40 and (labels["country"] == "ARE").sum() >= 10
    for vertical in VERTICALS:  # positives and negatives of each vertical
        assert (labels["vertical"] == vertical).sum() >= 3
    # hard negatives: chip companies and data companies that are not AI
    negatives = labels.filter(pl.col("vertical") == "none")["reason"]
    assert negatives.str.contains("semiconductors only").sum() >= 10
    assert negatives.str.contains("analytics").sum() >= 10
