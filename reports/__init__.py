"""What analysts take away from a week, built from frames (no Dagster): rounded CSVs, the Excel
workbook and the self-contained HTML report of the weekly pack (`$DEALFLOW_HOME/packs/<week>/`)."""
