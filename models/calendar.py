"""Month arithmetic and the rolling-origin training cutoffs (no heavy imports)."""

from datetime import date

WINDOW = "window_months"
"""Training rows' model input: the months of outcome their cutoff has seen (the horizon when
scoring)."""


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` (negative goes back), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    raise ValueError(day)


def training_windows(
    data_end: date,
    horizon_months: int,
    n_cutoffs: int,
    step_months: int,
    newest_window_months: int | None = None,
) -> list[tuple[date, int]]:
    """Rolling-origin cutoffs with the months of outcome each one has seen by `data_end`, newest
    first: the newest cutoff is `newest_window_months` before `data_end` (default: the horizon,
    so every window is whole), the others `step_months` apart. A window is the horizon, or
    shorter where `data_end` cuts it: (cutoff, cutoff + window] always ends on or before
    `data_end`, which must itself be on or before the scoring date."""
    newest = horizon_months if newest_window_months is None else int(newest_window_months)
    if not 0 < newest <= horizon_months:
        raise ValueError(f"newest_window_months {newest} must be in 1..{horizon_months}")
    out = []
    for k in range(n_cutoffs):
        back = newest + k * step_months
        out.append((add_months(data_end, -back), min(horizon_months, back)))
    return out
