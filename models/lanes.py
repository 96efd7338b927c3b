"""Shortlist lanes: the scope of the France–UAE partnership, as declared in the configuration.

A lane is a named scope with a size: `france` (headquartered in France), `uae` (headquartered in
the UAE), `bridge` (headquartered elsewhere, with a French or Emirati investor on the cap table, or
present in both countries) for companies; `france`, `uae` and `international` for funds. Each lane
lists its own best rows, ranked inside the lane, and is never padded with rows outside its scope.

A lane's rule is one or more conditions, any of which puts a row in the lane; lanes are tried in
the declared order and the first that matches wins (so `bridge`, declared after `france` and
`uae`, holds only companies headquartered elsewhere). The conditions:

| condition | true when |
|---|---|
| `hq_in: [FRA]` | `country_code` (HQ; a fund manager's home country) is one of these |
| `investor_from: [FRA, ARE]` | the company has an investor from one of these countries |
| `present_in_all: [FRA, ARE]` | the company's `countries` include all of these |
| `portfolio_in: [FRA, ARE]` | the fund backed a company headquartered in one of these |
| `coinvestors_from: [FRA, ARE]` | the fund co-invested with an investor from one of these |

The rule is SQL, the one form: the weekly shortlist selects its rows in DuckDB with it, and frames
(the backtest's past populations) go through the same statement (`lane_shortlist`).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from warehouse.tables import quote_literal, registered

# the countries whose investors, portfolio companies and co-investors have their own columns
COUNTRY_COLUMNS = {"FRA": "fra", "ARE": "are"}


def _text_list(values: list[str]) -> str:
    return "[" + ", ".join(quote_literal(v) for v in values) + "]::VARCHAR[]"


def _prefixes(lane: str, condition: str, countries: list[str]) -> list[str]:
    unknown = [c for c in countries if c not in COUNTRY_COLUMNS]
    if unknown:
        raise LaneConfigError(
            f"lane {lane!r}: {condition} {unknown} not supported; "
            f"investors, portfolios and co-investors are known by country for {sorted(COUNTRY_COLUMNS)}"
        )
    return [COUNTRY_COLUMNS[c] for c in countries]


def _hq_in(lane: str, countries: list[str]) -> str:
    return f"coalesce(list_contains({_text_list(countries)}, country_code), false)"


def _investor_from(lane: str, countries: list[str]) -> str:
    return " OR ".join(
        f"len(coalesce({p}_investors, [])) > 0" for p in _prefixes(lane, "investor_from", countries)
    )


def _present_in_all(lane: str, countries: list[str]) -> str:
    return f"list_has_all(coalesce(countries, []), {_text_list(countries)})"


def _portfolio_in(lane: str, countries: list[str]) -> str:
    return " OR ".join(
        f"coalesce(n_{p}_companies, 0) > 0" for p in _prefixes(lane, "portfolio_in", countries)
    )


def _coinvestors_from(lane: str, countries: list[str]) -> str:
    return " OR ".join(
        f"len(coalesce({p}_coinvestors, [])) > 0"
        for p in _prefixes(lane, "coinvestors_from", countries)
    )


CONDITIONS = {
    "hq_in": _hq_in,
    "investor_from": _investor_from,
    "present_in_all": _present_in_all,
    "portfolio_in": _portfolio_in,
    "coinvestors_from": _coinvestors_from,
}


class LaneConfigError(ValueError):
    """A lane declaration that cannot be used: unknown condition, no condition, bad size."""


@dataclass(frozen=True)
class Lane:
    name: str
    description: str
    size: int
    conditions: tuple[tuple[str, tuple[str, ...]], ...]

    def sql(self) -> str:
        """The lane's rule: true when any of its conditions holds."""
        return " OR ".join(
            f"({CONDITIONS[kind](self.name, list(countries))})"
            for kind, countries in self.conditions
        )


