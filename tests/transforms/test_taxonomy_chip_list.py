"""The AI chip list (../shared/datasets/semiconductor_startups_awesome, skipped when absent) as
the current sources will deliver it: tags and descriptions, no category."""

import pytest

from benchmarks.taxonomy_real import CHIP_LIST, chip_list_pairs
from transforms.taxonomy_eval import vertical_metrics

pytestmark = pytest.mark.skipif(not CHIP_LIST.exists(), reason="../shared/datasets absent")


def test_chip_list_companies_against_their_labels():
    pairs = chip_list_pairs()
    assert pairs.height >= 25  # every labelled chip-list company is in the list
    got = {r["vertical"]: r for r in vertical_metrics(pairs).iter_rows(named=True)}
    semis = got["ai_semiconductors"]
    assert semis["labelled"] >= 10 and semis["precision"] == semis["recall"] == 1.0
    # French AI chip companies, found without any AI category
    french = pairs.filter(pairs["country"] == "FRA")
    found = set(french.filter(french["predicted"] == "ai_semiconductors")["name"])
    assert found == {"HawAI.tech", "Neurxcore", "Upmem", "Vsora"}
