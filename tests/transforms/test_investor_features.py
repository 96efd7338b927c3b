"""investor_features_as_of on small hand-made core tables: portfolio, verticals, exits, follow-on,
activity, tickets, France/UAE footprint, unmatched edges, and nothing dated after as_of."""

from datetime import date

import duckdb
import polars as pl
import pytest

from transforms.investors import investor_features_as_of

AS_OF = date(2020, 6, 30)
CONFIG = {"features": {"follow_on_min_months": 12, "ticket_range_usd": [1e6, 5e7]}}

SCHEMA = """
CREATE SCHEMA core;
CREATE TABLE core.companies (company_id VARCHAR, name VARCHAR, country_code VARCHAR, founded_on DATE);
CREATE TABLE core.company_taxonomy (company_id VARCHAR, vertical_by_categories VARCHAR, sector VARCHAR,
                                 sector_by_default BOOLEAN DEFAULT false);
CREATE TABLE core.company_models (company_id VARCHAR, model_name VARCHAR, published_on DATE);
CREATE TABLE core.company_exits (company_id VARCHAR, exit_type VARCHAR, exited_on DATE);
CREATE TABLE core.funding_rounds (company_id VARCHAR, funded_on DATE, amount_usd DOUBLE);
CREATE TABLE core.investors (investor_id VARCHAR, name VARCHAR, name_norm VARCHAR,
                             country_code VARCHAR, country_source VARCHAR,
                             investor_types VARCHAR[] DEFAULT []);
CREATE TABLE core.investments (investor_id VARCHAR, company_id VARCHAR, match_method VARCHAR,
                               investor_name VARCHAR, company_name VARCHAR, funded_on DATE,
                               round_amount_usd DOUBLE, is_lead BOOLEAN);
"""

COMPANIES = [  # id, name, country, vertical_by_categories, sector
    ("C1", "Alpha", "FRA", "sector_applications", "health"),
    ("C2", "Beta", "USA", None, None),
    ("C3", "Gamma", "ARE", "ai_semiconductors", "industry"),
    ("C4", "Delta", "USA", None, None),  # becomes a model builder through Epoch
    ("C5", "Epsilon", "GBR", None, "software"),
]
INVESTORS = [  # id, name, country, source
    ("IA", "Fonds A", "FRA", "curated list"),
    ("IB", "Beta Angels", None, None),
    ("IC", "Gulf C", "ARE", "curated list"),
    ("ID", "Late D", None, None),
    ("IU", "Unmatched U", None, None),
]
EDGES = [  # investor, company (None: unmatched), company_name, date, round total
    ("IA", "C1", "Alpha", date(2017, 1, 10), 2e6),
    ("IA", "C1", "Alpha", date(2019, 3, 1), 8e6),  # follow-on by IA itself
    ("IA", "C2", "Beta", date(2016, 5, 1), 3e8),  # ticket outside the range
    ("IA", "C3", "Gamma", date(2020, 1, 15), None),  # too recent to be seasoned
    ("IA", "C4", "Delta", date(2018, 2, 1), 5e6),
    ("IA", "C5", "Epsilon", date(2018, 6, 1), 4e6),  # Epsilon had exited already (see EXITS)
    ("IA", "C2", "Beta", date(2021, 1, 1), 9e6),  # after as_of: ignored
    ("IB", "C1", "Alpha", date(2017, 1, 10), 2e6),  # co-invests with IA in Alpha
    ("IB", None, "Ghost Co", date(2015, 1, 1), 1e5),
    ("IC", "C3", "Gamma", date(2020, 1, 15), None),
    ("IC", None, "ghost co", date(2015, 1, 1), 1e5),  # unmatched, same company as IB's by name
    ("ID", "C1", "Alpha", date(2021, 2, 1), 1e7),  # only after as_of: not scored
    ("IU", None, "Nowhere", date(2019, 12, 1), 3e6),
    ("IU", None, "Nowhere", None, 3e6),  # undated: never "before as_of"
]
ROUNDS = [
    ("C1", date(2017, 1, 10), 2e6),
    ("C1", date(2019, 3, 1), 8e6),
    ("C2", date(2016, 5, 1), 3e8),
    ("C2", date(2021, 1, 1), 9e6),  # Beta raises again only after as_of
    ("C4", date(2018, 2, 1), 5e6),
    ("C4", date(2019, 9, 1), 2e7),
    ("C5", date(2018, 6, 1), 4e6),
]
EXITS = [
    ("C4", "acquisition", date(2020, 3, 1)),
    ("C5", "acquisition", date(2018, 1, 1)),  # before IA's first investment: not its track record
    ("C1", "ipo", date(2022, 1, 1)),  # after as_of: ignored
]
MODELS = [("C4", "delta-lm", date(2019, 1, 1)), ("C2", "beta-lm", date(2021, 5, 1))]


