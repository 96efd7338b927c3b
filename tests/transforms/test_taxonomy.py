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


def test_sql_classification_equals_polars():
    """The pipeline classifies in DuckDB (taxonomy_sql): same answer as `classify` on every
    category and keyword of the rules, alone, in pairs, re-cased, padded and inside words."""
    import random

    import duckdb

    from transforms.taxonomy import load_taxonomy, taxonomy_sql

    rules = load_taxonomy()
    groups = [rules["ai_signal"], *rules["verticals"].values(), *rules["sectors"].values()]
    terms = sorted({t for g in groups for t in [*g.get("categories", []), *g.get("keywords", [])]})
    variants = [*terms, *(t.upper() for t in terms), *(f" {t}\t" for t in terms)]
    variants += [f"x{t}y" for t in terms] + ["Retail", "Payments", "Other", ""]
    rng = random.Random(5)
    lists = [[v] for v in variants] + [rng.sample(variants, 2) for _ in range(600)]
    lists += [[*rng.sample(variants, 3), None] for _ in range(100)] + [[], None]
    companies = pl.DataFrame(
        {"company_id": [f"c{i}" for i in range(len(lists))], "categories": lists},
        schema={"company_id": pl.String, "categories": pl.List(pl.String)},
    )
    con = duckdb.connect()
    con.execute("CREATE TABLE companies AS SELECT * FROM companies")
    con.execute(
        "CREATE TABLE models (company_id VARCHAR, published_on DATE, training_compute_flop DOUBLE)"
    )
    con.execute(taxonomy_sql(companies="companies", models="models", target="taxonomy"))
    got = con.sql("SELECT * EXCLUDE (model_builder_since, max_training_compute_flop) FROM taxonomy")
    want = classify(companies)
    assert got.pl().sort("company_id").equals(want.sort("company_id"))
    assert want["vertical_by_categories"].n_unique() == 4 and want["sector"].n_unique() == 6
