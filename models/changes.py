"""Last week's changes: each company listed this week or the previous materialized week, with what
changed (`new`, `dropped`, `up`, `down`, `same` inside its lane) and why, in words: the score
component that moved most (thesis fit, momentum, success chance, each weighted as in the total
score), and inside it the factor that moved ("momentum up 0.12: a new Series A on 2015-10-01");
for a dropped company, why it left (the analysts passed, it exited, left the verticals or the
lanes' scope, or its score fell below its lane's cut). Free of Dagster: polars in, polars out."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from models.explain import SECTOR_LABELS, VERTICAL_LABELS, factor_phrase, money, stage_label

CHANGES = ("new", "dropped", "up", "down", "same")
CHANGE_SCHEMA = {
    "week_start": pl.Date,
    "previous_week_start": pl.Date,
    "lane": pl.String,
    "previous_lane": pl.String,
    "company_id": pl.String,
    "name": pl.String,
    "change": pl.String,
    "rank": pl.Int64,
    "previous_rank": pl.Int64,
    "total_score": pl.Float64,
    "previous_total_score": pl.Float64,
    "reason": pl.String,
}
COMPONENTS = (
    ("thesis_fit", "thesis fit"),
    ("momentum", "momentum"),
    ("success_probability", "success chance"),
)
TOTAL_WEIGHT_KEYS = {
    "thesis_fit": "thesis_fit",
    "momentum": "momentum",
    "success_probability": "success",
}
FIT_PARTS = (
    ("vertical_fit", "vertical"),
    ("sector_fit", "sector"),
    ("stage_fit", "stage"),
    ("nexus_score", "nexus"),
)
UNCHANGED = 0.005  # a weighted move below this is no move (scores are shown to two decimals)


def empty_changes() -> pl.DataFrame:
    return pl.DataFrame(schema=CHANGE_SCHEMA)


def _num(value: Any) -> float:
    return float(value) if value is not None else 0.0


def _delta(now: dict, before: dict, column: str) -> float:
    return _num(now.get(column)) - _num(before.get(column))


def _vertical(row: dict) -> str:
    if not row.get("vertical"):
        return "no vertical"
    label = VERTICAL_LABELS.get(row["vertical"], row["vertical"])
    if row.get("sector"):
        label += f" in {SECTOR_LABELS.get(row['sector'], row['sector'])}"
    return label


def _new_names(now: dict, before: dict, column: str) -> list[str]:
    return [n for n in (now.get(column) or []) if n not in set(before.get(column) or [])]


def _fit_detail(now: dict, before: dict, weights: dict) -> str:
    """Which part of the thesis fit moved most, in words."""
    moves = [
        (abs(weights.get(part, 0.0) * _delta(now, before, column)), column, part)
        for column, part in FIT_PARTS
    ]
    _, _, part = max(moves)
    if part in ("vertical", "sector"):
        return f"now {_vertical(now)} (was {_vertical(before)})"
    if part == "stage":
        return (
            f"latest stage now {stage_label(now.get('last_stage'))} "
            f"(was {stage_label(before.get('last_stage'))})"
        ).replace(" a ", " ")
    fra = _new_names(now, before, "fra_investors")
    are = _new_names(now, before, "are_investors")
    if fra or are:
        named = ", ".join(fra + are)
        return f"new French/Emirati investor(s) on the cap table: {named}"
    return (
        f"France/UAE nexus {_num(now.get('nexus_score')):.2f} "
        f"(was {_num(before.get('nexus_score')):.2f})"
    )


def _momentum_detail(now: dict, before: dict) -> str:
    """What in the funding history moved the momentum."""
    if now.get("last_round_on") and now.get("last_round_on") != before.get("last_round_on"):
        stage = stage_label(now.get("last_stage"))
        article = "a " if stage.startswith("Series ") else ""
        amount = money(now.get("last_round_usd"))
        amount = "" if amount == "undisclosed" else f" ({amount})"
        return f"a new {article}{stage}{amount} on {now['last_round_on'].isoformat()}".replace(
            "a new a ", "a new "
        )
    n_now, n_before = now.get("n_rounds_24m") or 0, before.get("n_rounds_24m") or 0
    if n_now != n_before:
        return f"{n_now} round{'s' if n_now != 1 else ''} in 24 months (was {n_before})"
    if now.get("last_round_on"):
        return (
            f"its last round ({now['last_round_on'].isoformat()}) aged a week while other "
            "companies raised"
        )
    return "other companies' rounds moved its percentile"


def _success_detail(now: dict, before: dict) -> str:
    """The model factor whose effect moved most (or the model itself, when it changed)."""
    if now.get("success_probability") is None:
        return "no success probability this week"
    if before.get("success_probability") is None:
        return "a success probability for the first time"
    effects_now = {f["factor"]: f["effect"] for f in now.get("success_factors") or []}
    effects_before = {f["factor"]: f["effect"] for f in before.get("success_factors") or []}
    factors = set(effects_now) | set(effects_before)
    if not factors:
        return "the model's reading of its facts changed"
    factor = max(
        sorted(factors),
        key=lambda f: abs(effects_now.get(f, 0.0) - effects_before.get(f, 0.0)),
    )
    moved = effects_now.get(factor, 0.0) - effects_before.get(factor, 0.0)
    text = factor_phrase(factor, now)
    text += f" (read {'more' if moved > 0 else 'less'} favourably by the model)"
    if now.get("model_version") and now.get("model_version") != before.get("model_version"):
        text += " (the model was refitted this week)"
    return text


def movement_reason(now: dict, before: dict, thesis: dict) -> str:
    """The score component that moved most between two weeks' score rows of one company, weighted
    as in the total score, with the factor inside it, e.g. 'momentum up 0.12: a new Series A on
    2015-10-01'; 'score unchanged (0.62)' when nothing moved."""
    weights = thesis["total_weights"]
    moves = []
    for column, label in COMPONENTS:
        delta = _delta(now, before, column)
        moves.append((abs(weights[TOTAL_WEIGHT_KEYS[column]] * delta), delta, column, label))
    weighted, delta, column, label = max(moves, key=lambda m: m[0])
    if weighted < UNCHANGED:
        return f"score unchanged ({_num(now.get('total_score')):.2f})"
    direction = "up" if delta > 0 else "down"
    if column == "thesis_fit":
        detail = _fit_detail(now, before, thesis["fit_weights"])
    elif column == "momentum":
        detail = _momentum_detail(now, before)
    else:
        detail = _success_detail(now, before)
        return f"{label} {direction} {abs(delta) * 100:.0f} pts: {detail}"
    return f"{label} {direction} {abs(delta):.2f}: {detail}"


