"""The providers' undated `status` is read only when as_of is on or after the export date of every
declared provider whose status core.companies reads (models.score_store.status_usable)."""

from datetime import date

import pytest

from models.score_store import status_usable

CB = "crunchbase:\n  companies: c.csv\n{snap}"
BULK = "crunchbase_bulk:\n  organizations: o.csv\n{snap}"


def sources(tmp_path, text: str):
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "as_of", "usable"),
    [
        (CB.format(snap="  snapshot_date: 2015-12-04\n"), date(2015, 12, 9), True),
        (CB.format(snap="  snapshot_date: 2015-12-04\n"), date(2015, 12, 1), False),
        (CB.format(snap=""), date(2015, 12, 9), False),  # no export date: never
        (BULK.format(snap="  snapshot_date: 2026-10-31\n"), date(2026, 11, 4), True),
        (BULK.format(snap=""), date(2026, 11, 4), False),
        # both exports: on or after both dates only
        (
            CB.format(snap="  snapshot_date: 2015-12-04\n")
            + BULK.format(snap="  snapshot_date: 2026-10-31\n"),
            date(2020, 1, 1),
            False,
        ),
        (
            CB.format(snap="  snapshot_date: 2015-12-04\n")
            + BULK.format(snap="  snapshot_date: 2026-10-31\n"),
            date(2026, 11, 4),
            True,
        ),
        (
            CB.format(snap="  snapshot_date: 2015-12-04\n") + BULK.format(snap=""),
            date(2026, 11, 4),
            False,
        ),
        ("epoch_models: m.csv\n", date(2026, 11, 4), False),  # no status read at all
    ],
)
def test_status_is_usable_after_every_snapshot_whose_status_is_read(tmp_path, text, as_of, usable):
    assert status_usable(sources(tmp_path, text), as_of) is usable