def load_lanes(section: dict, size: int = 0) -> list[Lane]:
    """Lanes in declared order from a `lanes:` mapping of the configuration; `size` > 0 replaces
    every lane's declared size (the run's `shortlist_size` setting)."""
    if not isinstance(section, dict) or not section:
        raise LaneConfigError("`lanes:` must map at least one lane name to its rule and size")
    lanes = []
    for name, spec in section.items():
        spec = dict(spec or {})
        description = str(spec.pop("description", name))
        declared = spec.pop("size", None)
        if not isinstance(declared, int) or isinstance(declared, bool) or declared < 0:
            raise LaneConfigError(
                f"lane {name!r}: size must be a whole number >= 0, got {declared!r}"
            )
        unknown = sorted(set(spec) - set(CONDITIONS))
        if unknown:
            raise LaneConfigError(
                f"lane {name!r}: unknown condition(s) {unknown}; known: {sorted(CONDITIONS)}"
            )
        if not spec:
            raise LaneConfigError(f"lane {name!r}: no condition; known: {sorted(CONDITIONS)}")
        conditions = tuple((kind, tuple(str(c) for c in spec[kind])) for kind in spec)
        lane = Lane(str(name), description, size if size > 0 else declared, conditions)
        lane.sql()  # refuses unsupported countries now, not in the middle of a run
        lanes.append(lane)
    return lanes


def _in_vertical_sql(rules: dict) -> str:
    return "vertical IS NOT NULL" if rules.get("require_vertical", True) else "true"


def _live_sql(rules: dict) -> str:
    if rules.get("exclude_exited", True):
        return "NOT coalesce(exited, false) AND NOT coalesce(closed, false)"
    return "true"


def shortlist_rules_sql(thesis: dict) -> str:
    """The shortlist's eligibility rules (`shortlist:` in the thesis) as a SQL predicate over a
    week's scores: in one of the three verticals (`require_vertical`), not exited nor closed
    (`exclude_exited`). The one form of the rule: the shortlist, its changes, its check and the
    backtest read it."""
    rules = thesis["shortlist"]
    return f"({_in_vertical_sql(rules)}) AND ({_live_sql(rules)})"


def shortlist_counts_sql(table: str, thesis: dict) -> str:
    """A SELECT of one row over one week of `table` (`?` = the week): companies `scored`, those
    `in_vertical` (all of them when the rules do not require one) and those `eligible` under the
    shortlist's rules (`shortlist_rules_sql`), so a short shortlist can say why."""
    return (
        f"SELECT count(*) AS scored, count(*) FILTER ({_in_vertical_sql(thesis['shortlist'])}) "
        f"AS in_vertical, count(*) FILTER ({shortlist_rules_sql(thesis)}) AS eligible "
        f"FROM {table} WHERE week_start = ?"
    )


def lane_sql(lanes: list[Lane]) -> str:
    """A CASE expression naming the first lane whose rule holds (NULL: in no lane)."""
    whens = " ".join(f"WHEN {lane.sql()} THEN {quote_literal(lane.name)}" for lane in lanes)
    return f"CASE {whens} END"


def _size_sql(lanes: list[Lane]) -> str:
    whens = " ".join(f"WHEN {quote_literal(lane.name)} THEN {int(lane.size)}" for lane in lanes)
    return f"CASE lane {whens} END"


def lane_order_sql(lanes: list[Lane], column: str = "lane") -> str:
    """The lane's position in the declared order (to list lanes as configured)."""
    return f"list_position({_text_list([lane.name for lane in lanes])}, {column})"


def ranked_sql(source: str, lanes: list[Lane], where: str, order: str) -> str:
    """SELECT of `source`'s rows that `where` keeps, each with its `lane`, `lane_rank` (1 = best
    inside the lane by `order`) and `rank` (1 = best of all rows listed, by `order`), each lane cut
    at its size. Rows in no lane are not listed."""
    return f"""
        SELECT *, row_number() OVER (ORDER BY {order}) AS rank FROM (
            SELECT *, row_number() OVER (PARTITION BY lane ORDER BY {order}) AS lane_rank
            FROM (SELECT *, {lane_sql(lanes)} AS lane FROM {source} WHERE {where})
            WHERE lane IS NOT NULL
            QUALIFY lane_rank <= {_size_sql(lanes)}
        )
        ORDER BY {lane_order_sql(lanes)}, lane_rank
    """


