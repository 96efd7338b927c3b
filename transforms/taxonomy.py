"""Map companies to the partnership's verticals and sectors from every undated signal they carry.

The rules live in `config/taxonomy.yaml`: weighted signals (categories, names, web domains,
descriptions, tags such as the AI chip list's) combine into `ai_confidence` (0..1,
1 - prod(1 - weight) over the signals that fire); a company gets a vertical when it reaches the
configured threshold, and `vertical_reason` says which signals decided. The vertical that depends
on dated facts (Epoch AI model builders) is resolved as of a date in the features; here
`vertical_by_categories` (the historical name: it now reads every undated signal) uses the rest.
SQL is the one form of the rules: `taxonomy_sql` classifies every company in one DuckDB statement.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from warehouse.config import config_file, load_yaml
from warehouse.tables import quote_literal

TAXONOMY_FILE = config_file("taxonomy.yaml")
WHITESPACE = " \t\n\r\f\v"


@cache
def load_taxonomy(path: Path = TAXONOMY_FILE) -> dict:
    return load_yaml(Path(path))


def _escape(word: str) -> str:
    return "".join("\\" + ch if not ch.isalnum() and ch != " " else ch for ch in word)


def _category_test(rule: dict, x: str) -> str | None:
    """SQL test of one lower-cased, trimmed category `x`: a whole name or a keyword inside."""
    names = [c.lower() for c in rule.get("categories", [])]
    words = [k.lower() for k in rule.get("keywords", [])]
    tests = []
    if names:
        tests.append(f"{x} IN ({', '.join(quote_literal(n) for n in names)})")
    if words:
        tests.append(f"regexp_matches({x}, {quote_literal('|'.join(_escape(w) for w in words))})")
    return " OR ".join(tests) or None


def _signal_hit(name: str, signal: dict) -> tuple[str, str]:
    """(SQL boolean: the signal fires, SQL text: what fired) for one signal of the YAML. Category
    matches come from the per-company aggregate (`m_<name>`: matched categories in order)."""
    hits, texts = [], []
    if signal.get("categories") or signal.get("keywords"):
        hits.append(f"(m_{name} IS NOT NULL)")
        texts.append(f"array_to_string(m_{name}, ' + ')")
    if signal.get("name_pattern"):
        hits.append(
            f"coalesce(regexp_matches(name, {quote_literal(signal['name_pattern'])}), false)"
        )
        texts.append("'''' || name || ''''")
    if signal.get("domain_pattern"):
        hits.append(
            f"coalesce(regexp_matches(domain, {quote_literal(signal['domain_pattern'])}), false)"
        )
        texts.append("domain")
    if signal.get("description_pattern"):
        pattern = quote_literal(signal["description_pattern"])
        hits.append(f"coalesce(regexp_matches(description, {pattern}), false)")
        texts.append(f"'''' || regexp_extract(description, {pattern}) || ''''")
    if signal.get("tags"):
        tags = ", ".join(quote_literal(t.lower()) for t in signal["tags"])
        matched = f"list_filter(_tags, lambda t: t IN ({tags}))"
        hits.append(f"(len({matched}) > 0)")
        texts.append(
            f"upper(array_to_string(list_transform({matched}, lambda t: split_part(t, ':', 2)), ', '))"
        )
    if signal.get("sources"):
        names = ", ".join(quote_literal(n) for n in signal["sources"])
        hits.append(f"(len(list_filter(_sources, lambda s: s IN ({names}))) > 0)")
        texts.append("'industry'")
    if not hits:
        return "false", "NULL"
    hit = "(" + " OR ".join(hits) + ")"
    if signal.get("unless_categories"):
        hit = f"({hit} AND NOT coalesce(u_{name}, false))"
    if signal.get("requires_sector"):
        hit = f"({hit} AND _sector_other IS NOT NULL)"
    # the text of the first part that fired
    text = "coalesce(" + ", ".join(
        f"CASE WHEN {h} THEN {t} END" for h, t in zip(hits, texts, strict=True)
    )
    return hit, text + ")"


def _category_columns(rules: dict) -> tuple[list[str], list[str]]:
    """(tests of one distinct lower-cased category `x`, per-company aggregates over `_cats`):
    each rule's test is evaluated once per distinct category, not once per company."""
    signals, sectors, verticals = rules["signals"], rules["sectors"], rules["verticals"]
    broad = sorted(
        {c for s in signals.values() if s.get("requires_sector") for c in s["categories"]}
    )
    tests, aggs = [f"{_category_test({'categories': broad}, 'x') or 'false'} AS d_broad"], []
    for name, signal in signals.items():
        test = _category_test(signal, "x")
        if test:
            tests.append(f"{test} AS d_{name}")
            aggs.append(f"list(cat ORDER BY pos) FILTER (WHERE d_{name}) AS m_{name}")
        if signal.get("unless_categories"):
            unless = _category_test({"categories": signal["unless_categories"]}, "x")
            tests.append(f"{unless} AS du_{name}")
            aggs.append(f"bool_or(du_{name}) AS u_{name}")
    for name, sector in sectors.items():
        tests.append(f"{_category_test(sector, 'x') or 'false'} AS ds_{name}")
        aggs.append(f"bool_or(ds_{name}) AS a_{name}")
        aggs.append(f"bool_or(ds_{name} AND NOT d_broad) AS o_{name}")
    for key, vertical in (("chip", "ai_semiconductors"), ("gen", "generative_models")):
        tests.append(f"{_category_test(verticals[vertical], 'x') or 'false'} AS dv_{key}")
        aggs.append(f"bool_or(dv_{key}) AS v_{key}")
    return tests, aggs


