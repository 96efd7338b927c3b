"""Managers' track records from LP disclosures on hand-made frames: quartiles with a known
answer (ties, too few peers), one fund once across LPs (median), no disclosure after as_of."""

from datetime import date

import polars as pl

from models.track_record import disclosed_funds, fund_quartiles, track_record_as_of

AS_OF = date(2025, 6, 30)
EARLY, LATE = date(2025, 3, 31), date(2025, 9, 30)


def disclosure(manager, fund, vintage, tvpi, irr, source="CalPERS", as_of=EARLY, **extra):
    row = {
        "fund": fund.title(),
        "fund_name_norm": fund,
        "manager": manager.title(),
        "manager_norm": manager,
        "investor_id": extra.get("investor_id"),
        "vintage": vintage,
        "strategy": extra.get("strategy", "Venture Capital"),
        "sub_strategy": extra.get("sub_strategy", "Venture Capital"),
        "net_irr": irr,
        "tvpi": tvpi,
        "as_of": as_of,
        "source": source,
    }
    return row


def frame(rows) -> pl.DataFrame:
    schema = {"vintage": pl.Int64, "net_irr": pl.Float64, "tvpi": pl.Float64, "as_of": pl.Date}
    schema |= {"investor_id": pl.String, "sub_strategy": pl.String}
    return pl.DataFrame(rows, schema_overrides=schema)


def vintage_2015() -> list[dict]:
    return [
        # fund a1: two LPs (median 3.0 TVPI, 0.30 IRR); the later report of one is not read
        disclosure("alpha", "a1", 2015, 2.8, 0.28, "CalPERS", investor_id="I1"),
        disclosure("alpha", "a1", 2015, 3.2, 0.32, "CalSTRS"),
        disclosure("alpha", "a1", 2015, 10.0, 0.90, "CalPERS", as_of=LATE),
        disclosure("beta", "b1", 2015, 2.0, 0.10),
        disclosure("gamma", "c1", 2015, 2.0, 0.20),
        disclosure("delta", "d1", 2015, 1.5, None),
        disclosure("eps", "e1", 2015, 1.0, 0.05),
        # another vintage with two funds only: too few peers to rank
        disclosure("alpha", "a2", 2016, 1.8, 0.15),
        disclosure("beta", "b2", 2016, 1.2, 0.05),
        # same vintage, other strategy: its own group
        disclosure("alpha", "a3", 2015, 0.5, -0.1, strategy="Buyout", sub_strategy=None),
    ]


def test_a_fund_disclosed_by_several_lps_counts_once_with_their_median():
    funds = disclosed_funds(frame(vintage_2015()), AS_OF)
    a1 = funds.filter(pl.col("fund_name_norm") == "a1").row(0, named=True)
    assert funds.height == 8
    assert (a1["tvpi"], a1["n_lps"], a1["investor_id"]) == (3.0, 2, "I1")
    assert abs(a1["irr"] - 0.30) < 1e-12


def test_quartiles_against_the_funds_of_the_same_vintage_and_strategy():
    q = fund_quartiles(disclosed_funds(frame(vintage_2015()), AS_OF), min_peers=4)
    got = {r["fund_name_norm"]: (r["tvpi_quartile"], r["irr_quartile"]) for r in q.to_dicts()}
    # TVPI 3.0, 2.0, 2.0, 1.5, 1.0 (5 peers; ties share rank 2); IRR 0.30, 0.20, 0.10, 0.05 (4)
    assert got == {
        "a1": (1, 1),
        "b1": (1, 3),
        "c1": (1, 2),
        "d1": (3, None),
        "e1": (4, 4),
        "a2": (None, None),  # 2016: two funds, fewer than 4 peers
        "b2": (None, None),
        "a3": (None, None),  # the only Buyout fund of 2015
    }


def test_manager_summary():
    record = track_record_as_of(frame(vintage_2015()), AS_OF, min_peers=4)
    alpha = record.filter(pl.col("manager_norm") == "alpha").row(0, named=True)
    assert alpha["n_disclosed_funds"] == 3 and alpha["n_ranked_funds"] == 1
    assert alpha["best_tvpi_quartile"] == 1 and alpha["share_top_quartile_tvpi"] == 1.0
    assert alpha["latest_vintage"] == 2016 and alpha["investor_id"] == "I1"
    assert alpha["track_record_points"] == 1.0
    beta = record.filter(pl.col("manager_norm") == "beta").row(0, named=True)
    # b1: TVPI quartile 1 (1.0 point), IRR quartile 3 (1/3 point) -> 2/3
    assert abs(beta["track_record_points"] - 2 / 3) < 1e-12
    assert beta["n_top_quartile_irr"] == 0 and beta["best_irr_quartile"] == 3
    assert record.filter(pl.col("manager_norm") == "eps")["track_record_points"][0] == 0.0


def test_a_disclosure_dated_after_as_of_is_not_read():
    rows = vintage_2015()
    before = track_record_as_of(frame(rows), AS_OF)
    # a manager whose only disclosure comes after as_of is unknown; a later report changes nothing
    later = [
        *rows,
        disclosure("zeta", "z1", 2015, 9.9, 0.99, as_of=LATE),
        disclosure("eps", "e1", 2015, 9.9, 0.99, "Oregon", as_of=LATE),
    ]
    assert track_record_as_of(frame(later), AS_OF).equals(before)
    assert "zeta" in track_record_as_of(frame(later), LATE)["manager_norm"].to_list()
    assert track_record_as_of(frame(rows), date(2024, 1, 1)).is_empty()