def _rank_only(reason: str, change: str) -> str:
    """A move in rank with an unchanged score: the companies around it moved."""
    if not reason.startswith("score unchanged") or change == "same":
        return reason
    if change == "up":
        return reason + "; a company above it left the lane or fell below it"
    return reason + "; a company rose above it or entered the lane above it"


def _decision(now: dict) -> str | None:
    status, day = now.get("analyst_status"), now.get("analyst_decided_on")
    when = f" on {day.isoformat()}" if isinstance(day, date) else ""
    note = f" ({now['analyst_note']})" if now.get("analyst_note") else ""
    if status == "passed" and not now.get("back_after_pass"):
        return f"analysts passed{when}{note}"
    if status == "portfolio":
        return f"moved to the portfolio{when}{note}"
    return None


def dropped_reason(now: dict | None, before: dict, lane: str, cuts: dict, thesis: dict) -> str:
    """Why a company listed the previous week is not this week: no longer scored, the analysts
    passed, exited or closed, left the verticals, left the lanes' scope, or its score fell below
    the cut of the lane it is in now (the lowest score that lane lists)."""
    if now is None:
        return "no longer scored this week"
    decided = _decision(now)
    if decided:
        return decided
    if now.get("exited"):
        return "exited (acquired or listed) by as_of"
    if now.get("closed"):
        return "closed by as_of"
    if not now.get("vertical"):
        confidence = now.get("ai_confidence")
        shown = f" (AI confidence {confidence:.2f})" if confidence is not None else ""
        return f"left the verticals{shown}"
    scope = now.get("scope_lane")
    if not scope:
        return "no longer in any lane's scope (no French or Emirati HQ, investor or presence)"
    moved = movement_reason(now, before, thesis)
    cut = cuts.get(scope)
    where = f"the {scope} lane" + (f" (moved from {lane})" if scope != lane else "")
    if cut is None:
        return f"{where} lists no company this week; {moved}"
    score = _num(now.get("total_score"))
    digits = 2 if round(score, 2) != round(cut, 2) else 4
    return f"score {score:.{digits}f} below the cut of {where}, {cut:.{digits}f}; {moved}"


