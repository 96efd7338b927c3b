"""Month arithmetic and the rolling-origin training cutoffs (no heavy imports)."""

from datetime import date


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


def training_cutoffs(
    data_end: date, horizon_months: int, n_cutoffs: int, step_months: int
) -> list[date]:
    """Cutoffs whose whole outcome window (cutoff, cutoff + horizon] ends on or before `data_end`,
    newest first. `data_end` must itself be on or before the scoring date."""
    newest = add_months(data_end, -horizon_months)
    return [add_months(newest, -k * step_months) for k in range(n_cutoffs)]
