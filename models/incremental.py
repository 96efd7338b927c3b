"""Re-score a week after new facts arrived: recompute only the companies whose inputs changed.

When a week is scored, its *score state* is saved beside the scores (tables `state.score_state*`,
not published):

- a fingerprint of each company's own facts as of `as_of`: its company and taxonomy rows and its
  rounds, exits, investor edges, acquisitions made and Epoch AI models dated on or before it;
- a fingerprint of each market statistic the features read: every investor's track record
  (companies backed and exited), follow-on rate, name and country; every category's and
  region's outcome rate; the top-investor cut;
- what the scores were computed under (`ScoreContext.digest`): the week, `as_of` and the feature
  parameters, the thesis, the model artifact's hash, the SQL that computes the features and the
  fingerprints as it runs (composed: `transforms.features.features_sql`), and
  `ROW_SCORES_VERSION`. Python source is not read: a comment or a refactoring of a module
  changes no fingerprint, an edit of the feature SQL or of the thesis does.

Scoring the same week again under the same, the companies to recompute are those whose own
fingerprint changed (new, gone or changed facts) and those that read a changed market statistic
(an investor they are backed by, one of their categories, their region). Every other company's
features are, by construction of `company_features.sql`, what they were, and so are its
row-wise scores (thesis fit, success probability and factors, compute fit): its row is carried
over, and only the population-wide parts (momentum's percentile ranks, total score, rank) are
recomputed over all companies (`models.chunked_scoring.score_table`). A changed top-investor
cut, or more changed companies than `MAX_CHANGED_SHARE`, means a full re-scoring.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

import duckdb

from models.chunked_scoring import MOMENTUM_INPUTS
from transforms.features import (
    create_features_table,
    feature_ctes,
    features_sql,
    materialize_shared,
)
from warehouse.tables import state_table, table_exists

STATE = state_table("score_state")
STATE_FACTS = state_table("score_state_facts")
STATE_MARKET = state_table("score_state_market")
# beyond this share of companies to recompute, a full scoring is as cheap
MAX_CHANGED_SHARE = 0.25
# The version of what turns a company's features row into its row-wise scores in Python (thesis
# fit, success probability and factors, compute fit: models.scoring, models.success,
# models.explain, models.compute): bump it when a change there changes a row's result, so that
# the next run of a week re-scores every company instead of carrying its rows.
ROW_SCORES_VERSION = 1

# each table of facts a company's features read, with the date that must be on or before as_of
# (None: the whole row counts, whatever the date)
FACT_TABLES: tuple[tuple[str, str | None], ...] = (
    ("core.companies", None),
    ("core.company_taxonomy", None),
    ("core.funding_rounds", "funded_on"),
    ("core.company_exits", "exited_on"),
    ("core.investments", "funded_on"),
    ("core.company_acquisitions_made", "acquired_on"),
    ("core.company_models", "published_on"),
)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    schema, name = table.split(".")
    rows = con.sql(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ? ORDER BY column_index",
        params=[schema, name],
    ).fetchall()
    return [r[0] for r in rows]


def fact_fingerprints_sql(con: duckdb.DuckDBPyConnection) -> str:
    """A SELECT of (`company_id`, `fp`, `n`): per company, the sum of the hashes of every fact
    row it owns as of `$as_of` (every column, the table's name included) and their count."""
    parts = []
    for table, dated in FACT_TABLES:
        columns = ", ".join(f'"{c}"' for c in _columns(con, table))
        where = ["company_id IS NOT NULL"] + ([f"{dated} <= $as_of"] if dated else [])
        parts.append(
            f"SELECT company_id, hash('{table}', {columns})::HUGEINT AS h FROM {table} "
            f"WHERE {' AND '.join(where)}"
        )
    return (
        "SELECT company_id, sum(h) AS fp, count(*) AS n FROM ("
        + " UNION ALL ".join(parts)
        + ") GROUP BY company_id"
    )


# one hash per market statistic the feature relations compute (read after `feature_ctes`)
MARKET_SELECT = """SELECT 'investor' AS kind, e.investor_id AS key,
       hash(t.n_backed, t.n_exited, fo.follow_on_rate, fo.n_seasoned, i.name, i.country_code) AS h
FROM (SELECT DISTINCT investor_id FROM edges WHERE company_id IS NOT NULL) AS e
LEFT JOIN investor_track AS t USING (investor_id)
LEFT JOIN investor_follow_on AS fo USING (investor_id)
LEFT JOIN core.investors AS i USING (investor_id)
UNION ALL SELECT 'category', cat, hash(rate) FROM category_rate
UNION ALL SELECT 'region', to_json(struct_pack(c := country_code, r := region))::VARCHAR,
       hash(region_rate) FROM region_rate
UNION ALL SELECT 'top_cut', '', hash(cut) FROM top_cut"""


def market_fingerprints_sql(shared: dict[str, str] | None = None) -> str:
    """A SELECT of (`kind`, `key`, `h`): one hash per market statistic that company_features.sql
    reads as of `$as_of` (investor, category, region, top_cut); `shared` as in `feature_ctes`."""
    return feature_ctes(shared) + MARKET_SELECT


def sql_fingerprint() -> str:
    """SHA-256 of the SQL that computes a week's features and its fingerprints, as composed
    (every relation of the feature query, its rows, the market statistics' hashes and the fact
    tables hashed): the SQL of a result, whatever Python composes it."""
    every, changed = features_sql(), features_sql(subjects="_changed")  # the two that run
    texts = [every, changed, MARKET_SELECT, json.dumps(FACT_TABLES)]
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()


@dataclass(frozen=True)
class ScoreContext:
    """What a week's scores were computed under: equal contexts give equal rows for equal inputs
    (`params`: the feature parameters, `transforms.features.feature_params`; `thesis`: the
    thesis config; `model_fingerprint`: the hash of the model artifact)."""

    week: date
    params: dict
    thesis: dict
    model_fingerprint: str | None

    def digest(self) -> str:
        payload = {
            "week": self.week,
            "params": self.params,
            "thesis": self.thesis,
            "model": self.model_fingerprint,
            "sql": sql_fingerprint(),
            "row_scores": ROW_SCORES_VERSION,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def compute_fingerprints(
    con: duckdb.DuckDBPyConnection, params: dict, shared: dict[str, str] | None = None
) -> None:
    """Temp tables `_facts_now` and `_market_now`: the fingerprints of the facts and market
    statistics as they are now, as of `params['as_of']` (`shared`: see
    `transforms.features.materialize_shared`)."""
    facts = fact_fingerprints_sql(con)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _facts_now AS {facts}", {"as_of": params["as_of"]})
    market = f"CREATE OR REPLACE TEMP TABLE _market_now AS {market_fingerprints_sql(shared)}"
    con.execute(market, params)


def changed_companies(
    con: duckdb.DuckDBPyConnection, context: ScoreContext, table: str
) -> int | None:
    """Creates the temp table `table` (`company_id`) of the companies whose features may differ
    from the saved state's, from `_facts_now` and `_market_now` (see `compute_fingerprints`).
    Returns how many, or None when the saved state cannot be used (none, another week or
    context, a changed top-investor cut, or more than `MAX_CHANGED_SHARE` of the companies)."""
    if not all(table_exists(con, t) for t in (STATE, STATE_FACTS, STATE_MARKET)):
        return None
    saved = con.sql(f"SELECT digest FROM {STATE}").fetchall()
    if [r[0] for r in saved] != [context.digest()]:
        return None
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _market_changed AS "
        "SELECT coalesce(n.kind, s.kind) AS kind, coalesce(n.key, s.key) AS key "
        f"FROM _market_now AS n FULL JOIN {STATE_MARKET} AS s "
        "ON s.kind = n.kind AND s.key IS NOT DISTINCT FROM n.key WHERE n.h IS DISTINCT FROM s.h"
    )
    if con.sql("SELECT count(*) FROM _market_changed WHERE kind = 'top_cut'").fetchall()[0][0]:
        return None
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT coalesce(n.company_id, s.company_id) AS company_id
        FROM _facts_now AS n FULL JOIN {STATE_FACTS} AS s ON s.company_id = n.company_id
        WHERE n.fp IS DISTINCT FROM s.fp OR n.n IS DISTINCT FROM s.n
        UNION
        SELECT company_id FROM core.investments
        WHERE company_id IS NOT NULL AND funded_on <= $as_of
          AND investor_id IN (SELECT key FROM _market_changed WHERE kind = 'investor')
        UNION
        SELECT company_id FROM (SELECT company_id, unnest(categories) AS cat FROM core.companies)
        WHERE cat IN (SELECT key FROM _market_changed WHERE kind = 'category')
        UNION
        SELECT company_id FROM core.companies
        WHERE to_json(struct_pack(c := country_code, r := region))::VARCHAR
              IN (SELECT key FROM _market_changed WHERE kind = 'region')""",
        {"as_of": context.params["as_of"]},
    )
    con.execute("DROP TABLE _market_changed")
    changed = int(con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    companies = int(con.sql("SELECT count(*) FROM core.companies").fetchall()[0][0])
    if changed > MAX_CHANGED_SHARE * max(companies, 1):
        return None
    return changed


def drop_state(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the saved state (before the scores it describes are replaced)."""
    for table in (STATE, STATE_FACTS, STATE_MARKET):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def save_state(con: duckdb.DuckDBPyConnection, context: ScoreContext) -> None:
    """Save `_facts_now` and `_market_now` as the state of the week's scores just written."""
    con.execute(f"CREATE OR REPLACE TABLE {STATE_FACTS} AS SELECT * FROM _facts_now")
    con.execute(f"CREATE OR REPLACE TABLE {STATE_MARKET} AS SELECT * FROM _market_now")
    con.execute(
        f"CREATE OR REPLACE TABLE {STATE} AS SELECT ?::DATE AS week_start, ?::VARCHAR AS digest",
        [context.week, context.digest()],
    )


@dataclass(frozen=True)
class RescoringTables:
    """The temp tables a re-scoring writes (in memory, for the connection: up to a row per
    company): the changed companies' ids, the carried companies' score rows, and their new
    momentum, total score and rank."""

    changed: str
    carried: str
    carried_ranks: str


@dataclass(frozen=True)
class Rescoring:
    """How the week is being scored: `changed` companies (None: all of them) have their rows in
    the features table; `carried` names the temp table of the other companies' score rows."""

    changed: int | None
    carried: str | None
    temps: tuple[str, ...]


def prepare_features(
    con: duckdb.DuckDBPyConnection,
    context: ScoreContext,
    features: str,
    scores_history: str,
    tables: RescoringTables,
) -> Rescoring:
    """Write the features table `features` for the week's scoring: every company's rows, or,
    when the saved state allows (see `changed_companies`), only the changed companies' rows
    (their ids in `tables.changed`), the others' score rows of the week in `scores_history` being
    carried (`tables.carried`).
    Leaves the fingerprints for `save_state`; `drop_temps` removes what it made."""
    params = context.params
    shared = materialize_shared(con, params)  # read twice: for what changed, for the features
    compute_fingerprints(con, params, shared)
    changed = changed_companies(con, context, tables.changed)
    temps = (tables.changed, "_market_changed", "_facts_now", "_market_now", *shared.values())
    args = (params["as_of"], params["status_usable"], params["epoch_model_builders"])
    if changed is None:
        create_features_table(con, features, *args, shared=shared)
        return Rescoring(None, None, temps)
    create_features_table(con, features, *args, subjects=tables.changed, shared=shared)
    # what `score_table` reads of a carried row: the rest of it stays in the history
    columns = ", ".join(
        f'"{c}"'
        for c in [
            "company_id",
            "in_population",
            *MOMENTUM_INPUTS,
            "thesis_fit",
            "success_probability",
        ]
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {tables.carried} AS SELECT {columns} "
        f"FROM {scores_history} WHERE week_start = ? "
        f"AND company_id NOT IN (SELECT company_id FROM {tables.changed})",
        [context.week],
    )
    return Rescoring(changed, tables.carried, (*temps, tables.carried, tables.carried_ranks))


def drop_temps(con: duckdb.DuckDBPyConnection, rescoring: Rescoring) -> None:
    for table in rescoring.temps:
        con.execute(f"DROP TABLE IF EXISTS {table}")
