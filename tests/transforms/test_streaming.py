"""Large files are streamed into DuckDB (transforms/streaming.py): every messy-input case is loaded
both ways -- whole-file reader, and streaming with tiny chunks and batches so that multi-byte
characters, the BOM and batches straddle chunk boundaries -- and must give the same table, the
same read report, or the same error."""

import gzip
from datetime import UTC, datetime

import duckdb
import pytest

import transforms.streaming as streaming
from transforms.ingest import load_raw
from transforms.readers import SourceFileError
from transforms.sources import SOURCE_KINDS

LOADED_AT = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
COMPANIES = "permalink,name,country_code\n/organization/a,Café Ünïcode,FRA\n/organization/b,B,ARE\n"


def companies(delimiter: str = ",") -> str:
    return COMPANIES.replace(",", delimiter)


CASES = {
    "gzip_invalid_utf8": (
        "crunchbase.rounds",
        gzip.compress(
            b"company_permalink,funded_at\n/ORGANIZATION/Caf\xe9,05-01-2015\n"
            b"/organization/caf\xc3\xa9,06-01-2015\n"
        ),
    ),
    "cp1252_gzip": ("crunchbase.companies", gzip.compress(companies().encode("cp1252"))),
    "latin1": ("crunchbase.companies", companies().encode("latin-1")),
    "utf8_bom_multiline": (
        "epoch_models",
        '\ufeffModel,Organization,Abstract\nA,"Org, Inc","line one\nline ""two"""\nB,Org2,x\n'.encode(),
    ),
    "utf16": ("crunchbase.companies", companies().encode("utf-16")),
    "utf16_le": ("crunchbase.companies", companies().encode("utf-16-le")),
    "semicolon": ("crunchbase.companies", companies(";").encode()),
    "tab": ("crunchbase.companies", companies("\t").encode()),
    "pipe": ("crunchbase.companies", companies("|").encode()),
    "alias_and_extra_columns": (
        "epoch_models",
        b"Model,Organization,Country (from Organization),extra\nM,Org,France,1\n",
    ),
    "optional_columns_absent": ("crunchbase.companies", b"permalink,name\n/organization/a,A\n"),
    "malformed_records": (
        "crunchbase.companies",
        b'permalink,name\n/organization/a,A\n/organization/b,B,extra,"x"\n/organization/c,C\n'
        b"/organization/d\n/organization/e,E\n",
    ),
    "short_rows_blank_lines_quoted_empties": (
        "crunchbase.companies",
        b'permalink,name,status\n/organization/a\n\n"",,""\n/organization/b,B,"op\r\nen"\r\n\n\n',
    ),
    "trailing_unnamed_column_and_spaces": (
        "crunchbase.companies",
        b" permalink , name ,\n/organization/a, A ,\n",
    ),
    "header_only": ("crunchbase.companies", b"permalink,name\n"),
    "no_final_newline": ("crunchbase.companies", b"permalink,name\n/organization/a,A"),
    "missing_required_column": ("crunchbase.companies", b"name,homepage_url\nA,http://a\n"),
    "empty": ("crunchbase.companies", b""),
    "whitespace": ("crunchbase.companies", b"\n\n  \n"),
    "png": ("crunchbase.companies", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
    "truncated_gzip": (
        "crunchbase.companies",
        gzip.compress(b"permalink,name\n" + b"/organization/a,A\n" * 5000)[:60],
    ),
}


def load(path, kind: str, stream: bool, tmp_path):
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    try:
        report = load_raw(
            con,
            "raw.t",
            SOURCE_KINDS[kind],
            path,
            loaded_at=LOADED_AT,
            workdir=tmp_path,
            stream_min_bytes=0 if stream else 10**12,
        )
    except SourceFileError as exc:
        return "error", str(exc).split(" (")[0]
    types = con.sql("DESCRIBE raw.t").fetchall()
    rows = con.sql("SELECT * FROM raw.t ORDER BY _source_row").fetchall()
    con.close()
    return types, rows, report


@pytest.mark.parametrize("case", list(CASES))
def test_streaming_gives_the_whole_file_result(case, tmp_path, monkeypatch):
    kind, content = CASES[case]
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    whole = load(path, kind, False, tmp_path)
    monkeypatch.setattr(streaming, "CHUNK_BYTES", 7)
    monkeypatch.setattr(streaming, "TOLERANT_BATCH_ROWS", 2)
    streamed = load(path, kind, True, tmp_path)
    assert streamed == whole
    assert list(tmp_path.glob("dealflow-ingest-*")) == []  # temporary files removed


def test_streamed_lineage_and_malformed_lines(tmp_path, monkeypatch):
    kind, content = CASES["malformed_records"]
    path = tmp_path / "companies.csv.gz"
    path.write_bytes(gzip.compress(content))
    monkeypatch.setattr(streaming, "TOLERANT_BATCH_ROWS", 2)
    _, rows, report = load(path, kind, True, tmp_path)
    assert report.malformed_records == 2
    assert [r[-2] for r in rows] == [1, 2, 3, 4, 5]  # _source_row across batches
    malformed = [r[-4] for r in rows]
    assert malformed[1].startswith("line 3: 4 fields, header has 2")
    assert malformed[3].startswith("line 5: 1 fields, header has 2")
    assert {r[-3] for r in rows} == {str(path)}


def test_missing_file_is_named(tmp_path):
    assert load(tmp_path / "nope.csv", "crunchbase.companies", True, tmp_path) == (
        "error",
        f"{tmp_path / 'nope.csv'}: file not found",
    )