def compare_weeks(
    current: pl.DataFrame,
    previous: pl.DataFrame,
    scores_now: pl.DataFrame,
    scores_before: pl.DataFrame,
    thesis: dict,
    week: date,
    previous_week: date,
) -> pl.DataFrame:
    """One row per company listed `week` (`current`) or `previous_week` (`previous`), shortlist
    rows with `lane`, `lane_rank`, `company_id`, `name`, `total_score`: `new` (not listed the
    previous week), `dropped` (listed then, not now: `lane` and `previous_rank` are the previous
    week's), else `up` / `down` / `same` by `lane_rank` (`rank` now, `previous_rank` then; a
    company that changed lane says so in its reason). `scores_now` / `scores_before`: the score
    rows of those companies in each week (`models.explain` columns; this week's also with
    `scope_lane`, the lane whose rule holds, and the analysts' decision columns)."""
    now_by_id = {r["company_id"]: r for r in scores_now.iter_rows(named=True)}
    before_by_id = {r["company_id"]: r for r in scores_before.iter_rows(named=True)}
    listed_before = {r["company_id"]: r for r in previous.iter_rows(named=True)}
    cuts = {
        r["lane"]: r["cut"]
        for r in current.group_by("lane")
        .agg(pl.col("total_score").min().alias("cut"))
        .iter_rows(named=True)
    }
    rows = []
    for row in current.iter_rows(named=True):
        cid = row["company_id"]
        now = now_by_id.get(cid, row)
        before_row = listed_before.get(cid)
        scored_before = before_by_id.get(cid)
        out = {
            "lane": row["lane"],
            "company_id": cid,
            "name": row["name"],
            "rank": row["lane_rank"],
            "total_score": row["total_score"],
        }
        if before_row is None:
            if scored_before is None:
                reason = "first scored this week"
            else:
                reason = movement_reason(now, scored_before, thesis)
                if reason.startswith("score unchanged"):
                    reason += "; it entered as another company fell below it"
            if now.get("back_after_pass"):
                reason = "back after a pass (score rose since the decision); " + reason
            out |= {
                "change": "new",
                "previous_rank": None,
                "previous_lane": None,
                "previous_total_score": (scored_before or {}).get("total_score"),
                "reason": reason,
            }
        else:
            rank, previous_rank = row["lane_rank"], before_row["lane_rank"]
            reason = movement_reason(now, scored_before or before_row, thesis)
            if before_row["lane"] != row["lane"]:  # new in this lane: ranks of two lanes differ
                change = "new"
                decided = _decision(now) if row["lane"] == "portfolio" else None
                reason = f"changed lane: {before_row['lane']} → {row['lane']}; " + (
                    decided or reason
                )
            else:
                change = (
                    "up" if rank < previous_rank else "down" if rank > previous_rank else "same"
                )
                reason = _rank_only(reason, change)
            out |= {
                "change": change,
                "previous_rank": previous_rank,
                "previous_lane": before_row["lane"],
                "previous_total_score": before_row["total_score"],
                "reason": reason,
            }
        rows.append(out)
    listed_now = set(current["company_id"].to_list())
    for cid, before_row in listed_before.items():
        if cid in listed_now:
            continue
        before = before_by_id.get(cid, before_row)
        rows.append(
            {
                "lane": before_row["lane"],
                "company_id": cid,
                "name": before_row["name"],
                "change": "dropped",
                "rank": None,
                "previous_rank": before_row["lane_rank"],
                "previous_lane": before_row["lane"],
                "total_score": (now_by_id.get(cid) or {}).get("total_score"),
                "previous_total_score": before_row["total_score"],
                "reason": dropped_reason(
                    now_by_id.get(cid), before, before_row["lane"], cuts, thesis
                ),
            }
        )
    frame = (
        pl.DataFrame(
            [r | {"week_start": week, "previous_week_start": previous_week} for r in rows],
            schema=CHANGE_SCHEMA,
            orient="row",
        )
        if rows
        else empty_changes()
    )
    order = {c: i for i, c in enumerate(CHANGES)}
    return (
        frame.with_columns(
            pl.col("change").replace_strict(order, return_dtype=pl.Int64).alias("_order"),
            pl.coalesce("rank", "previous_rank").alias("_rank"),
        )
        .sort(["lane", "_order", "_rank", "company_id"])
        .drop("_order", "_rank")
        .select(list(CHANGE_SCHEMA))
    )