def lane_counts_sql(source: str, lanes: list[Lane], where: str) -> str:
    """SELECT lane, eligible: how many rows of `source` that `where` keeps each lane could list."""
    return (
        f"SELECT lane, count(*) AS eligible FROM "
        f"(SELECT {lane_sql(lanes)} AS lane FROM {source} WHERE {where}) "
        f"WHERE lane IS NOT NULL GROUP BY lane"
    )


def lane_report(lanes: list[Lane], eligible: dict[str, int], noun: str = "company") -> pl.DataFrame:
    """One row per lane: its size, how many rows were eligible and listed, and a note when it lists
    fewer than its size (never padded with rows outside its scope); `noun` names what is listed."""
    rows = []
    for lane in lanes:
        n = int(eligible.get(lane.name, 0))
        listed = min(n, lane.size)
        if n == 0:
            note = f"no eligible {noun} in this lane" if lane.size else "lane size 0"
        elif listed < lane.size:
            note = f"only {n} eligible, fewer than the lane's size {lane.size}"
        else:
            note = ""
        rows.append(
            {
                "lane": lane.name,
                "scope": lane.description,
                "size": lane.size,
                "eligible": n,
                "listed": listed,
                "note": note,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "lane": pl.String,
            "scope": pl.String,
            "size": pl.Int64,
            "eligible": pl.Int64,
            "listed": pl.Int64,
            "note": pl.String,
        },
    )


def short_lanes(report: pl.DataFrame) -> str | None:
    """'france: only 3 eligible, …; uae: no eligible company in this lane' (None: every lane full)."""
    short = report.filter(pl.col("note") != "")
    return "; ".join(f"{r['lane']}: {r['note']}" for r in short.iter_rows(named=True)) or None


def lanes_markdown(rows: pl.DataFrame, report: pl.DataFrame, noun: str, score: str) -> str:
    """The listed rows for the UI, one section per lane in lane order: its scope and how many it
    lists, its note, then a table of its rows best first (name, country, `score`, rationale)."""
    parts = []
    for lane in report.iter_rows(named=True):
        listed = rows.filter(pl.col("lane") == lane["lane"]).sort("lane_rank")
        parts.append(f"**{lane['lane']}** ({lane['scope']}): {lane['listed']} of {lane['size']}")
        if lane["note"]:
            parts.append(f"_{lane['note']}_")
        if listed.height:
            parts.append(
                f"| # | {noun} | country | score | why |\n|---|---|---|---|---|"
                + "".join(
                    f"\n| {r['lane_rank']} | {r['name']} | {r['country_code'] or ''} "
                    f"| {r[score]:.2f} | {r['rationale']} |"
                    for r in listed.iter_rows(named=True)
                )
            )
    return "\n\n".join(parts)


def _on_frame(frame: pl.DataFrame, sql: str) -> pl.DataFrame:
    con = duckdb.connect()
    try:
        with registered(con, "frame", frame):
            return con.sql(sql).pl()
    finally:
        con.close()


def assign_lanes(frame: pl.DataFrame, lanes: list[Lane], where: str = "true") -> pl.DataFrame:
    """`frame` with a `lane` column: the first lane whose rule holds, NULL when none does or the
    row fails `where` (e.g. the shortlist's eligibility rules)."""
    return _on_frame(
        frame, f"SELECT *, CASE WHEN {where} THEN {lane_sql(lanes)} END AS lane FROM frame"
    )


def lane_shortlist(
    frame: pl.DataFrame, lanes: list[Lane], where: str = "true", order: str = "1"
) -> pl.DataFrame:
    """`ranked_sql` on a frame: each lane's best rows with `lane`, `lane_rank` and `rank`."""
    return _on_frame(frame, ranked_sql("frame", lanes, where, order))


def lane_counts(frame: pl.DataFrame, lanes: list[Lane], where: str = "true") -> dict[str, int]:
    """`lane_counts_sql` on a frame: how many rows each lane could list."""
    counts = _on_frame(frame, lane_counts_sql("frame", lanes, where))
    return dict(zip(counts["lane"].to_list(), counts["eligible"].to_list(), strict=True))
