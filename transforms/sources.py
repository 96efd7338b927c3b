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
        # the analysts' own decisions (CSV or Excel .xlsx, first sheet), matched to companies in
        # core.analyst_decisions and respected by the weekly shortlist
        SourceKind(
            "analyst_decisions",
            ("company", "status"),
            ("note", "analyst", "decided_on"),
        ),
    )
}


# Scalar settings allowed beside the files: the date a provider's snapshot was exported. A
# snapshot's undated columns (Crunchbase `status`) are read only for as_of on or after it.
SNAPSHOT_KEYS = {"crunchbase.snapshot_date": "crunchbase"}

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

    def get(self, kind: str) -> Path | None:
        return self.files.get(kind)


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
    return Sources(declared, snapshots, drops)


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
