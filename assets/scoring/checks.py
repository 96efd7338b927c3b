"""Score checks: the GX suite `quality/suites/marts.company_scores.yaml`, on the partition's week.

Scores in [0, 1], one row per company, ranks 1..n, nothing dated after as_of, valid vocabularies.
"""

from assets.scoring.assets import company_scores, success_models
from assets.scoring.backtest import success_backtest
from assets.scoring.shortlist_backtest import shortlist_backtest
from quality.checks import suite_checks

scoring_checks = [
    *suite_checks(success_models),
    *suite_checks(success_backtest),
    *suite_checks(shortlist_backtest),
    *suite_checks(company_scores),
]
