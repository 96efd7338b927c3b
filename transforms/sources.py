"""The sources YAML: which provider files feed the pipeline, and the columns each kind needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml


@dataclass(frozen=True)
class SourceKind:
    """One kind of provider file: its key in the sources YAML and the columns staging needs."""

    key: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # (column as some exports name it, our name)
    attribution: str = ""  # the citation the provider asks for, shown with every asset it feeds

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


CHIP_LIST_CITATION = (
    "Andreas Olofsson, Database of Awesome Semiconductor Startups, GitHub repository, "
    "https://github.com/aolofsson/awesome-semiconductor-startups (doi:10.5281/zenodo.20466138). "
    "No licence declared: internal reference only, not redistributed."
)
EPOCH_COMPANIES_CITATION = "Epoch AI, AI Companies, epoch.ai/data (CC BY 4.0)."


SOURCE_KINDS: dict[str, SourceKind] = {
    k.key: k
    for k in (
        SourceKind(
            "crunchbase.companies",
            ("permalink", "name"),
            (
                "homepage_url",
                "category_list",
                "funding_total_usd",
                "status",
                "country_code",
                "state_code",
                "region",
                "city",
                "funding_rounds",
                "founded_at",
                "first_funding_at",
                "last_funding_at",
            ),
        ),
        SourceKind(
            "crunchbase.rounds",
            ("company_permalink", "funded_at"),
            (
                "funding_round_permalink",
                "funding_round_type",
                "funding_round_code",
                "raised_amount_usd",
            ),
        ),
        SourceKind(
            "crunchbase.acquisitions",
            ("company_permalink", "acquired_at"),
            (
                "company_name",
                "company_country_code",
                "acquirer_permalink",
                "acquirer_name",
                "acquirer_country_code",
                "price_amount",
                "price_currency_code",
            ),
        ),
        SourceKind(
            "investor_edges",
            ("company_name", "investor_name"),
            ("funded_when", "amount_usd"),
        ),
        SourceKind(
            "epoch_models",
            ("Model", "Organization"),
            (
                "Publication date",
                "Domain",
                "Parameters",
                "Training compute (FLOP)",
                "Training hardware",
                "Hardware quantity",
                "Organization categorization",
                "Country (of organization)",
            ),
            aliases=(("Country (from Organization)", "Country (of organization)"),),
        ),
        SourceKind(
            "epoch_organizations",
            ("Organization",),
            ("Country", "Organization categorization", "All ML Systems"),
        ),
        SourceKind("fx_rates", ("Date", "USD")),
        # A. Olofsson's "Database of Awesome Semiconductor Startups" (startups.csv, alumni.csv)
        SourceKind(
            "chip_startups",
            ("Company",),
            ("Website", "Technology", "Country", "Founded", "Description"),
            attribution=CHIP_LIST_CITATION,
        ),
        SourceKind(
            "chip_exits",
            ("Company", "Exit", "Year"),
            ("Value($M)", "Link"),
            attribution=CHIP_LIST_CITATION,
        ),
        # Epoch AI "AI Companies" registry and its funding rounds
        SourceKind(
            "epoch_funding_rounds",
            ("Company", "Close date"),
            (
                "Id",
                "Status",
                "Funding (equity)",
                "Funding (debt)",
                "Valuation (post-money)",
                "Report date",
                "Type",
                "Confidence",
            ),
            attribution=EPOCH_COMPANIES_CITATION,
        ),
        SourceKind(
            "epoch_companies",
            ("Name",),
            (
                "Organization (from Organizations)",
                "Company type",
                "Product Domain(s)",
                "Founding date",
            ),
            attribution=EPOCH_COMPANIES_CITATION,
        ),
        # A licensed Crunchbase bulk export (2020s CSV / ODM): UUID keys, `*_uuid` relations,
        # ISO dates. Older v3 exports name the organisation `company_uuid` (aliased).
        SourceKind(
            "crunchbase_bulk.organizations",
            ("uuid", "name"),
            (
                "permalink",
                "legal_name",
                "roles",
                "primary_role",
                "domain",
                "homepage_url",
                "country_code",
                "state_code",
                "region",
                "city",
                "status",
                "short_description",
                "category_list",
                "category_groups_list",
                "num_funding_rounds",
                "total_funding_usd",
                "founded_on",
                "last_funding_on",
                "closed_on",
                "employee_count",
                "updated_at",
            ),
        ),
        SourceKind(
            "crunchbase_bulk.funding_rounds",
            ("uuid", "org_uuid", "announced_on"),
            (
                "name",
                "org_name",
                "investment_type",
                "raised_amount_usd",
                "raised_amount",
                "raised_amount_currency_code",
                "post_money_valuation_usd",
                "investor_count",
                "lead_investor_uuids",
                "country_code",
            ),
            aliases=(("company_uuid", "org_uuid"), ("company_name", "org_name")),
        ),
        SourceKind(
            "crunchbase_bulk.investments",
            ("funding_round_uuid", "investor_uuid"),
            ("uuid", "funding_round_name", "investor_name", "investor_type", "is_lead_investor"),
        ),
        SourceKind(
            "crunchbase_bulk.investors",
            ("uuid", "name"),
            (
                "roles",
                "domain",
                "country_code",
                "city",
                "investor_types",
                "investment_count",
                "total_funding_usd",
                "founded_on",
                "closed_on",
            ),
            aliases=(("investor_type", "investor_types"),),
        ),
        SourceKind(
            "crunchbase_bulk.acquisitions",
            ("acquiree_uuid", "acquired_on"),
            (
                "uuid",
                "acquiree_name",
                "acquiree_country_code",
                "acquirer_uuid",
                "acquirer_name",
                "acquirer_country_code",
                "acquisition_type",
                "price_usd",
                "price",
                "price_currency_code",
            ),
        ),
        SourceKind(
            "crunchbase_bulk.ipos",
            ("org_uuid", "went_public_on"),
            (
                "uuid",
                "org_name",
                "country_code",
                "stock_exchange_symbol",
                "stock_symbol",
                "share_price_usd",
                "valuation_price_usd",
                "money_raised_usd",
            ),
            aliases=(("company_uuid", "org_uuid"),),
        ),
        SourceKind(
            "crunchbase_bulk.funds",
            ("entity_uuid", "announced_on"),
            (
                "uuid",
                "name",
                "entity_name",
                "entity_type",
                "raised_amount_usd",
                "raised_amount",
                "raised_amount_currency_code",
            ),
        ),
        # Fund performance disclosed by limited partners (US public pension funds' format: one
        # row per LP and fund, money in USD millions, IRR a fraction, net multiple = TVPI)
        SourceKind(
            "fund_performance",
            ("fund_name", "general_partner", "vintage_year"),
            (
                "pension_fund_name",
                "asset_class",
                "sub_strategy",
                "commitment_mm",
                "capital_called_mm",
                "capital_distributed_mm",
                "remaining_value_mm",
                "net_irr",
                "net_multiple",
                "dpi",
                "as_of_date",
                "source_url",
                "source_document",
                "extraction_confidence",
            ),
        ),
        # the analysts' own decisions (CSV or Excel .xlsx, first sheet), matched to companies in
        # core.analyst_decisions and respected by the weekly shortlist
        SourceKind(
            "analyst_decisions",
            ("company", "status"),
            ("note", "analyst", "decided_on"),
        ),
    )
}


# Any provider's download, read through a column mapping the user writes (`mapped_exports:`):
# one kind per entity, its columns our names. The mapped files of an entity are stacked into one
# raw table (`raw.mapped_<entity>`) with each file's `amount_unit` and `currency` on its rows.
MAPPING_SETTINGS = ("amount_unit", "default_currency")
MAPPED_KINDS: dict[str, SourceKind] = {
    k.key.removeprefix("mapped."): k
    for k in (
        SourceKind(
            "mapped.companies",
            ("name",),
            (
                "id",
                "domain",
                "country",
                "city",
                "categories",
                "founded_on",
                "description",
                "status",
                *MAPPING_SETTINGS,
            ),
        ),
        SourceKind(
            "mapped.rounds",
            ("company", "announced_on"),
            (
                "round_id",
                "company_id",
                "company_domain",
                "company_country",
                "stage",
                "amount",
                "currency",
                "investors",
                "lead_investors",
                *MAPPING_SETTINGS,
            ),
        ),
        SourceKind(
            "mapped.investments",
            ("company", "investor"),
            (
                "round_id",
                "company_id",
                "company_domain",
                "company_country",
                "announced_on",
                "stage",
                "amount",
                "currency",
                "is_lead",
                *MAPPING_SETTINGS,
            ),
        ),
    )
}


@dataclass(frozen=True)
class MappedExport:
    """One `mapped_exports:` item: a CSV or Excel file holding `entity` rows, `columns` mapping
    our column names to the file's, an amount multiplier and a default currency."""

    file: Path
    entity: str
    columns: dict[str, str]
    amount_unit: float = 1.0
    currency: str | None = None
    position: int = 0  # the item's index in the list, for error messages

    @property
    def kind(self) -> SourceKind:
        return MAPPED_KINDS[self.entity]

    @property
    def label(self) -> str:
        return f"mapped_exports[{self.position}] ({self.file.name})"


