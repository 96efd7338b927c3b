"""The pack's workbook (`shortlist.xlsx`): a summary, one sheet per shortlist lane, the funds, the
changes against the week before and the backtests. Numbers rounded and formatted, header frozen
and filterable, names linked to the company's homepage (else its provider profile), long text
wrapped in wide columns. Built in memory with openpyxl: frames in, bytes out."""

from __future__ import annotations

import io
import re
from datetime import datetime
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING

import polars as pl

from reports.data import PackData, model_at_least_naive, top_of_list
from reports.frames import DECIMALS, is_money, lists_as_text, round_floats, safe_url

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# the lane sheets' columns, in this order when present (others follow; week_start and lane are
# the sheet itself); analyst_status / analyst_note come with the analysts' decisions
COMPANY_COLUMNS = [
    "lane_rank",
    "name",
    "total_score",
    "success_probability",
    "thesis_fit",
    "momentum",
    "analyst_status",
    "analyst_note",
    "rationale",
    "city",
    "country_code",
    "founded_year",
    "vertical",
    "sector",
    "last_stage",
    "last_round_on",
    "total_raised_usd",
    "fra_investors",
    "are_investors",
    "ai_confidence",
    "vertical_reason",
    "link",
    "rank",
    "company_id",
]
FUND_COLUMNS = ["lane", "lane_rank", "name", "fund_score", "rationale", "country_code"]
HIDDEN = {"week_start"}
WIDE = {"rationale": 90, "analyst_note": 40, "vertical_reason": 40, "reason": 50, "scope": 60}


@cache
def _styles() -> SimpleNamespace:
    """The cells' fonts, fill and alignments."""
    # deferred: openpyxl loads when a workbook is written, not with the code location
    from openpyxl.styles import Alignment, Font, PatternFill

    return SimpleNamespace(
        header_font=Font(bold=True),
        header_fill=PatternFill("solid", fgColor="DDE4EE"),
        link_font=Font(color="0563C1", underline="single"),
        note_font=Font(italic=True, color="555555"),
        title_font=Font(bold=True, size=12),
        wrap=Alignment(wrap_text=True, vertical="top"),
        top=Alignment(vertical="top"),
    )


def _letter(column: int) -> str:
    """The column's letters ('A', 'AB')."""
    from openpyxl.utils import get_column_letter  # deferred: openpyxl, as in `_styles`

    return get_column_letter(column)


def sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name: no []:*?/\\ characters, at most 31 characters, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "sheet"
    title, n = base[:31], 2
    while title.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def _ordered(frame: pl.DataFrame, first: list[str], drop: set[str]) -> pl.DataFrame:
    columns = [c for c in first if c in frame.columns]
    rest = [c for c in frame.columns if c not in columns and c not in drop]
    return frame.select(*columns, *rest)


def _number_format(name: str, dtype: pl.DataType) -> str | None:
    if dtype.is_float():
        return "#,##0" if is_money(name) else "0." + "0" * DECIMALS
    if dtype.is_integer():
        return "0"
    if dtype == pl.Date:
        return "yyyy-mm-dd"
    return None


def _width(name: str, values: list[object]) -> float:
    if name in WIDE:
        return WIDE[name]
    longest = max([len(name), *(len(str(v)) for v in values if v is not None)])
    return min(max(longest + 2, 8), 45)


def write_table(
    ws: Worksheet, frame: pl.DataFrame, start_row: int = 1, link_column: str | None = None
) -> int:
    """`frame` at `start_row` (header, then rows): rounded, formatted, text wrapped in wide
    columns; `name` linked to `link_column`'s address when it is an http(s) one. Returns the
    next free row."""
    links = frame[link_column].to_list() if link_column and link_column in frame.columns else None
    shown = lists_as_text(round_floats(frame))
    style = _styles()
    for j, name in enumerate(shown.columns, start=1):
        cell = ws.cell(row=start_row, column=j, value=name)
        cell.font, cell.fill, cell.alignment = style.header_font, style.header_fill, style.wrap
        values = shown[name].to_list()
        number_format = _number_format(name, shown.schema[name])
        wrap = name in WIDE or isinstance(frame.schema[name], pl.List)
        for i, value in enumerate(values, start=start_row + 1):
            if isinstance(value, datetime):
                value = value.replace(tzinfo=None)
            cell = ws.cell(row=i, column=j, value=value)
            cell.alignment = style.wrap if wrap else style.top
            if number_format and value is not None:
                cell.number_format = number_format
            url = safe_url(value) if name == "link" else None
            if name == "name" and links is not None:
                url = safe_url(links[i - start_row - 1])
            if url:
                cell.hyperlink = url
                cell.font = style.link_font
        letter = _letter(j)
        width = _width(name, values)
        if (ws.column_dimensions[letter].width or 0) < width:
            ws.column_dimensions[letter].width = width
    return start_row + 1 + shown.height


