import os

from transforms.drops import DropFile, list_drops, new_or_changed, read_cursor, write_cursor


def test_only_finished_deliveries_are_listed_by_name(tmp_path):
    for name in ("b.csv", "a.csv.gz", ".hidden.csv", "c.csv.part", "d.csv.tmp"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    assert [d.name for d in list_drops(tmp_path)] == ["a.csv.gz", "b.csv"]
    assert list_drops(tmp_path / "missing") == []


def test_new_and_changed_files_are_picked_unchanged_ones_are_not(tmp_path):
    (tmp_path / "a.csv").write_text("one")
    seen = read_cursor(write_cursor({d.name: d.fingerprint for d in list_drops(tmp_path)}))
    assert new_or_changed(list_drops(tmp_path), seen) == []
    (tmp_path / "b.csv").write_text("two")
    assert [d.name for d in new_or_changed(list_drops(tmp_path), seen)] == ["b.csv"]
    stat = (tmp_path / "a.csv").stat()
    os.utime(tmp_path / "a.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert [d.name for d in new_or_changed(list_drops(tmp_path), seen)] == ["a.csv", "b.csv"]


def test_cursor_round_trips_and_tolerates_nothing():
    seen = {"a.csv": DropFile("a.csv", 3, 7).fingerprint}
    assert read_cursor(write_cursor(seen)) == {"a.csv": "3:7"}
    assert read_cursor(None) == {} and read_cursor("") == {}
