"""FX rates (ECB history, AED peg) and the stage mapping."""

from datetime import date

import duckdb
import polars as pl
import pytest

from transforms.reference import (
    AED_PER_USD,
    ecb_history_bytes,
    eur_per_usd_as_of,
    fx_rates_long,
    stage_map_frame,
)

ECB_CSV = b"""Date,USD,JPY,CYP,GBP,
2015-01-06,1.1914,142.2,N/A,0.78705,
2015-01-05,1.1915,142.19,N/A,0.78750,
2015-01-02,1.2043,144.62,N/A,0.78040,
"""


def test_fx_long_has_eur_aed_and_drops_not_quoted():
    fx = fx_rates_long(ECB_CSV)
    assert set(fx["currency"]) == {"USD", "JPY", "GBP", "EUR", "AED"}
    aed = fx.filter((pl.col("currency") == "AED") & (pl.col("rate_date") == date(2015, 1, 5)))
    assert aed["units_per_eur"][0] == pytest.approx(1.1915 * AED_PER_USD)
    assert fx.filter(pl.col("currency") == "EUR")["units_per_eur"].unique().to_list() == [1.0]


def test_bundled_ecb_history_is_read():
    fx = fx_rates_long(ecb_history_bytes())
    usd = fx.filter(pl.col("currency") == "USD")
    assert usd["rate_date"].min() == date(1999, 1, 4)
    assert usd.height > 6000


def test_round_converted_at_rate_of_round_date():
    """A USD round on a weekend uses the last ECB fixing before it (ASOF join as in staging)."""
    con = duckdb.connect()
    con.register("fx", fx_rates_long(ECB_CSV).to_arrow())
    eur = con.sql(
        "SELECT 1e6 / units_per_eur FROM (SELECT DATE '2015-01-04' AS d) r "
        "ASOF JOIN (SELECT * FROM fx WHERE currency = 'USD') f ON r.d >= f.rate_date"
    ).fetchall()[0][0]
    assert eur == pytest.approx(1e6 / 1.2043)


def test_eur_per_usd_is_the_latest_fixing_on_or_before_as_of():
    con = duckdb.connect()
    con.sql("CREATE SCHEMA ref")
    fx = fx_rates_long(ECB_CSV)  # noqa: F841 (read by DuckDB)
    con.sql("CREATE TABLE ref.fx_rates AS SELECT * FROM fx")
    assert eur_per_usd_as_of(con, date(2015, 1, 4)) == pytest.approx(1 / 1.2043)  # a Sunday
    assert eur_per_usd_as_of(con, date(2015, 1, 6)) == pytest.approx(1 / 1.1914)
    assert eur_per_usd_as_of(con, date(2026, 12, 7)) == pytest.approx(1 / 1.1914)
    assert eur_per_usd_as_of(con, date(2014, 12, 31)) is None  # before the first fixing
    assert eur_per_usd_as_of(con, None) is None


def test_stage_map_covers_every_crunchbase_round_type():
    types = set(stage_map_frame()["round_type"])
    for t in [
        "venture",
        "seed",
        "debt_financing",
        "angel",
        "undisclosed",
        "equity_crowdfunding",
        "private_equity",
        "grant",
        "convertible_note",
        "post_ipo_equity",
        "product_crowdfunding",
        "non_equity_assistance",
        "post_ipo_debt",
        "secondary_market",
    ]:
        assert t in types
    venture = stage_map_frame().filter(pl.col("round_type") == "venture")
    assert dict(zip(venture["round_code"], venture["stage"], strict=True))["B"] == "series_b"