# Scalar settings allowed beside the files: the date a provider's snapshot was exported. A
# snapshot's undated columns (Crunchbase `status`) are read only for as_of on or after it.
SNAPSHOT_KEYS = {
    "crunchbase.snapshot_date": "crunchbase",
    "crunchbase_bulk.snapshot_date": "crunchbase_bulk",
}

# Drop folders: each file in the folder is one more delivery of the kind (same provider format),
# picked up by a sensor and loaded as its own partition (see assets/drops).
DROP_KEYS = {"crunchbase.rounds_drops": "crunchbase.rounds"}


@dataclass(frozen=True)
class Sources:
    """Declared files by kind (e.g. `crunchbase.rounds`), declared snapshot dates by provider and
    declared drop folders by kind (e.g. `crunchbase.rounds` -> folder of new rounds files)."""

    files: dict[str, Path] = field(default_factory=dict)
    snapshot_dates: dict[str, date] = field(default_factory=dict)
    drop_folders: dict[str, Path] = field(default_factory=dict)
    mapped: tuple[MappedExport, ...] = ()

    def get(self, kind: str) -> Path | None:
        return self.files.get(kind)

    def declared(self, kind: str) -> bool:
        """Whether rows of `kind` are declared: its file, or for `mapped.<entity>` a mapped
        export of that entity."""
        if kind.startswith("mapped."):
            return bool(self.mapped_of(kind.removeprefix("mapped.")))
        return kind in self.files

    def mapped_of(self, entity: str) -> tuple[MappedExport, ...]:
        """The mapped exports holding `entity` rows, in declaration order."""
        return tuple(m for m in self.mapped if m.entity == entity)


