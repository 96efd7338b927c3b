"""Decision checks: the GX suite of `core.analyst_decisions` (statuses, dates, matched companies
exist; unmatched decisions as a warning)."""

from assets.decisions.assets import analyst_decisions
from quality.checks import suite_checks

decisions_checks = suite_checks(analyst_decisions)
