"""Reading provider files as they are: gzip, invalid UTF-8, BOM, multi-line cells, bad files."""

import gzip

import pytest

from transforms.ingest import raw_frame
from transforms.readers import SourceFileError, read_provider_csv
from transforms.sources import SOURCE_KINDS


def test_gzip_invalid_utf8_and_lineage(tmp_path):
    path = tmp_path / "rounds.csv.gz"
    body = b"company_permalink,funded_at\n/ORGANIZATION/Caf\xe9,05-01-2015\n/organization/b,06-01-2015\n"
    path.write_bytes(gzip.compress(body))
    frame, _ = read_provider_csv(path)
    assert frame.height == 2
    assert frame["company_permalink"][0].startswith("/ORGANIZATION/Caf")
    assert frame["_source_row"].to_list() == [1, 2]
    assert frame["_source_file"][0] == str(path)


def test_bom_and_multiline_quoted_cells(tmp_path):
    path = tmp_path / "models.csv"
    path.write_bytes(
        '\ufeffModel,Organization,Abstract\nA,"Org, Inc","line one\nline ""two"""\nB,Org2,x\n'.encode()
    )
    frame, _ = read_provider_csv(path)
    assert frame.columns[:3] == ["Model", "Organization", "Abstract"]
    assert frame["Abstract"][0] == 'line one\nline "two"'
    assert frame["_source_row"].to_list() == [1, 2]


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(SourceFileError, match=r"nope\.csv: file not found"):
        read_provider_csv(tmp_path / "nope.csv")


def test_truncated_gzip_is_a_clear_error(tmp_path):
    path = tmp_path / "companies.csv.gz"
    path.write_bytes(gzip.compress(b"permalink,name\n" + b"/organization/a,A\n" * 1000)[:60])
    with pytest.raises(SourceFileError, match=r"companies\.csv\.gz: corrupt or truncated gzip"):
        read_provider_csv(path)


def test_missing_required_column_names_file_and_column(tmp_path):
    path = tmp_path / "companies.csv"
    path.write_text("name,homepage_url\nA,http://a.example\n")
    with pytest.raises(SourceFileError, match=r"companies.csv: row 1 \(header\).*\['permalink'\]"):
        raw_frame(SOURCE_KINDS["crunchbase.companies"], path)


def test_optional_columns_added_extra_columns_kept(tmp_path):
    path = tmp_path / "companies.csv"
    path.write_text("permalink,name,extra_col\n/organization/a,A,1\n")
    frame, report = raw_frame(SOURCE_KINDS["crunchbase.companies"], path)
    assert "country_code" in frame.columns and "extra_col" in frame.columns
    assert frame.columns[-4:] == ["_malformed", "_source_file", "_source_row", "_loaded_at"]
    assert any("extra_col" in n for n in report.notes) and any(
        "country_code" in n for n in report.notes
    )


def test_alias_column_of_all_ai_models_export(tmp_path):
    path = tmp_path / "all_ai_models.csv"
    path.write_text("Model,Organization,Country (from Organization)\nM,Org,France\n")
    frame, _ = raw_frame(SOURCE_KINDS["epoch_models"], path)
    assert frame["Country (of organization)"][0] == "France"


def test_undeclared_source_is_an_empty_table_with_columns():
    frame, _ = raw_frame(SOURCE_KINDS["crunchbase.rounds"], None)
    assert frame.height == 0 and "funded_at" in frame.columns


ROWS = [
    ["permalink", "name", "country_code"],
    ["/organization/a", "Café Ünïcode", "FRA"],
    ["/organization/b", "B", "ARE"],
]


def _text(delimiter: str = ",") -> str:
    return "\n".join(delimiter.join(r) for r in ROWS) + "\n"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed_from_the_header(tmp_path, delimiter):
    path = tmp_path / "companies.csv"
    path.write_text(_text(delimiter), encoding="utf-8")
    frame, report = read_provider_csv(path)
    assert report.delimiter == delimiter
    assert frame["name"].to_list() == ["Café Ünïcode", "B"]


@pytest.mark.parametrize(
    ("encoding", "label"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8"),
        ("latin-1", "cp1252"),
        ("cp1252", "cp1252"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_encodings_are_detected(tmp_path, encoding, label):
    path = tmp_path / "companies.csv"
    path.write_bytes(_text().encode(encoding))
    frame, report = read_provider_csv(path)
    assert report.encoding == label
    assert frame.columns[:3] == ROWS[0]
    assert frame["name"][0] == "Café Ünïcode"


def test_records_with_wrong_field_count_are_kept_as_malformed(tmp_path):
    path = tmp_path / "companies.csv"
    path.write_text(
        'permalink,name\n/organization/a,A\n/organization/b,B,extra,"x"\n/organization/c,C\n'
    )
    frame, report = read_provider_csv(path)
    assert report.malformed_records == 1
    assert frame["_source_row"].to_list() == [1, 2, 3]
    assert frame["_malformed"][1].startswith("line 3: 4 fields, header has 2")
    assert frame["permalink"].to_list() == ["/organization/a", None, "/organization/c"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\n\n  \n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary content"),
    ],
)
def test_unreadable_files_are_clear_errors(tmp_path, content, message):
    path = tmp_path / "companies.csv"
    path.write_bytes(content)
    with pytest.raises(SourceFileError, match=message):
        read_provider_csv(path)


def test_header_only_file_reads_as_no_rows(tmp_path):
    path = tmp_path / "companies.csv"
    path.write_text("permalink,name\n")
    frame, _ = read_provider_csv(path)
    assert frame.height == 0 and "permalink" in frame.columns
