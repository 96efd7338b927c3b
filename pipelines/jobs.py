"""Jobs. One writer at a time: the in-process executor keeps every step on one DuckDB connection
at a time, and the `dealflow_writer` concurrency pool keeps two runs from writing at once."""

import dagster as dg

from pipelines.partitions import weekly_partitions

dealflow_job = dg.define_asset_job(
    name="dealflow_job",
    selection=dg.AssetSelection.all(),
    partitions_def=weekly_partitions,
    executor_def=dg.in_process_executor,
    description="Ingest every declared source, stage, conform, score and publish the week's shortlist "
    "and the analysts' replica.",
    tags={"dagster/concurrency_key": "dealflow_writer"},
)
