"""Fund checks: the GX suites of core.fund_performance and core.funds (keys present and unique,
figures in range, each fund raise's investor id present)."""

from assets.funds.assets import fund_performance, funds
from quality.checks import suite_checks

funds_checks = [
    check
    for asset in (fund_performance, funds)
    for key in sorted(asset.keys)
    for check in suite_checks(key)
]
