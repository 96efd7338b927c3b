"""The pack's report (`report.html`): one self-contained page a committee reads offline, on a
phone. Inline CSS, charts as inline SVG, no script, stylesheet, font or image fetched; the only
addresses in it are the companies' own links. Every text from the data is escaped."""

from __future__ import annotations

from html import escape

import polars as pl

from models.lanes import Lane
from reports import charts
from reports.data import PackData, model_at_least_naive, top_of_list
from reports.frames import safe_url

BACKTEST_LANE_COLUMNS = (
    "cutoff",
    "lane",
    "n_candidates",
    "n_listed",
    "hits",
    "hit_rate",
    "naive_hit_rate",
    "lane_base_rate",
)
CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:#1d2330;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:12px}
header{background:#1f3a5f;color:#fff;padding:16px 12px}
header h1{margin:0 auto;max-width:1100px;font-size:1.35em}
header p{margin:4px auto 0;max-width:1100px;opacity:.9}
nav{display:flex;flex-wrap:wrap;gap:6px;margin:10px 0}
nav a{background:#fff;border:1px solid #cfd6e0;border-radius:14px;padding:3px 10px;
text-decoration:none;color:#1f3a5f;font-size:.9em}
section{background:#fff;border:1px solid #e1e5eb;border-radius:8px;padding:10px 12px;margin:12px 0}
h2{font-size:1.15em;margin:.2em 0 .4em}
h3{font-size:1em;margin:.8em 0 .3em}
.muted{color:#5b6473;font-size:.9em}
.note{color:#7a4b00;background:#fff6e5;border-radius:6px;padding:6px 8px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:10px}
figure{margin:0}
svg.chart{width:100%;height:auto;display:block}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid #eef0f3;border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{padding:6px 8px;border-bottom:1px solid #eef0f3;text-align:left;vertical-align:top}
th{background:#eef2f7;position:sticky;top:0;white-space:nowrap}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.why{min-width:18em}
td.nowrap{white-space:nowrap}
td.company{min-width:9em}
table.lane tr.facts td{border-bottom:0;padding-bottom:2px}
table.lane tr.why td{color:#3a4250;font-size:.92em;padding-top:0;border-bottom:1px solid #dfe3ea}
.status{display:inline-block;border-radius:10px;padding:0 7px;background:#e8eefc;font-size:.85em}
.change-new,.change-up{color:#1e7b34}.change-down,.change-dropped{color:#b23a2e}
a{color:#0b5cad}
@media (max-width:600px){body{font-size:14px}main{padding:6px}section{padding:8px}
td.why{min-width:14em}}
"""


def _text(value: object) -> str:
    return "" if value is None else escape(str(value))


def _score(value: object, digits: int = 2) -> str:
    return "" if value is None else f"{float(value):.{digits}f}"


def _percent(value: object) -> str:
    return "" if value is None else f"{float(value) * 100:.0f}%"


def _money(value: object) -> str:
    if value is None:
        return ""
    amount = float(value)
    for size, unit in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(amount) >= size:
            return f"USD {amount / size:.1f}".removesuffix(".0") + unit
    return f"USD {amount:.0f}"


def _link(name: object, url: object) -> str:
    href = safe_url(url)
    if not href:
        return _text(name)
    return f'<a href="{escape(href, quote=True)}" rel="noopener noreferrer">{_text(name)}</a>'


def _table(header: list[str], rows: list[list[str]], classes: list[str] | None = None) -> str:
    """A table from already escaped cells, wrapped to scroll sideways on a narrow screen."""
    classes = classes or [""] * len(header)
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{c}">{cell}</td>' if c else f"<td>{cell}</td>"
            for cell, c in zip(row, classes, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _listing(header: list[str], classes: list[str], rows: list[tuple[list[str], str]]) -> str:
    """A table narrow enough for a phone: each item a row of short facts (escaped cells), then
    its long text (escaped) on a row of its own across the table, under the facts."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        '<tr class="facts">'
        + "".join(f'<td class="{c}">{cell}</td>' for cell, c in zip(cells, classes, strict=True))
        + f'</tr><tr class="why"><td></td><td colspan="{len(header) - 1}">{why}</td></tr>'
        for cells, why in rows
    )
    return (
        f'<div class="scroll"><table class="lane"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _frame_table(frame: pl.DataFrame, digits: int = 3) -> str:
    """Any frame as an escaped table, floats rounded to `digits`."""
    rows = []
    for row in frame.iter_rows():
        rows.append(
            [
                _score(v, digits) if isinstance(v, float) else _text(v)
                for v in (", ".join(x) if isinstance(x, list) else x for x in row)
            ]
        )
    classes = [
        "num" if frame.schema[c].is_numeric() else "nowrap" if frame.schema[c] == pl.Date else ""
        for c in frame.columns
    ]
    return _table(frame.columns, rows, classes)


def _company_cell(row: dict) -> str:
    """Name (linked), analyst status, then one muted line of facts: where, since when, what,
    the last round and the money raised."""
    place = ", ".join(_text(row.get(k)) for k in ("city", "country_code") if row.get(k))
    founded = f"founded {row['founded_year']}" if row.get("founded_year") else ""
    what = " · ".join(
        _text(str(row[k]).replace("_", " ")) for k in ("vertical", "sector") if row.get(k)
    )
    stage = str(row["last_stage"]).replace("_", " ") if row.get("last_stage") else None
    last_round = " ".join(p for p in (_text(stage), _text(row.get("last_round_on"))) if p)
    if last_round:
        last_round = f"last round {last_round}"
    raised = _money(row.get("total_raised_usd")) if row.get("total_raised_usd") else ""
    if raised:
        raised = f"raised {raised}"
    details = " · ".join(p for p in (place, founded, what, last_round, raised) if p)
    status = ""
    if row.get("analyst_status"):
        status = (
            f' <span class="status">{_text(str(row["analyst_status"]).replace("_", " "))}</span>'
        )
    return f"<strong>{_link(row.get('name'), row.get('link'))}</strong>{status}" + (
        f'<br><span class="muted">{details}</span>' if details else ""
    )


def _change_badge(change: dict | None) -> str:
    """' new', ' ▲ from 3', ' ▼ from 1' or '' (same, or no changes table)."""
    if not change or change.get("change") in (None, "same"):
        return ""
    kind = str(change["change"])
    text = kind
    if kind in ("up", "down") and change.get("previous_rank") is not None:
        text = f"{'▲' if kind == 'up' else '▼'} from {change['previous_rank']}"
    return f' <span class="change-{escape(kind, quote=True)}">{escape(text)}</span>'


def lane_section(lane: Lane, rows: pl.DataFrame, changes: dict[str, dict] | None = None) -> str:
    """One lane: its scope, how many it lists, and its companies best first: a row of facts narrow
    enough for a phone and, under it across the table, why the company is listed (and the
    analyst's note)."""
    heading = (
        f'<section id="lane-{escape(lane.name, quote=True)}"><h2>{_text(lane.name)}: '
        f"{rows.height} of {lane.size} listed</h2>"
        f'<p class="muted">{_text(lane.description)}</p>'
    )
    if rows.is_empty():
        return heading + '<p class="note">No company listed in this lane this week.</p></section>'
    listed = []
    for row in rows.iter_rows(named=True):
        why = _text(row.get("rationale"))
        if row.get("analyst_note"):
            why = f"<strong>Analyst note:</strong> {_text(row['analyst_note'])}<br>{why}"
        cells = [
            _text(row.get("lane_rank")),
            _company_cell(row) + _change_badge((changes or {}).get(row.get("company_id"))),
            _score(row.get("total_score")),
            _percent(row.get("success_probability")),
        ]
        listed.append((cells, why))
    table = _listing(["#", "company", "score", "success"], ["num", "company", "num", "num"], listed)
    return heading + table + "</section>"


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption class='muted'>{escape(caption)}</figcaption></figure>"


def _charts_section(data: PackData) -> str:
    figures = []
    if data.shortlist.height:
        figures.append(
            _figure(
                charts.lane_composition_svg(data.shortlist, data.company_lanes),
                "Companies listed in each lane, by vertical.",
            )
        )
        figures.append(
            _figure(
                charts.score_distribution_svg(data.shortlist, data.company_lanes),
                "Total score of every listed company (0..1).",
            )
        )
    if data.changes is not None and data.changes.height and "change" in data.changes.columns:
        figures.append(
            _figure(
                charts.changes_svg(data.changes, data.company_lanes),
                "New, dropped, up, down and unchanged companies against the week before.",
            )
        )
    if not figures:
        return '<section id="charts"><h2>Charts</h2><p class="note">No company listed this week.</p></section>'
    return f'<section id="charts"><h2>This week at a glance</h2><div class="charts">{"".join(figures)}</div></section>'


def _changes_section(changes: pl.DataFrame | None) -> str:
    head = '<section id="changes"><h2>Changes against last week</h2>'
    if changes is None:
        return (
            head + '<p class="note">No changes table yet (marts.shortlist_changes).</p></section>'
        )
    if changes.is_empty():
        return head + '<p class="note">No previous week to compare with.</p></section>'
    wanted = ["lane", "change", "rank", "previous_rank", "name", "reason"]
    rows = []
    columns = [c for c in wanted if c in changes.columns]
    for row in changes.select(columns).iter_rows(named=True):
        cells = []
        for c in columns:
            text = _text(row[c])
            if c == "change":
                text = f'<span class="change-{escape(str(row[c]), quote=True)}">{text}</span>'
            cells.append(text)
        rows.append(cells)
    classes = ["num" if c in ("rank", "previous_rank") else "" for c in columns]
    return head + _table(columns, rows, classes) + "</section>"


def _funds_section(data: PackData) -> str:
    head = '<section id="funds"><h2>Funds for an LP commitment</h2>'
    funds = data.funds
    if funds is None or funds.is_empty():
        return head + '<p class="note">No fund shortlist for this week.</p></section>'
    parts = [head]
    for lane in data.fund_lanes:
        rows = funds.filter(pl.col("lane") == lane.name).sort("lane_rank")
        parts.append(f"<h3>{_text(lane.name)}: {rows.height} of {lane.size}</h3>")
        parts.append(f'<p class="muted">{_text(lane.description)}</p>')
        if rows.height:
            listed = [
                (
                    [
                        _text(r["lane_rank"]),
                        f"<strong>{_text(r['name'])}</strong>",
                        _text(r.get("country_code")),
                        _score(r.get("fund_score")),
                    ],
                    _text(r.get("rationale")),
                )
                for r in rows.iter_rows(named=True)
            ]
            parts.append(
                _listing(["#", "fund", "country", "score"], ["num", "company", "", "num"], listed)
            )
    return "".join(parts) + "</section>"


def _backtest_section(data: PackData) -> str:
    head = '<section id="backtest"><h2>How the method did in the past</h2>'
    lanes, results = data.shortlist_backtest, data.success_backtest
    has_lanes = lanes is not None and lanes.height > 0
    has_results = results is not None and results.height > 0
    if not has_lanes and not has_results:
        return (
            head + '<p class="note">No backtest for this week yet: the model evaluation runs '
            "after the weekly run and writes this pack again.</p></section>"
        )
    parts = [head]
    figures = []
    if has_results:
        calibration = data.calibration if data.calibration is not None else pl.DataFrame()
        if calibration.is_empty():
            calibration = pl.DataFrame(
                schema={
                    "bin": pl.Int64,
                    "mean_predicted": pl.Float64,
                    "observed_rate": pl.Float64,
                    "count": pl.Int64,
                }
            )
        figures.append(
            _figure(
                charts.precision_at_k_svg(results, list(data.ks)),
                "Share of companies that raised again or exited within 24 months among each "
                "method's top k, mean over past cutoffs (model: the success model).",
            )
        )
        figures.append(
            _figure(
                charts.calibration_svg(calibration),
                "The model's predicted chance against the observed rate (diagonal: exact).",
            )
        )
    if has_lanes:
        figures.append(
            _figure(
                charts.shortlist_backtest_svg(lanes),
                "Hit rate of each lane's list at past cutoffs against the most-active ranking.",
            )
        )
    parts.append(f'<div class="charts">{"".join(figures)}</div>')
    if has_results:
        top = top_of_list(results, data.ks)
        wins, cells = model_at_least_naive(top, data.ks)
        parts.append("<h3>The model's top of the list against the most active companies</h3>")
        if cells:
            parts.append(
                f"<p class=\"muted\">The model's precision@k is at least most_active's in "
                f"{wins} of {cells} cells (cutoff × k).</p>"
            )
        parts.append(_frame_table(top))
    if has_lanes:
        shown = [c for c in BACKTEST_LANE_COLUMNS if c in lanes.columns]
        parts.append("<h3>The shortlist lane by lane at past cutoffs</h3>")
        parts.append(_frame_table(lanes.select(shown)))
    return "".join(parts) + "</section>"


def report_html(data: PackData) -> str:
    """The week's report as one HTML page."""
    as_of = f" · scores as of {data.as_of.isoformat()}" if data.as_of else ""
    nav = "".join(
        f'<a href="#lane-{escape(lane.name, quote=True)}">{_text(lane.name)}</a>'
        for lane in data.company_lanes
    ) + "".join(
        f'<a href="#{anchor}">{label}</a>'
        for anchor, label in (
            ("charts", "charts"),
            ("changes", "changes"),
            ("funds", "funds"),
            ("backtest", "backtest"),
        )
    )
    summary = _table(
        ["lane", "listed", "scope"],
        [
            [
                f'<a href="#lane-{escape(lane.name, quote=True)}">{_text(lane.name)}</a>',
                f"{data.lane_rows(lane.name).height} of {lane.size}",
                _text(lane.description),
            ]
            for lane in data.company_lanes
        ],
        ["", "num", ""],
    )
    changes = {}
    if data.changes is not None and {"company_id", "change"} <= set(data.changes.columns):
        changes = {r["company_id"]: r for r in data.changes.iter_rows(named=True)}
    lanes = "".join(
        lane_section(lane, data.lane_rows(lane.name), changes) for lane in data.company_lanes
    )
    title = f"France–UAE AI shortlist, week of {data.week.isoformat()}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><p>Start-ups for a joint French–Emirati review, in "
        f"lanes{escape(as_of)}</p></header><main><nav>{nav}</nav>"
        f'<section id="summary"><h2>Lanes</h2>{summary}<p class="muted">Scores are 0..1; '
        "success is the model's chance of a new round or exit within 24 months (blank: no "
        "funding history to judge). Each row says why it is there.</p></section>"
        f"{_charts_section(data)}{lanes}{_changes_section(data.changes)}"
        f"{_funds_section(data)}{_backtest_section(data)}"
        '<footer class="muted"><p>Built by the dealflow pipeline from the week\'s tables '
        "(marts.weekly_shortlist, marts.fund_shortlist, marts.shortlist_changes, "
        "marts.shortlist_backtest, marts.success_backtest).</p></footer></main></body></html>"
    )