class SourcesConfigError(ValueError):
    """The sources YAML is missing, malformed or names something unknown."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key declared twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} declared twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _flatten(tree: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def load_sources(path: Path | str) -> Sources:
    """Declared source files by kind (e.g. `crunchbase.rounds`), paths resolved against the
    YAML's folder, declared snapshot dates and drop folders. Absent kinds are simply not in the
    result."""
    path = Path(path)
    if not path.is_file():
        raise SourcesConfigError(f"{path}: sources file not found")
    try:
        tree = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}
    except yaml.YAMLError as exc:
        raise SourcesConfigError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(tree, dict):
        raise SourcesConfigError(f"{path}: expected a mapping of source kinds to file paths")
    declared: dict[str, Path] = {}
    snapshots: dict[str, date] = {}
    drops: dict[str, Path] = {}
    mapped = _mapped_exports(path, tree.pop("mapped_exports", None))
    for kind, value in _flatten(tree).items():
        if kind in SNAPSHOT_KEYS:
            snapshots[SNAPSHOT_KEYS[kind]] = _as_date(path, kind, value)
            continue
        if kind in DROP_KEYS:
            if value is not None:
                drops[DROP_KEYS[kind]] = _as_path(path, kind, value)
            continue
        if kind not in SOURCE_KINDS:
            raise SourcesConfigError(
                f"{path}: unknown source kind {kind!r}; known kinds: {sorted(SOURCE_KINDS)}"
            )
        if value is None:
            continue
        declared[kind] = _as_path(path, kind, value)
    _refuse_same_file_twice(path, declared)
    return Sources(declared, snapshots, drops, mapped)


def _mapped_exports(path: Path, items: object) -> tuple[MappedExport, ...]:
    """The `mapped_exports:` list, each item checked: a file, a known entity, a mapping of known
    columns of ours to the file's column names covering our required ones."""
    if items is None:
        return ()
    if not isinstance(items, list):
        raise SourcesConfigError(f"{path}: mapped_exports must be a list of files with a mapping")
    exports = []
    for position, item in enumerate(items):
        where = f"{path}: mapped_exports[{position}]"
        if not isinstance(item, dict):
            raise SourcesConfigError(f"{where}: expected a mapping with file, entity and columns")
        unknown = sorted(set(item) - {"file", "entity", "columns", "amount_unit", "currency"})
        if unknown:
            raise SourcesConfigError(
                f"{where}: unknown key(s) {unknown}; allowed: file, entity, columns, "
                "amount_unit, currency"
            )
        if "file" not in item:
            raise SourcesConfigError(f"{where}: key 'file' is missing")
        file = _as_path(path, f"mapped_exports[{position}].file", item["file"])
        where = f"{path}: mapped_exports[{position}] ({file.name})"
        entity = item.get("entity")
        if entity not in MAPPED_KINDS:
            raise SourcesConfigError(
                f"{where}: key 'entity': unknown entity {entity!r}; known: {sorted(MAPPED_KINDS)}"
            )
        kind = MAPPED_KINDS[entity]
        columns = item.get("columns")
        if not isinstance(columns, dict) or not columns:
            raise SourcesConfigError(
                f"{where}: key 'columns' must map our column names to the file's, e.g. "
                f"{{{kind.required[0]}: <the file's column>}}"
            )
        mappable = [c for c in kind.columns if c not in MAPPING_SETTINGS]
        for ours, theirs in columns.items():
            if ours not in mappable:
                raise SourcesConfigError(
                    f"{where}: key 'columns.{ours}': not a column of {entity}; mappable: {mappable}"
                )
            if not isinstance(theirs, str) or not theirs.strip():
                raise SourcesConfigError(
                    f"{where}: key 'columns.{ours}' must name a column of the file, got {theirs!r}"
                )
        missing = [c for c in kind.required if c not in columns]
        if missing:
            raise SourcesConfigError(
                f"{where}: key 'columns': required column(s) {missing} of {entity} not mapped"
            )
        unit = item.get("amount_unit", 1)
        if isinstance(unit, bool) or not isinstance(unit, int | float) or unit <= 0:
            raise SourcesConfigError(
                f"{where}: key 'amount_unit' must be a positive number, got {unit!r}"
            )
        currency = item.get("currency")
        if currency is not None and not (
            isinstance(currency, str) and len(currency.strip()) == 3 and currency.strip().isalpha()
        ):
            raise SourcesConfigError(
                f"{where}: key 'currency' must be an ISO 4217 code such as EUR, got {currency!r}"
            )
        exports.append(
            MappedExport(
                file=file,
                entity=entity,
                columns={k: v.strip() for k, v in columns.items()},
                amount_unit=float(unit),
                currency=currency.strip().upper() if currency else None,
                position=position,
            )
        )
    return tuple(exports)


def _as_path(path: Path, key: str, value: object) -> Path:
    """A declared path, resolved against the sources YAML's folder."""
    if not isinstance(value, str):
        raise SourcesConfigError(f"{path}: {key} must be a file path, got {value!r}")
    file = Path(value).expanduser()
    return file if file.is_absolute() else (path.parent / file).resolve()


def _refuse_same_file_twice(path: Path, declared: dict[str, Path]) -> None:
    by_file: dict[Path, list[str]] = {}
    for kind, file in declared.items():
        by_file.setdefault(file.resolve(), []).append(kind)
    for file, kinds in by_file.items():
        if len(kinds) > 1:
            raise SourcesConfigError(
                f"{path}: the same file {file} is declared as {kinds}; each kind needs its own export"
            )


def _as_date(path: Path, key: str, value: object) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise SourcesConfigError(f"{path}: {key} must be an ISO date, got {value!r}") from exc
