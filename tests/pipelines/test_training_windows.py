"""Training rows with partial windows read nothing dated after the data's end: deleting every
later fact from the warehouse gives the same rows and labels."""

from datetime import timedelta

import numpy as np

from models.calendar import WINDOW, add_months
from models.thesis import load_thesis
from models.training import training_rows
from transforms.features import data_end, extent_as_of


def test_partial_windows_see_only_facts_up_to_the_data_end(warehouse_copy, pipeline_run):
    con = warehouse_copy
    end = add_months(data_end(extent_as_of(con, pipeline_run.as_of)), -3)
    cfg = load_thesis()["success_model"] | {"n_cutoffs": 3, "newest_window_months": 6}
    X, y, origin, windows = training_rows(con, end, cfg)
    assert [w for _, w in windows] == [6, 12, 18]
    assert [c for c, _ in windows] == [add_months(end, -m) for m in (6, 12, 18)]
    for cutoff, months in windows:
        rows = origin == cutoff.toordinal()
        assert rows.any() and (X[WINDOW].to_numpy()[rows] == months).all()
    assert 0 < y.mean() < 1
    # the facts after the data's end, gone: nothing of the rows moves
    later = end + timedelta(days=1)
    con.execute("DELETE FROM core.funding_rounds WHERE funded_on >= ?", [later])
    con.execute("DELETE FROM core.company_exits WHERE exited_on >= ?", [later])
    con.execute("DELETE FROM core.investments WHERE funded_on >= ?", [later])
    X2, y2, origin2, windows2 = training_rows(con, end, cfg)
    assert windows2 == windows and np.array_equal(origin2, origin)
    assert np.array_equal(y2, y) and X2.equals(X)