def build(con: duckdb.DuckDBPyConnection, edges=EDGES, rounds=ROUNDS, exits=EXITS, models=MODELS):
    con.execute(SCHEMA)
    for cid, name, country, vertical, sector in COMPANIES:
        con.execute("INSERT INTO core.companies VALUES (?, ?, ?, NULL)", [cid, name, country])
        con.execute(
            "INSERT INTO core.company_taxonomy (company_id, vertical_by_categories, sector) "
            "VALUES (?, ?, ?)",
            [cid, vertical, sector],
        )
    for iid, name, country, source in INVESTORS:
        con.execute(
            "INSERT INTO core.investors (investor_id, name, name_norm, country_code, country_source) "
            "VALUES (?, ?, lower(?), ?, ?)",
            [iid, name, name, country, source],
        )
    for iid, cid, cname, day, amount in edges:
        name = dict((i[0], i[1]) for i in INVESTORS)[iid]
        con.execute(
            "INSERT INTO core.investments (investor_id, company_id, match_method, investor_name, "
            "company_name, funded_on, round_amount_usd) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [iid, cid, "name_unique" if cid else "no_match", name, cname, day, amount],
        )
    con.executemany("INSERT INTO core.funding_rounds VALUES (?, ?, ?)", rounds)
    con.executemany("INSERT INTO core.company_exits VALUES (?, ?, ?)", exits)
    con.executemany("INSERT INTO core.company_models VALUES (?, ?, ?)", models)


@pytest.fixture
def features() -> pl.DataFrame:
    con = duckdb.connect()
    build(con)
    out = investor_features_as_of(con, AS_OF, CONFIG, epoch_model_builders=True)
    con.close()
    return out


def row(features: pl.DataFrame, investor_id: str) -> dict:
    return features.filter(pl.col("investor_id") == investor_id).row(0, named=True)


def test_one_row_per_investor_active_by_as_of(features):
    assert features["investor_id"].to_list() == ["IA", "IB", "IC", "IU"]  # ID only invests later
    assert features["as_of"].unique().to_list() == [AS_OF]
    assert (features["last_investment_on"] <= AS_OF).all()


def test_portfolio_verticals_as_of(features):
    a = row(features, "IA")
    assert a["n_investments"] == 6 and a["n_companies"] == 5 and a["n_matched_companies"] == 5
    # Alpha (applications), Gamma (chips), Delta (Epoch model by 2019); Beta's model is later
    assert (a["n_sector_applications"], a["n_ai_semiconductors"], a["n_generative_models"]) == (
        1,
        1,
        1,
    )
    assert a["n_ai_thesis_companies"] == 3 and a["ai_thesis_share"] == pytest.approx(3 / 5)


def test_exits_count_only_after_the_first_investment_and_by_as_of(features):
    a = row(features, "IA")
    # Delta exited in 2020 after IA came in; Epsilon had exited before; Alpha's IPO is after as_of
    assert a["n_exit_eligible"] == 4 and a["n_exits"] == 1
    assert a["exit_rate"] == pytest.approx(1 / 4)


