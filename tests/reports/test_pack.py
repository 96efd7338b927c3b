"""The weekly pack from a hand-made week: the workbook, the offline report, atomic writes."""

import io
import re
from dataclasses import replace
from html import escape

import openpyxl
import polars as pl
import pytest

from reports import pack as pack_module
from reports.pack import write_pack
from reports.paths import pack_folder
from reports.xlsx import sheet_title, workbook_bytes
from tests.reports.conftest import NASTY, WEEK


def _book(data) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(data)))


def _column(ws, name: str) -> int:
    header = [c.value for c in ws[1]]
    return header.index(name) + 1


def test_workbook_sheets_header_links_and_rounding(pack_data):
    book = _book(pack_data)
    assert book.sheetnames == ["summary", "france", "uae", "bridge", "funds", "changes", "backtest"]
    france = book["france"]
    assert france.freeze_panes == "C2"
    assert [c.value for c in france[1]][:3] == ["lane_rank", "name", "total_score"]
    assert "week_start" not in [c.value for c in france[1]]
    name, score = _column(france, "name"), _column(france, "total_score")
    # the name links to the homepage; a javascript: address is not linked
    assert france.cell(2, name).hyperlink.target == "https://mistral.ai"
    assert france.cell(3, name).value == NASTY and france.cell(3, name).hyperlink is None
    assert france.cell(2, score).value == 0.93 and france.cell(3, score).value == 0.612
    assert france.cell(2, score).number_format == "0.000"
    raised = _column(france, "total_raised_usd")
    assert (
        france.cell(2, raised).value == 2_000_000_000
        and france.cell(2, raised).number_format == "#,##0"
    )
    why = _column(france, "rationale")
    assert france.cell(2, why).alignment.wrap_text
    assert france.column_dimensions[openpyxl.utils.get_column_letter(why)].width >= 80
    assert france.cell(2, _column(france, "fra_investors")).value == "Bpifrance; Xavier Niel"
    assert book["uae"].cell(2, 2).hyperlink.target.startswith("https://www.crunchbase.com/")
    # no float anywhere with more than 3 decimals
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, float):
                    assert value == round(value, 3), (ws.title, value)
    assert "No changes table yet" in book["changes"]["A1"].value
    backtest = [c for row in book["backtest"].iter_rows(values_only=True) for c in row if c]
    assert "most_active" in backtest and any(
        "2 of 2" in str(c) or "6 of 6" in str(c) for c in backtest
    )
    assert book["funds"]["C2"].value == "Partech" and book["funds"].freeze_panes == "D2"


def test_workbook_shows_analyst_columns_and_changes_when_present(pack_data):
    shortlist = pack_data.shortlist.with_columns(
        pl.lit("in_diligence").alias("analyst_status"),
        pl.lit("call on Monday").alias("analyst_note"),
    )
    changes = pl.DataFrame(
        {
            "week_start": [WEEK],
            "lane": ["france"],
            "company_id": ["C0"],
            "name": ["Mistral AI"],
            "change": ["up"],
            "rank": [1],
            "previous_rank": [3],
            "reason": ["momentum rose"],
        }
    )
    book = _book(replace(pack_data, shortlist=shortlist, changes=changes))
    header = [c.value for c in book["france"][1]]
    assert {"analyst_status", "analyst_note"} <= set(header)
    assert header.index("analyst_status") < header.index("rationale")
    assert [c.value for c in book["changes"][2]][:2] == ["france", "up"]
    empty = _book(replace(pack_data, changes=changes.clear()))
    assert "no previous week" in empty["changes"]["A1"].value


def test_workbook_without_backtest_or_rows_says_so(pack_data):
    data = replace(
        pack_data,
        shortlist=pack_data.shortlist.filter(pl.col("lane") != "uae"),
        success_backtest=None,
        shortlist_backtest=None,
        calibration=None,
    )
    book = _book(data)
    assert book["uae"]["A1"].value.startswith("No company listed in this lane")
    assert book["backtest"]["A1"].value.startswith("No backtest for this week yet")


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_title("a/b:c", taken) == "a_b_c"
    assert sheet_title("A/B:C", taken) == "A_B_C (2)"
    assert len(sheet_title("x" * 40, taken)) == 31


def test_report_is_self_contained_escaped_and_complete(pack_data):
    page = pack_module.report_html(pack_data)
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport"' in page and "overflow-x:auto" in page
    # nothing fetched: no script, stylesheet, font, import or external image
    lowered = page.lower()
    for banned in ("<script", "<link", "@import", "@font-face", "<img", "<iframe"):
        assert banned not in lowered, banned
    # url() only to the page's own fragments (the charts' clip paths)
    assert not re.search(r"url\(\s*['\"]?(?!#)", lowered)
    links = set(pack_data.shortlist["link"].drop_nulls())
    addresses = set(re.findall(r"https?://[^\"'<> ]+", page))
    assert addresses <= links, addresses - links
    assert 'href="javascript:' not in lowered
    # every lane's companies, escaped; the awkward name never as markup
    for name in pack_data.shortlist["name"]:
        assert escape(name) in page
    assert "<script>alert" not in page
    # charts inline: lanes, scores, the backtest's two plots
    assert page.count("<svg") >= 4
    for lane in ("france", "uae", "bridge"):
        assert f'id="lane-{lane}"' in page
    assert "No changes table yet" in page


def test_pack_writes_both_files_and_a_failed_build_keeps_the_last_pack(
    pack_data, tmp_path, monkeypatch
):
    folder = pack_folder(tmp_path, WEEK)
    files = write_pack(folder, pack_data)
    assert files.workbook.read_bytes()[:2] == b"PK" and files.report.stat().st_size > 1000
    other = pack_folder(tmp_path, WEEK.replace(day=9))
    write_pack(other, pack_data)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def broken(_data):
        raise RuntimeError("chart failed")

    monkeypatch.setattr(pack_module, "report_html", broken)
    with pytest.raises(RuntimeError):
        write_pack(folder, replace(pack_data, shortlist=pack_data.shortlist.head(1)))
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in other.iterdir()) == ["report.html", "shortlist.xlsx"]


def test_report_shows_changes_and_the_analysts_status(pack_data):
    shortlist = pack_data.shortlist.with_columns(
        pl.when(pl.col("company_id") == "C0").then(pl.lit("in_diligence")).alias("analyst_status"),
        pl.when(pl.col("company_id") == "C0")
        .then(pl.lit("data room <b>open</b>"))
        .alias("analyst_note"),
    )
    changes = pl.DataFrame(
        {
            "week_start": [WEEK, WEEK],
            "lane": ["france", "france"],
            "company_id": ["C0", "C8"],
            "name": ["Mistral AI", "Gone SAS"],
            "change": ["up", "dropped"],
            "rank": [1, None],
            "previous_rank": [3, 2],
            "reason": ["momentum rose", "last round aged"],
        }
    )
    page = pack_module.report_html(replace(pack_data, shortlist=shortlist, changes=changes))
    assert "▲ from 3" in page and "in diligence" in page
    assert "data room &lt;b&gt;open&lt;/b&gt;" in page
    assert "Gone SAS" in page and "last round aged" in page
    assert "Changes against the week before" in page  # the changes chart
