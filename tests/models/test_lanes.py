"""Shortlist lanes on hand-made frames: the rules, their order, sizes, no padding, and one SQL form
for frames and warehouse tables."""

from datetime import date

import duckdb
import polars as pl
import pytest

from models.investors import fund_lanes
from models.lanes import (
    LaneConfigError,
    assign_lanes,
    lane_counts,
    lane_report,
    lane_shortlist,
    load_lanes,
    shortlist_rules_sql,
)
from models.scoring import SHORTLIST_ORDER, company_lanes, shortlist, shortlist_sql
from models.thesis import load_thesis

WEEK = date(2026, 11, 23)


def company(company_id: str, score: float, **values) -> dict:
    row = {
        "week_start": WEEK,
        "company_id": company_id,
        "total_score": score,
        "country_code": "USA",
        "countries": [],
        "fra_investors": [],
        "are_investors": [],
        "vertical": "generative_models",
        "exited": False,
        "closed": False,
    }
    row.update(values)
    return row


def scores(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(
        list(rows),
        schema_overrides={
            "countries": pl.List(pl.String),
            "fra_investors": pl.List(pl.String),
            "are_investors": pl.List(pl.String),
            "country_code": pl.String,
            "vertical": pl.String,
            "closed": pl.Boolean,
        },
    )


def population() -> pl.DataFrame:
    return scores(
        company("fr1", 0.9, country_code="FRA", countries=["FRA"]),
        company("fr2", 0.5, country_code="FRA", are_investors=["Hub71"]),  # France first
        company("fr3", 0.7, country_code="FRA", vertical=None),  # no vertical: not eligible
        company("fr4", 0.95, country_code="FRA", exited=True),  # exited: not eligible
        company("ae1", 0.4, country_code="ARE"),
        company("us1", 0.99),  # no French or Emirati tie: in no lane
        company("us2", 0.8, fra_investors=["Partech"]),
        company("gb1", 0.6, country_code="GBR", countries=["ARE", "FRA", "GBR"]),
        company("de1", 0.65, country_code="DEU", countries=["DEU", "FRA"]),  # one side only
        company("xx1", 0.3, country_code=None, are_investors=["MGX"]),  # unknown HQ: elsewhere
    )


def test_default_lanes_follow_the_partnership_scope():
    lanes = company_lanes(load_thesis())
    assert [lane.name for lane in lanes] == ["france", "uae", "bridge"]
    assert all(lane.size == 25 for lane in lanes)
    assert [lane.size for lane in company_lanes(load_thesis(), size=3)] == [3, 3, 3]
    assert [lane.name for lane in fund_lanes()] == ["france", "uae", "international"]


def test_each_company_in_the_first_lane_whose_rule_holds():
    lanes = company_lanes(load_thesis())
    lanes_of = assign_lanes(population(), lanes, shortlist_rules_sql(load_thesis()))
    got = dict(zip(lanes_of["company_id"], lanes_of["lane"], strict=True))
    assert got == {
        "fr1": "france",
        "fr2": "france",
        "fr3": None,
        "fr4": None,
        "ae1": "uae",
        "us1": None,
        "us2": "bridge",
        "gb1": "bridge",
        "de1": None,
        "xx1": "bridge",
    }


def test_lanes_rank_inside_and_are_never_padded():
    thesis = load_thesis()
    top = shortlist(population(), company_lanes(thesis, size=2), thesis)
    assert top.select("lane", "lane_rank", "company_id").rows() == [
        ("france", 1, "fr1"),
        ("france", 2, "fr2"),
        ("uae", 1, "ae1"),  # one candidate: listed alone, not padded
        ("bridge", 1, "us2"),
        ("bridge", 2, "gb1"),
    ]
    # rank orders every listed company by total score
    assert top.sort("rank")["company_id"].to_list() == ["fr1", "us2", "gb1", "fr2", "ae1"]


def test_a_lane_with_no_candidate_lists_nothing_and_says_so():
    thesis = load_thesis()
    lanes = company_lanes(thesis)
    frame = population().filter(pl.col("country_code").ne_missing("ARE"))
    top = shortlist(frame, lanes, thesis)
    assert "uae" not in top["lane"].to_list() and top.height == 5
    report = lane_report(lanes, lane_counts(frame, lanes, shortlist_rules_sql(thesis)))
    uae = report.filter(pl.col("lane") == "uae").row(0, named=True)
    assert (uae["eligible"], uae["listed"], uae["note"]) == (
        0,
        0,
        "no eligible company in this lane",
    )
    france = report.filter(pl.col("lane") == "france").row(0, named=True)
    assert france["note"] == "only 2 eligible, fewer than the lane's size 25"
    assert shortlist(frame.clear(), lanes, thesis).is_empty()


def test_the_warehouse_statement_and_the_frame_give_the_same_shortlist():
    thesis = load_thesis()
    lanes = company_lanes(thesis, size=2)
    frame = population()
    con = duckdb.connect()
    con.register("scores", frame.to_arrow())
    from_table = con.sql(shortlist_sql("scores", lanes, thesis), params=[WEEK]).pl()
    assert from_table.equals(shortlist(frame, lanes, thesis))
    other_week = con.sql(shortlist_sql("scores", lanes, thesis), params=[date(2026, 1, 5)]).pl()
    assert other_week.is_empty()


def test_fund_lanes():
    funds = pl.DataFrame(
        {
            "investor_id": ["F1", "F2", "F3", "F4", "F5"],
            "fund_score": [0.9, 0.8, 0.7, 0.6, 0.5],
            "is_fund": [True, True, True, True, False],
            "country_code": ["FRA", "ARE", "USA", "USA", "FRA"],
            "n_fra_companies": [3, 0, 1, 0, 2],
            "n_are_companies": [0, 1, 0, 0, 0],
            "fra_coinvestors": [[], [], [], [], []],
            "are_coinvestors": [[], [], [], ["Mubadala"], []],
        },
        schema_overrides={"fra_coinvestors": pl.List(pl.String)},
    )
    top = lane_shortlist(funds, fund_lanes(), "is_fund", "fund_score DESC, investor_id")
    assert top.select("lane", "investor_id").rows() == [
        ("france", "F1"),
        ("uae", "F2"),
        ("international", "F3"),
        ("international", "F4"),
    ]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({}, "at least one lane"),
        ({"eu": {"size": 5, "hq_in_europe": ["DEU"]}}, "unknown condition"),
        ({"eu": {"size": 5}}, "no condition"),
        ({"eu": {"size": -1, "hq_in": ["DEU"]}}, "size must be"),
        ({"eu": {"size": 5, "investor_from": ["DEU"]}}, "not supported"),
    ],
)
def test_lane_declarations_that_cannot_work_are_refused(section, message):
    with pytest.raises(LaneConfigError, match=message):
        load_lanes(section)


def test_any_declared_lanes_work_on_any_countries():
    lanes = load_lanes(
        {
            "germany": {"size": 1, "hq_in": ["DEU"]},
            "french_ties": {"size": 5, "present_in_all": ["FRA"], "investor_from": ["FRA"]},
        }
    )
    top = lane_shortlist(population(), lanes, "vertical IS NOT NULL", SHORTLIST_ORDER)
    assert top.select("lane", "company_id").rows() == [
        ("germany", "de1"),  # first lane wins, though it has French presence too
        ("french_ties", "fr1"),
        ("french_ties", "us2"),
        ("french_ties", "gb1"),
    ]
