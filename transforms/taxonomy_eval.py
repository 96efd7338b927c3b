"""Measure the taxonomy against a labelled set of real companies (`config/labels/verticals.csv`).

Each labelled row names a provider key (`source`, `source_key`: a Crunchbase permalink, an Epoch AI
organisation or a chip-list company name), the true vertical (or `none`) and the reason it was
given. `labelled_predictions` finds the labelled companies present in a run and reads the
vertical the rules give them; `vertical_metrics` computes precision, recall and F1 per vertical.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from warehouse.config import config_file
from warehouse.tables import registered

LABELS_FILE = config_file("labels/verticals.csv")
NONE = "none"
NO_MATCH = "no labelled company in this dataset"


def load_labels(path: Path = LABELS_FILE) -> pl.DataFrame:
    return pl.read_csv(path, schema_overrides={"country": pl.String}, infer_schema=False)


def labelled_predictions(
    con: duckdb.DuckDBPyConnection,
    labels: pl.DataFrame,
    taxonomy: str = "core.company_taxonomy",
    source_ids: str = "core.company_source_ids",
) -> pl.DataFrame:
    """One row per labelled company present in the run: source, source_key, name, country,
    label, predicted (the vertical, `none` when the rules give none), ai_confidence,
    vertical_reason. The prediction is undated: an Epoch AI model builder counts whatever its
    first model's date, with the rule of the features (company_features.sql)."""
    with registered(con, "_labels", labels):
        return con.sql(
            f"""
            SELECT l.source, l.source_key, l.name, l.country, l.vertical AS label,
                   coalesce(CASE WHEN t.model_builder_since IS NOT NULL
                                  AND coalesce(t.vertical_by_categories, '')
                                      NOT IN ('ai_semiconductors', 'generative_models')
                                  AND (t.sector IS NULL OR t.sector_by_default
                                       OR t.vertical_by_categories IS NULL)
                                 THEN 'generative_models' ELSE t.vertical_by_categories END,
                            '{NONE}') AS predicted,
                   CASE WHEN t.model_builder_since IS NOT NULL THEN 1.0
                        ELSE t.ai_confidence END::DOUBLE AS ai_confidence,
                   t.vertical_reason
            FROM _labels AS l
            JOIN (SELECT DISTINCT company_id, source, lower(trim(source_key)) AS key
                  FROM {source_ids}) AS s
              ON s.source = l.source AND s.key = lower(trim(l.source_key))
            JOIN {taxonomy} AS t USING (company_id)
            ORDER BY l.source, l.source_key
            """
        ).pl()


def vertical_metrics(pairs: pl.DataFrame) -> pl.DataFrame:
    """Per vertical (and `any vertical`: AI or not), from columns `label` and `predicted`:
    labelled (true count), predicted, tp, precision, recall, f1 (NULL when undefined)."""
    verticals = sorted(
        {v for v in [*pairs["label"].to_list(), *pairs["predicted"].to_list()] if v != NONE}
    )
    rows = []
    for name in [*verticals, "any vertical"]:
        if name == "any vertical":
            truth, guess = pairs["label"] != NONE, pairs["predicted"] != NONE
        else:
            truth, guess = pairs["label"] == name, pairs["predicted"] == name
        tp = int((truth & guess).sum())
        n_true, n_pred = int(truth.sum()), int(guess.sum())
        precision = tp / n_pred if n_pred else None
        recall = tp / n_true if n_true else None
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall > 0
            else None
        )
        rows.append(
            {
                "vertical": name,
                "labelled": n_true,
                "predicted": n_pred,
                "tp": tp,
                "precision": None if precision is None else round(precision, 3),
                "recall": None if recall is None else round(recall, 3),
                "f1": None if f1 is None else round(f1, 3),
            }
        )
    schema = {
        "vertical": pl.String,
        "labelled": pl.Int64,
        "predicted": pl.Int64,
        "tp": pl.Int64,
        "precision": pl.Float64,
        "recall": pl.Float64,
        "f1": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)
