import polars as pl

from transforms.taxonomy import classify


def classify_one(categories):
    frame = pl.DataFrame(
        {"company_id": ["x"], "categories": [categories]},
        schema={"company_id": pl.String, "categories": pl.List(pl.String)},
    )
    return classify(frame).row(0, named=True)


def test_ai_in_a_sector_is_an_application():
    row = classify_one(["Artificial Intelligence", "Health Care"])
    assert (row["vertical_by_categories"], row["sector"]) == ("sector_applications", "health")


def test_ai_chip_company_is_ai_semiconductors():
    row = classify_one(["Semiconductors", "Machine Learning"])
    assert row["vertical_by_categories"] == "ai_semiconductors"


def test_chip_company_without_ai_signal_is_not_an_ai_vertical():
    row = classify_one(["Semiconductors"])
    assert row["vertical_by_categories"] is None and row["chip_company"]


def test_model_builder_by_category_when_no_sector():
    assert (
        classify_one(["Natural Language Processing"])["vertical_by_categories"]
        == "generative_models"
    )


def test_sector_without_ai_has_no_vertical():
    row = classify_one(["FinTech", "Payments"])
    assert (row["vertical_by_categories"], row["sector"]) == (None, "financial_services")


def test_matching_ignores_case_and_blank_lists():
    assert classify_one(["machine learning", "e-commerce"])["sector"] == "retail_distribution"
    assert classify_one([])["vertical_by_categories"] is None
    assert classify_one(None)["sector"] is None


def test_retail_keyword_does_not_make_an_ai_signal():
    assert not classify_one(["Retail"])["ai_signal"]
