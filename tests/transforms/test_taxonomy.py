"""The taxonomy rules (config/taxonomy.yaml rendered by taxonomy_sql) on companies built here."""

import duckdb
import polars as pl
import pytest

from transforms.taxonomy import load_taxonomy, taxonomy_sql


def classify(*companies: dict, rules: dict | None = None) -> list[dict]:
    """Run taxonomy_sql on companies given as dicts (name, domain, categories, description,
    tags, category_groups, sources); rows in the same order."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE companies (company_id VARCHAR, name VARCHAR, domain VARCHAR, "
        "categories VARCHAR[], description VARCHAR, tags VARCHAR[], category_groups VARCHAR[])"
    )
    con.execute("CREATE TABLE ids (company_id VARCHAR, source VARCHAR, source_key VARCHAR)")
    con.execute(
        "CREATE TABLE models (company_id VARCHAR, published_on DATE, training_compute_flop DOUBLE)"
    )
    for i, c in enumerate(companies):
        con.execute(
            "INSERT INTO companies VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                f"c{i}",
                c.get("name", "Acme"),
                c.get("domain"),
                c.get("categories"),
                c.get("description"),
                c.get("tags", []),
                c.get("category_groups", []),
            ],
        )
        for source in c.get("sources", ["crunchbase"]):
            con.execute("INSERT INTO ids VALUES (?, ?, ?)", [f"c{i}", source, f"k{i}"])
    con.execute(
        taxonomy_sql(
            rules, companies="companies", models="models", target="taxonomy", source_ids="ids"
        )
    )
    return con.sql("SELECT * FROM taxonomy ORDER BY company_id").pl().to_dicts()


def one(**company) -> dict:
    return classify(company)[0]


def test_ai_category_in_a_sector_is_an_application_with_its_reason():
    row = one(categories=["Machine Learning", "Health Care"])
    assert (row["vertical_by_categories"], row["sector"]) == ("sector_applications", "health")
    assert row["ai_confidence"] == pytest.approx(0.8) and row["ai_signal"]
    assert row["vertical_reason"] == "categories: Machine Learning; sector: health"


def test_ai_chip_company_is_ai_semiconductors():
    row = one(categories=["Semiconductors", "Machine Learning"])
    assert row["vertical_by_categories"] == "ai_semiconductors"


def test_chip_company_without_ai_signal_is_not_an_ai_vertical():
    row = one(categories=["Semiconductors"])
    assert row["vertical_by_categories"] is None and row["chip_company"]
    assert row["ai_confidence"] == 0


def test_model_builder_by_category_when_no_sector():
    assert one(categories=["Natural Language Processing"])["vertical_by_categories"] == (
        "generative_models"
    )


def test_ai_company_without_a_sector_is_software_by_default():
    row = one(categories=["Artificial Intelligence", "Music"])
    assert (row["vertical_by_categories"], row["sector"]) == ("sector_applications", "software")
    assert row["sector_by_default"]
    assert row["vertical_reason"].endswith("no sector category: software by default")


def test_sector_without_ai_has_no_vertical():
    row = one(categories=["FinTech", "Payments"])
    assert (row["vertical_by_categories"], row["sector"]) == (None, "financial_services")
    assert row["vertical_reason"] is None and not row["ai_signal"]


def test_matching_ignores_case_padding_and_blank_lists():
    assert one(categories=[" machine learning\t", "e-commerce"])["sector"] == "retail_distribution"
    assert one(categories=[])["vertical_by_categories"] is None
    assert one(categories=None)["sector"] is None


def test_data_mining_is_not_the_mining_industry():
    assert one(categories=["Data Mining"])["sector"] == "software"
    assert one(categories=["Mining Technologies"])["sector"] == "industry"


def test_threshold_weak_signals_need_each_other():
    assert one(categories=["Big Data", "Health Care"])["vertical_by_categories"] is None  # 0.25
    assert one(name="Neural Works")["vertical_by_categories"] is None  # 0.3
    assert one(categories=["Big Data", "Health Care"], name="Neural Works")["ai_confidence"] < 0.5
    row = one(name="Neural Works", domain="neuralworks.ai", categories=["Health Care"])
    assert row["ai_confidence"] == pytest.approx(1 - 0.7 * 0.55)
    assert row["vertical_by_categories"] == "sector_applications"
    assert "name: 'Neural Works'" in row["vertical_reason"]
    # robots and algorithms decide alone, at the threshold
    robots = one(categories=["Robotics"])
    assert robots["ai_confidence"] == pytest.approx(0.5) and robots["vertical_by_categories"]


def test_threshold_comes_from_the_rules():
    rules = {**load_taxonomy(), "threshold": 0.9}
    (row,) = classify({"categories": ["Machine Learning", "Health Care"]}, rules=rules)
    assert row["ai_confidence"] == pytest.approx(0.8) and row["vertical_by_categories"] is None


def test_broad_categories_count_only_with_a_sector_and_never_alone():
    # a sector other than the broad categories themselves ("Big Data" is also a software word)
    assert one(categories=["Big Data", "Analytics"])["ai_confidence"] == 0
    insurance = one(categories=["Big Data", "Analytics", "Insurance"])
    assert insurance["ai_confidence"] == pytest.approx(0.25)
    assert insurance["vertical_by_categories"] is None
    both = one(categories=["Big Data", "Insurance", "Algorithms"])
    assert both["vertical_by_categories"] == "sector_applications"
    assert both["sector"] == "financial_services"
    assert "broad categories: Big Data" in both["vertical_reason"]


def test_chip_list_ai_tag_needs_no_ai_category():
    row = one(tags=["chip_list:ai"])
    assert row["vertical_by_categories"] == "ai_semiconductors" and row["chip_company"]
    assert row["ai_confidence"] == pytest.approx(0.9)
    assert row["vertical_reason"] == "AI chip list: AI"


def test_chip_list_other_technologies():
    photonics, hpc = classify({"tags": ["chip_list:photonics"]}, {"tags": ["chip_list:hpc"]})
    assert photonics["chip_company"] and photonics["ai_confidence"] == 0
    assert photonics["vertical_by_categories"] is None
    assert hpc["ai_confidence"] == pytest.approx(0.3) and hpc["vertical_by_categories"] is None
    inference = one(tags=["chip_list:hpc"], description="Accelerators for AI inference")
    assert inference["vertical_by_categories"] == "ai_semiconductors"
    assert "description: 'AI'" in inference["vertical_reason"]


def test_eda_tools_are_not_chips_an_ai_eda_company_is_an_application():
    row = one(tags=["chip_list:eda"], description="AI platform for chip design")
    assert not row["chip_company"]
    assert (row["vertical_by_categories"], row["sector"]) == ("sector_applications", "software")


def test_description_is_a_signal_and_can_say_generative():
    row = one(description="We build machine learning models for radiology")
    assert row["ai_confidence"] == pytest.approx(0.6) and row["vertical_by_categories"]
    gen = one(description="A foundation model company training large language models")
    assert gen["vertical_by_categories"] == "generative_models"
    assert one(description="A bakery in Lyon")["ai_confidence"] == 0
    assert one(description="Neural implants")["ai_confidence"] == 0  # medical devices


@pytest.mark.parametrize(
    "name",
    [
        "Maid Services",
        "Aim Higher",
        "SKAI Holdings",
        "Said Business",
        "Deep Sea Drilling",
        "Brainly",
        "Thai Food",
        "Deepwater Corrosion",
        "Air Intelligence",
    ],
)
def test_names_that_only_look_like_ai(name):
    assert one(name=name, categories=["Software"])["ai_confidence"] == 0


@pytest.mark.parametrize("name", ["Tempo AI", "Risk-AI", "x.ai", "Marketing.AI", "AI Patents"])
def test_names_that_say_ai(name):
    row = one(name=name)
    assert row["ai_confidence"] == pytest.approx(0.5) and row["vertical_by_categories"]
    assert row["vertical_reason"].startswith(f"name: '{name}'")


def test_ai_web_domain_corroborates():
    assert one(domain="craft.ai")["ai_confidence"] == pytest.approx(0.45)
    assert one(domain="craft.ai.example.com")["ai_confidence"] == 0
    row = one(domain="craft.ai", categories=["Robotics"])
    assert row["vertical_by_categories"] == "sector_applications"


def test_epoch_organisation_only_corroborates():
    alone = one(name="Mistral", sources=["epoch"])
    assert alone["ai_confidence"] == pytest.approx(0.45) and alone["vertical_by_categories"] is None
    named = one(name="Mistral AI", sources=["epoch"])
    assert named["ai_confidence"] == pytest.approx(1 - 0.5 * 0.55)
    assert "Epoch AI organisation" in named["vertical_reason"]


def test_every_vertical_and_sector_is_reachable():
    rows = classify(
        {"categories": ["Semiconductors", "Machine Learning"]},
        {"categories": ["Deep Learning"]},
        *(
            {"categories": ["Machine Learning", c]}
            for c in ["Health Care", "FinTech", "Retail", "Manufacturing", "SaaS"]
        ),
    )
    frame = pl.DataFrame(rows)
    assert frame["vertical_by_categories"].n_unique() == 3 and frame["sector"].n_unique() == 6


def test_bulk_export_category_groups_and_description_classify_a_company():
    # a Crunchbase bulk organisation: a category that says nothing of AI, its groups and its
    # short description decide
    row = one(
        categories=["Medical Imaging"],
        category_groups=["Artificial Intelligence", "Health Care"],
        description="Radiology software",
    )
    assert (row["vertical_by_categories"], row["sector"]) == ("sector_applications", "health")
    assert row["vertical_reason"] == "categories: Artificial Intelligence; sector: health"
    fintech = one(
        categories=["Fraud Detection"],
        category_groups=["Financial Services"],
        description="Machine learning for card fraud",
    )
    assert (fintech["vertical_by_categories"], fintech["sector"]) == (
        "sector_applications",
        "financial_services",
    )
    assert (
        fintech["vertical_reason"] == "description: 'Machine learning'; sector: financial_services"
    )
    # groups alone without an AI signal give no vertical
    assert one(category_groups=["Health Care"], categories=[])["vertical_by_categories"] is None