def test_follow_on_among_seasoned_companies(features):
    a = row(features, "IA")
    # seasoned (first backed by 2019-06-30): Alpha, Beta, Delta, Epsilon; Gamma is too recent.
    # Alpha and Delta raised again by as_of; Beta only after it; Epsilon never.
    assert a["n_seasoned_companies"] == 4 and a["n_follow_on"] == 2
    assert a["follow_on_rate"] == pytest.approx(0.5)


def test_activity_and_tickets(features):
    a = row(features, "IA")
    assert a["first_investment_on"] == date(2016, 5, 1)
    assert a["last_investment_on"] == date(2020, 1, 15)
    assert a["days_since_last_investment"] == (AS_OF - date(2020, 1, 15)).days
    assert a["n_investments_24m"] == 2  # 2019-03-01 and 2020-01-15 (2018-06-01 is older)
    assert a["n_disclosed_rounds"] == 5
    assert a["median_round_usd"] == pytest.approx(5e6)
    assert a["ticket_fit"] == pytest.approx(4 / 5)  # the USD 300M round is outside the range


def test_france_uae_footprint(features):
    a, b, c = row(features, "IA"), row(features, "IB"), row(features, "IC")
    assert (a["n_fra_companies"], a["n_are_companies"]) == (1, 1)
    assert a["fra_coinvestors"] == [] and a["are_coinvestors"] == ["Gulf C"]
    assert b["fra_coinvestors"] == ["Fonds A"] and b["are_coinvestors"] == ["Gulf C"]  # by name
    assert c["fra_coinvestors"] == ["Fonds A"] and c["n_nexus_coinvested_companies"] == 1


def test_investor_without_matched_companies(features):
    u = row(features, "IU")
    assert u["n_investments"] == 1  # the undated edge is ignored
    assert u["n_matched_companies"] == 0 and u["n_exits"] == 0
    assert u["ai_thesis_share"] is None and u["exit_rate"] is None and u["follow_on_rate"] is None
    assert u["median_round_usd"] == pytest.approx(3e6)


def test_facts_after_as_of_change_nothing():
    """Dropping every edge, round, exit and model dated after as_of gives the same features."""
    full, trimmed = duckdb.connect(), duckdb.connect()
    build(full)
    build(
        trimmed,
        edges=[e for e in EDGES if e[3] is None or e[3] <= AS_OF],
        rounds=[r for r in ROUNDS if r[1] <= AS_OF],
        exits=[x for x in EXITS if x[2] <= AS_OF],
        models=[m for m in MODELS if m[2] <= AS_OF],
    )
    a = investor_features_as_of(full, AS_OF, CONFIG, epoch_model_builders=True)
    b = investor_features_as_of(trimmed, AS_OF, CONFIG, epoch_model_builders=True)
    assert a.equals(b)
    later = investor_features_as_of(full, date(2022, 6, 30), CONFIG, epoch_model_builders=True)
    assert not later.equals(a)  # the later facts do count once as_of passes them


def test_no_edges_gives_an_empty_frame_with_the_columns():
    con = duckdb.connect()
    build(con, edges=[])
    out = investor_features_as_of(con, AS_OF, CONFIG)
    assert out.is_empty() and {"investor_id", "ai_thesis_share", "fra_coinvestors"} <= set(
        out.columns
    )


def test_lead_investments_as_of_and_unknown_without_lead_flags():
    """Rounds led by as_of count; a round after as_of does not; edges that do not say who led
    leave the lead count and share unknown (NULL), not zero."""
    con = duckdb.connect()
    build(con)
    con.execute(
        "UPDATE core.investments SET is_lead = (funded_on IN ('2017-01-10', '2021-01-01')) "
        "WHERE investor_id = 'IA'"
    )
    con.execute("UPDATE core.investments SET is_lead = false WHERE investor_id = 'IC'")
    out = investor_features_as_of(con, AS_OF, CONFIG)
    a, c, b = row(out, "IA"), row(out, "IC"), row(out, "IB")
    assert a["n_lead_investments"] == 1 and a["lead_share"] == pytest.approx(1 / 6)
    assert c["n_lead_investments"] == 0 and c["lead_share"] == 0
    assert b["n_lead_investments"] is None and b["lead_share"] is None
    assert a["investor_types"] == []
