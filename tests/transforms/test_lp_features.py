"""core.fund_performance and core.funds built on small hand-made tables: managers matched to
investors by normalised name (and the match rate), fund raises by normalised name, and the LP
features of a week reading only what is dated on or before its as_of."""

from datetime import date

import duckdb
import polars as pl
import pytest

from assets.funds.assets import SQL_DIR, manager_match
from models.track_record import lp_features_as_of
from transforms.investors import load_investor_scoring
from warehouse.sql import install_macros, sql_text

CONFIG = load_investor_scoring()


def table(con, name: str, frame: pl.DataFrame) -> None:
    con.register("_f", frame.to_arrow())
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _f")
    con.unregister("_f")


def disclosure(lp, manager, fund, vintage, tvpi, irr, as_of) -> dict:
    return {
        "disclosure_key": f"{lp}|{fund}|{as_of}",
        "lp": lp,
        "fund": fund,
        "fund_name_norm": fund.lower(),
        "manager": manager,
        "manager_norm": manager.lower(),
        "vintage_year": vintage,
        "asset_class": "Private Equity",
        "sub_strategy": "Venture Capital",
        "strategy": "Venture Capital",
        "commitment_usd": 1e7,
        "net_irr": irr,
        "tvpi": tvpi,
        "dpi": 0.5,
        "as_of_date": as_of,
        "source_url": "https://example.org",
        "source_document": "report",
        "extraction_confidence": 1.0,
        "_source_file": "commitments.csv",
        "_source_row": 0,
    }


@pytest.fixture()
def con():
    c = duckdb.connect()
    install_macros(c)
    for schema in ("staging", "core"):
        c.execute(f"CREATE SCHEMA {schema}")
    c.execute(
        "CREATE TABLE core.investors AS SELECT investor_id(n) AS investor_id, n AS name_norm "
        "FROM (VALUES ('partech partners'), ('sofinnova'), ('kima ventures')) AS t(n)"
    )
    early, late = date(2025, 3, 31), date(2025, 9, 30)
    rows = [
        disclosure("CalPERS", "Sofinnova", f"S{i}", 2016, 3.0 - i * 0.1, 0.2, early)
        for i in range(2)
    ] + [
        disclosure("CalPERS", f"Other{i}", f"O{i}", 2016, 1.0 + i * 0.1, 0.1, early)
        for i in range(3)
    ]
    rows.append(disclosure("Oregon", "Late Manager", "L1", 2016, 5.0, 0.5, late))
    frame = pl.DataFrame(rows).with_columns(pl.int_range(1, pl.len() + 1).alias("_source_row"))
    table(c, "staging.fund_performance", frame)
    table(
        c,
        "staging.bulk_funds",
        pl.DataFrame(
            {
                "fund_key": ["f1", "f2", "f3"],
                "investor_key": ["u1", "u1", "u2"],
                "investor_name": ["Partech Partners", "Partech Partners SAS", "Unknown Capital"],
                "investor_name_norm": ["partech partners", "partech partners", "unknown capital"],
                "fund_name": ["Partech II", "Partech III", "U I"],
                "announced_on": [date(2019, 5, 1), date(2025, 10, 1), date(2024, 1, 1)],
                "vintage_year": [2019, 2025, 2024],
                "raised_amount_usd": [200e6, 400e6, None],
                "raised_amount_eur": [180e6, 360e6, None],
                "_source_file": ["funds.csv"] * 3,
                "_source_row": [1, 2, 3],
            }
        ),
    )
    c.execute(sql_text("fund_performance", SQL_DIR))
    c.execute(sql_text("funds", SQL_DIR))
    yield c
    c.close()


def test_managers_match_investors_by_normalised_name_and_the_rate_counts_distinct_managers(con):
    matched = con.sql(
        "SELECT DISTINCT manager, investor_id FROM core.fund_performance WHERE investor_id IS NOT NULL"
    ).fetchall()
    sofinnova = con.sql("SELECT investor_id FROM core.investors WHERE name_norm = 'sofinnova'")
    assert matched == [("Sofinnova", sofinnova.fetchall()[0][0])]
    assert con.sql("SELECT count(*) FROM core.fund_performance").fetchall()[0][0] == 6
    assert manager_match(con) == (1, 5)  # 1 of 5 distinct managers: Sofinnova


def test_fund_raises_by_normalised_name(con):
    funds = con.sql(
        "SELECT fund_key, in_investors, investor_id = investor_id('partech partners') AS partech "
        "FROM core.funds ORDER BY fund_key"
    ).fetchall()
    assert funds == [("f1", True, True), ("f2", True, True), ("f3", False, False)]


def test_lp_features_read_only_what_is_dated_by_as_of(con):
    before = lp_features_as_of(con, date(2025, 6, 30), CONFIG)
    partech = before.filter(
        pl.col("investor_id") == con.sql("SELECT investor_id('partech partners')").fetchall()[0][0]
    ).row(0, named=True)
    # the fund announced 2025-10-01 is not known on 2025-06-30
    assert (partech["n_funds_raised"], partech["latest_fund_on"]) == (1, date(2019, 5, 1))
    assert partech["latest_fund_usd"] == 200e6 and partech["n_disclosed_funds"] is None
    sofinnova = before.filter(pl.col("n_disclosed_funds").is_not_null()).row(0, named=True)
    assert sofinnova["n_disclosed_funds"] == 2 and sofinnova["n_ranked_funds"] == 2
    assert sofinnova["best_tvpi_quartile"] == 1 and sofinnova["n_funds_raised"] is None
    after = lp_features_as_of(con, date(2025, 12, 31), CONFIG)
    latest = after.filter(pl.col("n_funds_raised") == 2)["latest_fund_on"].to_list()
    assert latest == [date(2025, 10, 1)]
    assert lp_features_as_of(con, date(2019, 1, 1), CONFIG).is_empty()


def test_a_manager_named_with_or_without_generic_words_is_its_investor(con):
    # investors "Lightspeed Venture Partners", "Tailwind Capital", "Boston Capital Ventures" and
    # two "Sierra ..." firms; managers as LPs write them
    con.execute(
        "CREATE OR REPLACE TABLE core.investors AS SELECT investor_id(n) AS investor_id, "
        "n AS name_norm FROM (VALUES ('lightspeed venture partners'), ('tailwind capital'), "
        "('boston capital ventures'), ('sierra ventures'), ('sierra capital')) AS t(n)"
    )
    managers = ["Lightspeed", "Tailwind Capital Partners", "Boston Ventures", "Sierra", "Kim"]
    rows = [disclosure("CalPERS", m, f"{m} I", 2016, 1.5, 0.1, date(2025, 3, 31)) for m in managers]
    frame = pl.DataFrame(rows).with_columns(pl.int_range(1, pl.len() + 1).alias("_source_row"))
    table(con, "staging.fund_performance", frame)
    con.execute(sql_text("fund_performance", SQL_DIR))
    matched = dict(
        con.sql(
            "SELECT f.manager, i.name_norm || ' / ' || f.manager_match FROM core.fund_performance f "
            "JOIN core.investors i USING (investor_id)"
        ).fetchall()
    )
    assert matched == {
        "Lightspeed": "lightspeed venture partners / name+generic words",
        "Tailwind Capital Partners": "tailwind capital / name+generic words",
    }  # Boston Ventures is not Boston Capital Ventures; Sierra is two firms; Kim is too short
    assert manager_match(con) == (2, 5)
