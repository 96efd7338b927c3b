"""The analysts' decisions on the weekly shortlist: the latest decision per company known at the
week's `as_of`, and what it does to the company's place. Free of Dagster.

- `watch`, `in_diligence`: the company stays where its score puts it, with its status and note.
- `passed`: the company leaves the shortlist, unless its total score rose by at least the margin
  (`analyst_decisions.passed_return_margin` in `config/thesis.yaml`) since the decision: the
  score of the latest scored week starting on or before the decision day. Then it comes back,
  flagged (`back_after_pass`, and its rationale says so).
- `portfolio`: the company leaves the lanes and is listed apart, in the lane `portfolio`
  (ranked by total score, no overall `rank`, not counted in any lane's size).

Leakage discipline: a decision dated after the week's `as_of` is not known yet and is ignored;
of several decisions on one company the latest by `decided_on` wins (a tie: the later row).
The rule is SQL, the one form: the shortlist, its check and the changes read `decided_sql`;
`apply_decisions` runs the same statement on frames.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from warehouse.tables import registered

STATUSES = ("watch", "in_diligence", "passed", "portfolio")
STATUS_LABELS = {
    "watch": "on the watch list",
    "in_diligence": "in diligence",
    "passed": "passed",
    "portfolio": "in the portfolio",
}
PORTFOLIO_LANE = "portfolio"
DEFAULT_MARGIN = 0.05

DECISION_COLUMNS = {
    "company_id": pl.String,
    "status": pl.String,
    "note": pl.String,
    "analyst": pl.String,
    "decided_on": pl.Date,
    "_source_file": pl.String,
    "_source_row": pl.Int64,
}


def passed_return_margin(thesis: dict) -> float:
    """How much a passed company's total score must rise since the decision to come back."""
    section = thesis.get("analyst_decisions") or {}
    margin = section.get("passed_return_margin", DEFAULT_MARGIN)
    if not isinstance(margin, int | float) or isinstance(margin, bool) or margin < 0:
        raise ValueError(
            f"analyst_decisions.passed_return_margin must be a number >= 0, got {margin!r}"
        )
    return float(margin)


def decided_sql(week_scores: str, history: str, decisions: str, margin: float) -> str:
    """A SELECT of every row of `week_scores` (one week's scores, one `as_of`) with its latest
    decision known at that `as_of`: `analyst_status`, `analyst_note`, `analyst`,
    `analyst_decided_on`, `score_at_decision` (total score of the latest week of `history`
    starting on or before the decision day), `back_after_pass` (passed, and the score rose by at
    least `margin` since) and `decision_keeps` (false: passed without that rise, or portfolio —
    the company is not listed in its lane)."""
    return f"""
        WITH week AS (SELECT * FROM {week_scores}),
        latest AS (
            SELECT company_id, status, note, analyst, decided_on FROM {decisions}
            WHERE company_id IS NOT NULL AND decided_on <= (SELECT max(as_of) FROM week)
            QUALIFY row_number() OVER (
                PARTITION BY company_id ORDER BY decided_on DESC, _source_file DESC,
                _source_row DESC) = 1
        ),
        at_decision AS (
            SELECT l.company_id, h.total_score AS score_at_decision
            FROM latest AS l JOIN {history} AS h
              ON h.company_id = l.company_id AND h.week_start <= l.decided_on
            WHERE l.status = 'passed'
            QUALIFY row_number() OVER (PARTITION BY l.company_id ORDER BY h.week_start DESC) = 1
        )
        SELECT week.*, l.status AS analyst_status, l.note AS analyst_note, l.analyst,
               l.decided_on AS analyst_decided_on, a.score_at_decision,
               coalesce(l.status = 'passed'
                        AND week.total_score >= a.score_at_decision + {float(margin)!r}, false)
                   AS back_after_pass
        FROM week
        LEFT JOIN latest AS l USING (company_id)
        LEFT JOIN at_decision AS a USING (company_id)
    """


def undecided_sql(week_scores: str) -> str:
    """`decided_sql`'s columns when no decision was ever recorded (no decision table)."""
    return (
        "SELECT *, NULL::VARCHAR AS analyst_status, NULL::VARCHAR AS analyst_note, "
        "NULL::VARCHAR AS analyst, NULL::DATE AS analyst_decided_on, "
        f"NULL::DOUBLE AS score_at_decision, false AS back_after_pass FROM {week_scores}"
    )


KEEPS_SQL = (
    "(coalesce(analyst_status, '') <> 'portfolio' "
    "AND (coalesce(analyst_status, '') <> 'passed' OR back_after_pass))"
)
PORTFOLIO_SQL = "(coalesce(analyst_status, '') = 'portfolio')"


def apply_decisions(
    week_scores: pl.DataFrame,
    decisions: pl.DataFrame,
    history: pl.DataFrame | None = None,
    margin: float = DEFAULT_MARGIN,
) -> pl.DataFrame:
    """`decided_sql` on frames: `week_scores` (one week), `decisions` (columns of
    `DECISION_COLUMNS`), `history` (scores of every week, default: `week_scores`), plus
    `decision_keeps` (whether the company may be listed in its lane)."""
    con = duckdb.connect()
    try:
        with (
            registered(con, "week_scores", week_scores),
            registered(con, "decisions", decisions),
            registered(con, "history", week_scores if history is None else history),
        ):
            sql = decided_sql("week_scores", "history", "decisions", margin)
            return con.sql(f"SELECT *, {KEEPS_SQL} AS decision_keeps FROM ({sql})").pl()
    finally:
        con.close()


def decision_phrase(row: dict) -> str | None:
    """What the analysts decided, in words, for the start of a listed company's rationale: 'Back
    after a pass on 2026-10-05: score 0.52 then, 0.60 now.', 'Analyst status: in diligence since
    2026-10-12 (A. Martin).', 'Portfolio company since 2026-01-15.' None: no decision."""
    status = row.get("analyst_status")
    if not status:
        return None
    day = row.get("analyst_decided_on")
    since = f" since {day.isoformat()}" if isinstance(day, date) else ""
    who = f" ({row['analyst']})" if row.get("analyst") else ""
    if status == "passed":
        then, now = row.get("score_at_decision"), row.get("total_score")
        on = f" on {day.isoformat()}" if isinstance(day, date) else ""
        if row.get("back_after_pass") and then is not None and now is not None:
            return f"Back after a pass{on}{who}: score {then:.2f} then, {now:.2f} now."
        return f"Passed{on}{who}."
    if status == "portfolio":
        return f"Portfolio company{since}{who}."
    return f"Analyst status: {STATUS_LABELS.get(status, status)}{since}{who}."


def with_decision_phrase(frame: pl.DataFrame) -> pl.DataFrame:
    """`rationale` prefixed with `decision_phrase` where the company has a decision."""
    texts = []
    for row in frame.iter_rows(named=True):
        phrase = decision_phrase(row)
        texts.append(f"{phrase} {row['rationale']}" if phrase else row["rationale"])
    return frame.with_columns(pl.Series("rationale", texts, dtype=pl.String))
