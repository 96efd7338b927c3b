"""The ground floor: the DuckDB warehouse and what every floor above writes through.

The resource (one flock'd writer per home), settings, configuration files, weekly partitions,
SQL files and macros, table writes, quoting and transactions, the table catalog, the runs
bookkeeping (`meta.runs`) and the metadata the UI shows for a table. Nothing here imports another
package of the project (docs/architecture.md, "The floors").
"""
