"""Mapped exports on the raw side: a provider's columns renamed to ours through the declared
mapping, loosely matched headers, the file's settings on its rows, several files stacked."""

import openpyxl
import polars as pl
import pytest

from transforms.mapped import mapped_raw_frame
from transforms.readers import SourceFileError
from transforms.sources import load_sources


def _sources(tmp_path, body: str):
    yml = tmp_path / "sources.yaml"
    yml.write_text("mapped_exports:\n" + body)
    return load_sources(yml)


def test_an_excel_and_a_csv_are_renamed_and_stacked(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NAME", "WEBSITE", "HQ  Country", "EMPLOYEES"])
    sheet.append(["Lumen AI", "https://lumen.ai", "France", 12])
    sheet.append([None, None, None, None])  # a blank row is skipped
    sheet.append(["Sable Health", "sable.ae", "AE", 40])
    book.save(tmp_path / "partner.xlsx")
    (tmp_path / "list.csv").write_text("Company;Site\nRive Pay;rive.fr\n")
    sources = _sources(
        tmp_path,
        "  - {file: partner.xlsx, entity: companies,"
        " columns: {name: NAME, domain: WEBSITE, country: HQ COUNTRY}}\n"
        "  - {file: list.csv, entity: companies, columns: {name: company, domain: SITE}}\n",
    )
    frame, report = mapped_raw_frame("companies", sources.mapped_of("companies"))
    assert frame["name"].to_list() == ["Lumen AI", "Sable Health", "Rive Pay"]
    assert frame["country"].to_list() == ["France", "AE", None]  # `HQ  Country` matched loosely
    assert frame["_source_row"].to_list() == [1, 3, 1]
    assert frame["_source_file"].str.ends_with("partner.xlsx").sum() == 2
    assert frame.schema["founded_on"] == pl.String and frame["founded_on"].null_count() == 3
    assert frame["amount_unit"].to_list() == ["1.0"] * 3
    assert any("EMPLOYEES" in n for n in report.notes)  # an unmapped column is noted, not lost


def test_the_file_settings_ride_on_its_rows(tmp_path):
    (tmp_path / "r.csv").write_text("CO,DATE,AMT\nLumen AI,2025-03-01,2.5\n")
    sources = _sources(
        tmp_path,
        "  - {file: r.csv, entity: rounds, amount_unit: 1000000, currency: EUR,"
        " columns: {company: CO, announced_on: DATE, amount: AMT}}\n",
    )
    frame, _ = mapped_raw_frame("rounds", sources.mapped_of("rounds"))
    row = frame.row(0, named=True)
    assert (row["company"], row["amount"], row["amount_unit"], row["default_currency"]) == (
        "Lumen AI",
        "2.5",
        "1000000.0",
        "EUR",
    )
    assert row["currency"] is None and row["investors"] is None


def test_a_mapped_column_the_file_lacks_names_file_key_and_header(tmp_path):
    (tmp_path / "r.csv").write_text("CO,DATE\nLumen AI,2025-03-01\n")
    sources = _sources(
        tmp_path,
        "  - {file: r.csv, entity: rounds, columns: {company: CO, announced_on: ROUND DATE}}\n",
    )
    with pytest.raises(SourceFileError) as err:
        mapped_raw_frame("rounds", sources.mapped_of("rounds"))
    message = str(err.value)
    assert str(tmp_path / "r.csv") in message and "row 1 (header)" in message
    assert "key 'columns.announced_on'" in message and "'ROUND DATE'" in message
    assert "['CO', 'DATE']" in message


def test_no_mapped_export_is_an_empty_table_with_our_columns():
    frame, report = mapped_raw_frame("investments", ())
    assert frame.height == 0 and {"company", "investor", "is_lead", "_source_row"} <= set(
        frame.columns
    )
    assert report.notes == ["no mapped export of this entity"]
