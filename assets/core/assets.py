"""Core entities: one company table across sources, investors and their investments, taxonomy."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from assets.built_from import save_upstream, saved_upstream, upstream_now
from assets.tables import table_result, table_spec, table_specs
from transforms.reference import known_investors_frame
from transforms.taxonomy import load_taxonomy, taxonomy_sql
from transforms.taxonomy_eval import NO_MATCH, labelled_predictions, load_labels, vertical_metrics
from warehouse.metadata import markdown_table, table_metadata
from warehouse.resources import Warehouse
from warehouse.sql import sql_text
from warehouse.tables import table_exists, transaction, write_frame

SQL_DIR = Path(__file__).parent / "sql"


COMPANY_INPUTS = [
    dg.AssetKey(["staging", n])
    for n in (
        "companies",
        "acquisitions",
        "epoch_organizations",
        "epoch_models",
        "chip_startups",
        "chip_exits",
        "epoch_companies",
        "epoch_funding_rounds",
        "bulk_organizations",
        "bulk_acquisitions",
        "mapped_companies",
        "mapped_rounds",
        "mapped_investments",
    )
]
COMPANIES = dg.AssetKey(["core", "companies"])
COMPANIES_DESCRIPTION = """One row per company across sources (`company_id`), with
`core.company_source_ids` mapping each provider key to it. Crunchbase permalinks are identities, and
so are the organisations of a Crunchbase bulk export (uuid): each merges into the one 2015 company
of the same domain, else of the same normalised name and compatible country, and then brings its
attributes (current export), `description` and `category_groups`; an
Epoch AI industry organisation merges into the one Crunchbase company with the same normalised name
and country. Companies of the current sources (the semiconductor start-ups list, Epoch AI's
companies and funding rounds) merge into the one Crunchbase company of the same domain, else the
one company of the same normalised name and compatible country, else are companies of their own;
they bring `description` and `tags` (e.g. `chip_list:ai`). So do the companies of mapped exports
(`staging.mapped_companies`, and those only mapped rounds or investments name: source `mapped`,
key the normalised name), which also bring the provider's categories. An exit of the semiconductor list maps
to the one company of its name. Semiconductor list: A. Olofsson, Database of Awesome Semiconductor
Startups (github.com/aolofsson/awesome-semiconductor-startups). Also writes
`core.company_acquisitions_made` and `core.company_models` (Epoch AI models by company); rounds and
exits are `core/funding_rounds`."""
# the tables companies.sql writes beside core.companies
COMPANY_TABLES = (
    "core.company_source_ids",
    "core.company_acquisitions_made",
    "core.company_models",
)


@dg.multi_asset(
    name="companies",
    specs=table_specs(
        ("core.companies", *COMPANY_TABLES),
        group_name="entities",
        deps=COMPANY_INPUTS,
        description=COMPANIES_DESCRIPTION,
    ),
)
def companies(warehouse: Warehouse) -> Iterator[dg.MaterializeResult]:
    """Companies and the tables their conformance writes beside them."""
    with warehouse.connect() as con:
        con.execute(sql_text("companies", SQL_DIR))
        by_source = con.sql(
            "SELECT source, match_method, count(*) AS n FROM core.company_source_ids GROUP BY ALL ORDER BY ALL"
        ).pl()
        yield table_result(
            con, "core.companies", source_ids=dg.MetadataValue.md(markdown_table(by_source))
        )
        for table in COMPANY_TABLES:
            yield table_result(con, table)


# What core.investments' matches are built from: a rebuild of any rematches every edge (the
# bulk export's investments, joined by id, are rebuilt with them).
MATCH_INPUTS = [
    COMPANIES,
    dg.AssetKey(["staging", "investor_edges"]),
    dg.AssetKey(["staging", "mapped_rounds"]),
    dg.AssetKey(["staging", "mapped_investments"]),
    dg.AssetKey(["staging", "bulk_investments"]),
    dg.AssetKey(["staging", "bulk_funding_rounds"]),
]
MATCH_SQL = ("investment_edges", "investments", "investments_rematch")


INVESTORS = dg.AssetKey(["core", "investors"])
INVESTORS_DESCRIPTION = """One row per investor of every source, one per normalised name:
activity, home country (curated list in `config/investors.yaml`, else the provider's investor
record, else a unique company record of that name), investor types and lead investments (the
Crunchbase bulk export's) and portfolio exit rate. Also writes `core.investments`: each edge with
the company it matched (by unique name, or by name plus a round on the same day; a mapped
export's edge by its mapped company key) and how; the bulk export's investments join their round
and company by UUID (`match_method` 'id'), with the lead flag and the investor type.

When only the rounds changed since the matches were made (Dagster's event log shows the same
materializations of `core/companies` and `staging/investor_edges`, and the matching SQL is the
same), only the edges whose name several companies share are matched again: metadata
`edges_rematched` counts them (`all` after a full matching)."""
INVESTOR_DEPS = [
    *MATCH_INPUTS,
    dg.AssetKey(["staging", "bulk_investors"]),
    dg.AssetKey(["core", "funding_rounds"]),
]


@dg.multi_asset(
    name="investors",
    specs=[
        *table_specs(
            ("core.investors", "core.investments"),
            group_name="entities",
            deps=INVESTOR_DEPS,
            description=INVESTORS_DESCRIPTION,
        ),
        table_spec("ref.known_investors", group_name="entities"),
    ],
)
def investors(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> Iterator[dg.MaterializeResult]:
    """Investors, their matched investments and the curated French and Emirati investors."""
    upstream = upstream_now(
        context.instance, MATCH_INPUTS, [sql_text(name, SQL_DIR) for name in MATCH_SQL]
    )
    asset = INVESTORS.to_user_string()
    with warehouse.connect() as con:
        frame = known_investors_frame()
        rematch = upstream is not None and saved_upstream(con, asset) == upstream
        rematch = rematch and table_exists(con, "core.investments")
        with transaction(con):
            con.execute(sql_text("investment_edges", SQL_DIR))  # the view the statements read
            write_frame(con, "ref.known_investors", frame)
            con.execute(
                "CREATE OR REPLACE TABLE ref.known_investors AS "
                "SELECT DISTINCT norm_name(name) AS name_norm, country_code FROM ref.known_investors"
            )
            if rematch:  # the statements end by counting the edges matched again
                rematched = con.execute(sql_text("investments_rematch", SQL_DIR)).fetchall()[0][0]
            else:
                con.execute(sql_text("investments", SQL_DIR))
                rematched = "all"
            con.execute(sql_text("investors", SQL_DIR))
            save_upstream(con, asset, upstream)
        rates = con.sql(
            "SELECT match_method, count(*) AS edges, round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct "
            "FROM core.investments GROUP BY ALL ORDER BY edges DESC"
        ).pl()
        matched = con.sql(
            "SELECT coalesce(avg((company_id IS NOT NULL)::INT), 0) FROM core.investments"
        ).fetchall()[0][0]
        yield table_result(
            con,
            "core.investors",
            edge_match_rate=dg.MetadataValue.float(round(float(matched), 4)),
            edge_matches=dg.MetadataValue.md(markdown_table(rates)),
            edges_rematched=rematched,
        )
        yield table_result(con, "core.investments")
        yield table_result(con, "ref.known_investors")


@dg.asset(key_prefix="core", group_name="entities", kinds={"duckdb"}, deps=[COMPANIES])
def company_taxonomy(warehouse: Warehouse) -> dg.MaterializeResult:
    """Each company's `ai_confidence` (0..1), sector and vertical from its undated signals under
    `config/taxonomy.yaml` (categories, name, web domain, description, tags such as the AI chip
    list's, Epoch AI organisation), with `vertical_reason` (the signals that fired), plus
    `model_builder_since` (first Epoch AI model). Metadata: coverage by vertical and sector, and
    precision / recall per vertical against the labelled companies of
    `config/labels/verticals.csv` present in this run. The final `vertical` is resolved as of
    the scoring date in the scores."""
    with warehouse.connect() as con:
        con.execute(taxonomy_sql())  # classified in DuckDB: no company leaves the database
        shares = con.sql(
            "SELECT round(coalesce(avg((sector IS NOT NULL)::INT), 0), 4), "
            "round(coalesce(avg((vertical_by_categories IS NOT NULL)::INT), 0), 4), "
            "round(coalesce(avg(ai_signal::INT), 0), 4) FROM core.company_taxonomy"
        ).fetchall()[0]
        coverage = con.sql(
            "SELECT vertical_by_categories, sector, count(*) AS companies "
            "FROM core.company_taxonomy GROUP BY ALL ORDER BY companies DESC"
        ).pl()
        by_country = con.sql(
            "SELECT c.country_code, count(*) AS companies_with_vertical "
            "FROM core.company_taxonomy AS t JOIN core.companies AS c USING (company_id) "
            "WHERE t.vertical_by_categories IS NOT NULL AND c.country_code IN ('FRA', 'ARE') "
            "GROUP BY ALL ORDER BY ALL"
        ).pl()
        pairs = labelled_predictions(con, load_labels())
        meta = table_metadata(
            con,
            "core.company_taxonomy",
            taxonomy_version=str(load_taxonomy()["version"]),
            share_with_sector=dg.MetadataValue.float(float(shares[0])),
            share_with_vertical=dg.MetadataValue.float(float(shares[1])),
            share_with_ai_signal=dg.MetadataValue.float(float(shares[2])),
            coverage=dg.MetadataValue.md(markdown_table(coverage)),
            france_uae=dg.MetadataValue.md(markdown_table(by_country)),
            labelled_companies=pairs.height,
            label_evaluation=dg.MetadataValue.md(
                markdown_table(vertical_metrics(pairs)) if pairs.height else NO_MATCH
            ),
        )
    return dg.MaterializeResult(metadata=meta)
