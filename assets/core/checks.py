"""Entity checks: the GX suites of the core tables (quality/suites/core.*.yaml, ref.known_investors).

Keys unique and present, each provider key mapped once, referential integrity (rounds, exits,
models, acquisitions -> companies; investments -> investors and companies), valid codes, dates
and amounts in range.
"""

from assets.core.assets import companies, company_taxonomy, investors
from assets.core.rounds import funding_rounds
from quality.checks import suite_checks

core_checks = [
    check
    for asset in (companies, funding_rounds, investors, company_taxonomy)
    for key in sorted(asset.keys)
    for check in suite_checks(key)
]
