"""The weekly pack analysts forward: the week's workbook and one self-contained HTML report."""

from datetime import date

import dagster as dg

from assets.publish.assets import analyst_replica
from models.investors import fund_lanes
from models.scoring import company_lanes
from reports.data import load_pack_data
from reports.pack import write_pack
from reports.paths import pack_folder
from warehouse.partitions import weekly_partitions
from warehouse.resources import DealflowSettings, Warehouse


@dg.asset(
    group_name="publish",
    kinds={"excel", "html"},
    partitions_def=weekly_partitions,
    deps=[analyst_replica],
)
def weekly_pack(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """The week's pack in `packs/<week_start>/` of the pipeline home, to open or forward as is:
    `shortlist.xlsx` (a summary, one sheet per lane, the funds, the changes against last week, the
    backtests; numbers rounded, header frozen, names linked to the company's homepage) and
    `report.html` (one page that opens offline, also on a phone: charts of the lanes, the scores,
    the changes and the backtest, then each lane's companies with why they are listed). Written
    after the replica was published, so only a week whose checks passed gets a pack; each file
    is swapped in whole, and other weeks' packs stay as they were. The model evaluation
    (`marts/shortlist_backtest`, downstream of this pack) writes the week's pack again with its
    backtest."""
    week = date.fromisoformat(context.partition_key)
    with warehouse.connect() as con:
        return dg.MaterializeResult(metadata=write_week_pack(settings, con, week))


def write_week_pack(settings: DealflowSettings, con, week: date) -> dict:
    """Write `packs/<week>/` from the warehouse (the weekly run's `weekly_pack`, and the model
    evaluation's `marts/shortlist_backtest` with the backtest). Returns the metadata."""
    data = load_pack_data(con, week, company_lanes(size=settings.shortlist_size), fund_lanes())
    files = write_pack(pack_folder(settings.home_path(), week), data)
    backtest = data.success_backtest is not None and data.success_backtest.height > 0
    return {
        "report": dg.MetadataValue.path(str(files.report)),
        "report_url": dg.MetadataValue.url(files.report.as_uri()),
        "workbook": dg.MetadataValue.path(str(files.workbook)),
        "companies": dg.MetadataValue.int(data.shortlist.height),
        "funds": dg.MetadataValue.int(0 if data.funds is None else data.funds.height),
        "changes": dg.MetadataValue.text(
            "no marts.shortlist_changes table yet"
            if data.changes is None
            else f"{data.changes.height} rows"
        ),
        "backtest": dg.MetadataValue.bool(backtest),
        "report_kb": dg.MetadataValue.float(round(files.report.stat().st_size / 1e3, 1)),
    }
