"""Score checks: the GX suite `quality/suites/marts.company_scores.yaml`, on the partition's week.

Scores in [0, 1], one row per company, ranks 1..n, nothing dated after as_of, valid vocabularies.
"""

from assets.scoring.assets import success_models
from assets.scoring.backtest import SUCCESS_BACKTEST
from assets.scoring.shortlist_backtest import shortlist_backtest
from assets.tables import table_key
from models.score_store import SCORE_TABLES
from quality.checks import suite_checks

COMPANY_SCORES = table_key(SCORE_TABLES.latest)

scoring_checks = [
    *suite_checks(success_models),
    *suite_checks(SUCCESS_BACKTEST),
    *suite_checks(shortlist_backtest),
    *suite_checks(COMPANY_SCORES),
]