def _note(ws: Worksheet, row: int, text: str) -> int:
    ws.cell(row=row, column=1, value=text).font = _styles().note_font
    return row + 1


def _title(ws: Worksheet, row: int, text: str) -> int:
    ws.cell(row=row, column=1, value=text).font = _styles().title_font
    return row + 1


def _lane_sheet(ws: Worksheet, rows: pl.DataFrame, scope: str, size: int) -> None:
    if rows.is_empty():
        _note(ws, 1, f"No company listed in this lane this week ({scope}).")
        return
    frame = _ordered(rows, COMPANY_COLUMNS, HIDDEN | {"lane"})
    write_table(ws, frame, link_column="link")
    ws.freeze_panes = "C2"  # the header and the rank and name columns stay in view
    ws.auto_filter.ref = f"A1:{_letter(frame.width)}{frame.height + 1}"


def _summary_sheet(ws: Worksheet, data: PackData) -> None:
    row = _title(ws, 1, f"France–UAE AI shortlist, week of {data.week.isoformat()}")
    if data.as_of:
        row = _note(ws, row, f"Scores as of {data.as_of.isoformat()}; facts dated after it unused.")
    row += 1
    lanes = pl.DataFrame(
        [
            {
                "lane": lane.name,
                "scope": lane.description,
                "size": lane.size,
                "listed": data.lane_rows(lane.name).height,
            }
            for lane in data.company_lanes
        ],
        schema={"lane": pl.String, "scope": pl.String, "size": pl.Int64, "listed": pl.Int64},
    )
    write_table(ws, lanes, start_row=row)
    ws.freeze_panes = f"A{row + 1}"
    row += lanes.height + 2
    for line in (
        "One sheet per lane, best first; the company name links to its homepage (else its "
        "Crunchbase profile).",
        "Scores are 0..1; success_probability is the chance of a new round or exit within 24 "
        "months (empty: not in the model's population).",
        "The rationale says what speaks for each company and what holds it back.",
    ):
        row = _note(ws, row, line)


def _funds_sheet(ws: Worksheet, funds: pl.DataFrame | None) -> None:
    if funds is None or funds.is_empty():
        _note(ws, 1, "No fund shortlist for this week.")
        return
    frame = _ordered(funds, FUND_COLUMNS, HIDDEN)
    write_table(ws, frame)
    ws.freeze_panes = "D2"
    ws.auto_filter.ref = f"A1:{_letter(frame.width)}{frame.height + 1}"


def _changes_sheet(ws: Worksheet, changes: pl.DataFrame | None) -> None:
    if changes is None:
        _note(ws, 1, "No changes table yet (marts.shortlist_changes is not in the warehouse).")
        return
    if changes.is_empty():
        _note(ws, 1, "No change to show: no previous week to compare with.")
        return
    frame = _ordered(changes, ["lane", "change", "rank", "previous_rank", "name", "reason"], HIDDEN)
    write_table(ws, frame)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{_letter(frame.width)}{frame.height + 1}"


def _backtest_sheet(ws: Worksheet, data: PackData) -> None:
    lanes, results = data.shortlist_backtest, data.success_backtest
    if not (lanes is not None and lanes.height) and not (results is not None and results.height):
        _note(
            ws,
            1,
            "No backtest for this week yet: model_evaluation_job runs after the weekly run and "
            "writes this pack again with it.",
        )
        return
    row = 1
    if lanes is not None and lanes.height:
        row = _title(
            ws, row, "The shortlist lane by lane at past cutoffs (marts.shortlist_backtest)"
        )
        ws.freeze_panes = "A3"
        row = write_table(ws, lanes.drop("week_start", strict=False), start_row=row) + 1
    if results is not None and results.height:
        top = top_of_list(results, data.ks)
        wins, cells = model_at_least_naive(top, data.ks)
        row = _title(ws, row, "The success model's top of the list against most_active")
        if cells:
            row = _note(ws, row, f"precision@k of the model >= most_active's in {wins} of {cells}")
        row = write_table(ws, top, start_row=row) + 1
        row = _title(ws, row, "Every method at every cutoff (marts.success_backtest)")
        write_table(ws, results.drop("week_start", strict=False), start_row=row)


def workbook_bytes(data: PackData) -> bytes:
    """The week's workbook as .xlsx bytes."""
    from openpyxl import Workbook  # deferred: openpyxl, as in `_styles`

    wb = Workbook()
    taken: set[str] = set()
    summary = wb.active
    summary.title = sheet_title("summary", taken)
    _summary_sheet(summary, data)
    for lane in data.company_lanes:
        ws = wb.create_sheet(sheet_title(lane.name, taken))
        _lane_sheet(ws, data.lane_rows(lane.name), lane.description, lane.size)
    _funds_sheet(wb.create_sheet(sheet_title("funds", taken)), data.funds)
    _changes_sheet(wb.create_sheet(sheet_title("changes", taken)), data.changes)
    _backtest_sheet(wb.create_sheet(sheet_title("backtest", taken)), data)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
