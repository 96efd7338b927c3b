"""Jobs. One writer at a time: the in-process executor keeps every step on one DuckDB connection
at a time; two runs never write at once because each holds the home's writer lock (`flock`, the
`Warehouse` resource) from its first step to its end, and the daemon's run queue starts one run at
a time (`concurrency.runs.max_concurrent_runs: 1` in dagster.yaml; docs/concurrency.md)."""

import dagster as dg

from assets.drops.assets import round_drops_job as _round_drops_job
from warehouse.partitions import weekly_partitions

ROUND_DROP_ASSETS = [dg.AssetKey(["raw", "round_drops"]), dg.AssetKey(["staging", "round_drops"])]
SUCCESS_MODELS = dg.AssetKey(["marts", "success_models"])
SUCCESS_BACKTEST = dg.AssetKey(["marts", "success_backtest"])
SHORTLIST_BACKTEST = dg.AssetKey(["marts", "shortlist_backtest"])
# the model evaluation's steps, with every table they write (`marts/success_calibration`)
MODEL_EVALUATION = dg.AssetSelection.assets(
    SUCCESS_BACKTEST, SHORTLIST_BACKTEST
).required_multi_asset_neighbors()
REPLICA = dg.AssetKey(["analyst_replica"])
PACK = dg.AssetKey(["weekly_pack"])
# What a delivered rounds file changes, downstream of its staging: rounds and exits, the investor
# matching (homonyms are told apart by a round on the edge's date), the investors' track records
# (co-investor scores, fund shortlist), the week's scores and shortlist, and the replica. The week's
# success model is reused when it has been fitted; the backtest is `model_evaluation_job`'s. The
# week's pack is written again from the refreshed tables.
# A step that writes several tables is selected whole: each of its tables is an asset.
ROUNDS_REFRESH_ASSETS = [
    dg.AssetKey(["core", "funding_rounds"]),
    dg.AssetKey(["core", "company_exits"]),
    dg.AssetKey(["core", "investors"]),
    dg.AssetKey(["core", "investments"]),
    dg.AssetKey(["ref", "known_investors"]),
    SUCCESS_MODELS,
    dg.AssetKey(["marts", "company_scores"]),
    dg.AssetKey(["marts", "company_scores_history"]),
    dg.AssetKey(["marts", "company_model_inputs"]),
    dg.AssetKey(["marts", "weekly_shortlist"]),
    dg.AssetKey(["marts", "shortlist_changes"]),
    dg.AssetKey(["marts", "investor_scores"]),
    dg.AssetKey(["marts", "investor_scores_history"]),
    dg.AssetKey(["marts", "fund_shortlist"]),
    REPLICA,
    dg.AssetKey(["meta", "runs"]),
    PACK,
]

dealflow_job = dg.define_asset_job(
    name="dealflow_job",
    selection=dg.AssetSelection.all()
    - dg.AssetSelection.assets(*ROUND_DROP_ASSETS)
    - MODEL_EVALUATION,
    partitions_def=weekly_partitions,
    executor_def=dg.in_process_executor,
    description="Ingest every declared source, stage, conform, score and publish the week's shortlist "
    "and the analysts' replica.",
)

# The backtest refits the model at several past cutoffs: model evaluation, not the week's shortlist.
# It runs in its own job (started after the weekly run) so the weekly run and the incremental
# refresh do not wait for it. The backtests are downstream of the week's pack, not upstream of the
# replica: `shortlist_backtest` publishes the replica and the pack again with its results. So no
# asset of `dealflow_job` depends on an asset outside it, and the UI's launchpad and "Materialize"
# do not warn about upstream assets never materialized.
model_evaluation_job = dg.define_asset_job(
    name="model_evaluation_job",
    selection=MODEL_EVALUATION,
    partitions_def=weekly_partitions,
    executor_def=dg.in_process_executor,
    description="Backtest the success model at past cutoffs against the naive rankings (precision@k, "
    "AUC, Brier, calibration), then the shortlist lane by lane (hit rate of each lane's top N "
    "against the lane's base rate and the most-active ranking), and republish the analysts' "
    "replica and the week's pack with the results (`marts/shortlist_backtest` does).",
)

# The drop files' job (ops that report the drop assets' materializations): assets/drops/assets.py
round_drops_job = _round_drops_job

rounds_refresh_job = dg.define_asset_job(
    name="rounds_refresh_job",
    selection=dg.AssetSelection.assets(*ROUNDS_REFRESH_ASSETS),
    executor_def=dg.in_process_executor,
    description="After new rounds were staged: re-derive rounds, exits and investor matches, "
    "re-score the week with its fitted success model, rebuild its shortlist and publish.",
)