def _sector_case(rules: dict, prefix: str) -> str:
    whens = " ".join(
        f"WHEN coalesce({prefix}_{n}, false) THEN {quote_literal(n)}" for n in rules["sectors"]
    )
    return f"CASE {whens} END"


def _chip_sql(rule: dict) -> str:
    parts = ["coalesce(v_chip, false)"]
    excluded = ", ".join(quote_literal(t.lower()) for t in rule.get("except_tags", [])) or "NULL"
    for prefix in rule.get("tag_prefixes", []):
        parts.append(
            f"len(list_filter(_tags, lambda t: starts_with(t, {quote_literal(prefix)}) "
            f"AND t NOT IN ({excluded}))) > 0"
        )
    return "(" + " OR ".join(parts) + ")"


def _generative_sql(rule: dict) -> str:
    parts = ["coalesce(v_gen, false)"]
    if rule.get("description_pattern"):
        pattern = quote_literal(rule["description_pattern"])
        parts.append(f"coalesce(regexp_matches(description, {pattern}), false)")
    return "(" + " OR ".join(parts) + ")"


def taxonomy_sql(
    rules: dict | None = None,
    companies: str = "core.companies",
    models: str = "core.company_models",
    target: str = "core.company_taxonomy",
    source_ids: str = "core.company_source_ids",
) -> str:
    """One CREATE TABLE statement classifying every company of `companies` (company_id, name,
    domain, categories, category_groups, description, tags; category groups, a Crunchbase bulk
    export's, are matched like categories after them): ai_confidence, ai_signal (confidence at or above
    the threshold), sector, vertical_by_categories, vertical_reason, chip_company, plus
    `model_builder_since` and `max_training_compute_flop` from `models`. Category rules are
    evaluated once per distinct category (a few thousand), then joined to the companies."""
    rules = rules or load_taxonomy()
    signals = rules["signals"]
    threshold = float(rules["threshold"])
    verticals = rules["verticals"]
    tests, aggs = _category_columns(rules)
    hit_cols, text_cols, factors, reasons = [], [], [], []
    for name, signal in signals.items():
        hit, text = _signal_hit(name, signal)
        hit_cols.append(f"{hit} AS _hit_{name}")
        text_cols.append(f"{text} AS _text_{name}")
        factors.append(f"(1 - {float(signal['weight'])} * _hit_{name}::INT)")
        reasons.append(
            f"CASE WHEN _hit_{name} THEN {quote_literal(signal.get('label', name) + ': ')} || "
            f"coalesce(_text_{name}, '') END"
        )
    confidence = f"round(1 - {' * '.join(factors)}, 4)::DOUBLE" if factors else "0.0"
    default_sector = rules.get("default_ai_sector")
    default_sql = quote_literal(default_sector) if default_sector else "NULL"
    trim = quote_literal(WHITESPACE)
    return f"""
        CREATE OR REPLACE TABLE {target} AS
        WITH cats AS (
            SELECT company_id, cat, lower(trim(cat, {trim})) AS x, pos
            FROM (SELECT company_id, unnest(cats) AS cat, generate_subscripts(cats, 1) AS pos
                  FROM (SELECT company_id,
                               list_concat(categories, coalesce(category_groups, [])) AS cats
                        FROM {companies})
                  WHERE len(cats) > 0)
            WHERE cat IS NOT NULL
        ), dict AS (
            SELECT x, {", ".join(tests)} FROM (SELECT DISTINCT x FROM cats)
        ), agg AS (
            SELECT company_id, {", ".join(aggs)}
            FROM cats JOIN dict USING (x) GROUP BY company_id
        ), c AS (
            SELECT k.company_id, k.name, k.domain, k.description,
                   list_transform(list_filter(coalesce(k.tags, []), lambda x: x IS NOT NULL),
                                  lambda x: lower(trim(x, {trim}))) AS _tags,
                   coalesce(i.sources, []) AS _sources, a.* EXCLUDE (company_id)
            FROM {companies} AS k
            LEFT JOIN agg AS a USING (company_id)
            LEFT JOIN (SELECT company_id, list(DISTINCT source) AS sources FROM {source_ids}
                       GROUP BY company_id) AS i USING (company_id)
        ), s AS (
            SELECT *, {_sector_case(rules, "a")} AS _sector_stated,
                   {_sector_case(rules, "o")} AS _sector_other
            FROM c
        ), h AS (
            SELECT *, {", ".join(hit_cols)} FROM s
        ), t AS (
            SELECT *, {", ".join(text_cols)}, {confidence} AS ai_confidence,
                   {_chip_sql(verticals["ai_semiconductors"])} AS chip_company,
                   {_generative_sql(verticals["generative_models"])} AS _generative
            FROM h
        ), v AS (
            SELECT *, ai_confidence >= {threshold} AS ai_signal,
                   CASE WHEN ai_confidence < {threshold} THEN NULL
                        WHEN chip_company THEN 'ai_semiconductors'
                        WHEN _generative AND _sector_stated IS NULL THEN 'generative_models'
                        WHEN coalesce(_sector_stated, {default_sql}) IS NOT NULL THEN 'sector_applications'
                   END AS vertical_by_categories
            FROM t
        )
        SELECT company_id, ai_confidence, ai_signal,
               CASE WHEN vertical_by_categories = 'sector_applications'
                    THEN coalesce(_sector_stated, {default_sql}) ELSE _sector_stated END AS sector,
               vertical_by_categories,
               vertical_by_categories = 'sector_applications' AND _sector_stated IS NULL
                   AS sector_by_default,
               nullif(concat_ws('; ', {", ".join(reasons)},
                   CASE WHEN vertical_by_categories = 'sector_applications' AND _sector_stated IS NOT NULL
                        THEN 'sector: ' || _sector_stated END,
                   CASE WHEN vertical_by_categories = 'sector_applications' AND _sector_stated IS NULL
                        THEN 'no sector category: ' || {default_sql} || ' by default' END), '')
                   AS vertical_reason,
               chip_company, m.model_builder_since, m.max_training_compute_flop
        FROM v LEFT JOIN (SELECT company_id, min(published_on) AS model_builder_since,
                                 max(training_compute_flop) AS max_training_compute_flop
                          FROM {models} GROUP BY company_id) AS m USING (company_id)
    """
