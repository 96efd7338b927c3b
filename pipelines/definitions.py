"""The code location: merges the domains' assets and checks with jobs, schedules and sensors."""

import dagster as dg

from assets.core.assets import companies, company_taxonomy, investors
from assets.core.checks import core_checks
from assets.core.rounds import funding_rounds
from assets.decisions.assets import analyst_decisions
from assets.decisions.checks import decisions_checks
from assets.drops.assets import raw_round_drops, staging_round_drops
from assets.drops.checks import drops_checks
from assets.funds.assets import fund_performance, funds, manager_track_record
from assets.funds.checks import funds_checks
from assets.ingest.assets import fx_rates, raw_assets
from assets.investors.assets import fund_shortlist, investor_scores
from assets.investors.checks import investor_checks
from assets.publish.assets import analyst_replica
from assets.publish.pack import weekly_pack
from assets.scoring.assets import company_scores, success_models
from assets.scoring.backtest import success_backtest
from assets.scoring.checks import scoring_checks
from assets.scoring.shortlist_backtest import shortlist_backtest
from assets.shortlist.assets import weekly_shortlist
from assets.shortlist.changes import shortlist_changes
from assets.shortlist.checks import shortlist_checks
from assets.staging.assets import round_stage_map, staged_assets
from assets.staging.checks import staging_checks
from assets.staging.ledger import staging_ledger
from pipelines.jobs import dealflow_job, model_evaluation_job, round_drops_job, rounds_refresh_job
from pipelines.schedules import dealflow_job_schedule
from pipelines.sensors import (
    model_evaluation_sensor,
    round_drops_refresh_sensor,
    round_drops_sensor,
    source_files_sensor,
)
from quality.checks import suite_checks
from warehouse.resources import (
    SETTINGS_VARIABLES,
    WAREHOUSE_VARIABLE,
    DealflowSettings,
    Warehouse,
)

# The configuration contract (.env.example): each variable read when a run starts, "" for the
# default; the launchpad's config for `settings` overrides them and reaches the warehouse's nested
# settings too (one resource, configured at launch).
settings = DealflowSettings.configure_at_launch(
    **{field: dg.EnvVar(name) for name, field in SETTINGS_VARIABLES.items()}
)
warehouse = Warehouse(settings=settings, database=dg.EnvVar(WAREHOUSE_VARIABLE))

# GX suites of the raw, reference and staged tables (quality/suites/); the domains' checks.py
# files register those of the core tables and the marts.
ingest_and_staging_checks = [
    check
    for asset in [*raw_assets, fx_rates, round_stage_map, *staged_assets]
    for key in sorted(asset.keys)
    for check in suite_checks(key)
]

defs = dg.Definitions(
    assets=[
        *raw_assets,
        fx_rates,
        round_stage_map,
        *staged_assets,
        staging_ledger,
        raw_round_drops,
        staging_round_drops,
        companies,
        funding_rounds,
        investors,
        fund_performance,
        funds,
        manager_track_record,
        company_taxonomy,
        analyst_decisions,
        success_models,
        success_backtest,
        shortlist_backtest,
        company_scores,
        weekly_shortlist,
        shortlist_changes,
        investor_scores,
        fund_shortlist,
        analyst_replica,
        weekly_pack,
    ],
    asset_checks=[
        *ingest_and_staging_checks,
        *staging_checks,
        *drops_checks,
        *core_checks,
        *decisions_checks,
        *scoring_checks,
        *shortlist_checks,
        *investor_checks,
        *funds_checks,
    ],
    jobs=[dealflow_job, model_evaluation_job, round_drops_job, rounds_refresh_job],
    schedules=[dealflow_job_schedule],
    sensors=[
        source_files_sensor,
        round_drops_sensor,
        round_drops_refresh_sensor,
        model_evaluation_sensor,
    ],
    resources={"settings": settings, "warehouse": warehouse},
    executor=dg.in_process_executor,
)
