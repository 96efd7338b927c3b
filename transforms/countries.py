"""Country text to ISO 3166 alpha-3, through pycountry plus the aliases in config/countries.yaml."""

from __future__ import annotations

import re
from functools import cache

import pycountry

from warehouse.config import config_file, load_yaml

ALIASES_FILE = config_file("countries.yaml")


@cache
def _aliases() -> tuple[dict[str, str], set[str]]:
    cfg = load_yaml(ALIASES_FILE)
    table = {k.casefold(): v for k, v in {**cfg["legacy_codes"], **cfg["names"]}.items()}
    return table, {v.casefold() for v in cfg["not_a_country"]}


def _lookup_exact(text: str) -> str | None:
    aliases, _ = _aliases()
    if text.casefold() in aliases:
        return aliases[text.casefold()]
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        return None


def _lookup(text: str) -> str | None:
    """Alias, ISO code or name; else the UN style "Korea (Republic of)" as pycountry's
    "Korea, Republic of" (one rewrite, never recursive)."""
    code = _lookup_exact(text)
    match = None if code else re.fullmatch(r"(.+?)\s*\((.+)\)", text)
    return _lookup_exact(f"{match.group(1)}, {match.group(2)}") if match else code


@cache
def to_iso3(value: str | None) -> str | None:
    """ISO alpha-3 for a code or a name; for a comma-joined list, the first part that resolves.

    Returns None for blanks, "Multinational"-like values and anything unknown.
    """
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    _, nowhere = _aliases()
    if text.casefold() in nowhere:
        return None
    whole = _lookup(text)
    if whole or "," not in text:
        return whole
    for part in (p.strip() for p in text.split(",")):
        if part and part.casefold() not in nowhere and (code := _lookup(part)):
            return code
    return None


def names_no_country(value: str) -> bool:
    """True for "Multinational"-like values (every comma-separated part is one)."""
    _, nowhere = _aliases()
    parts = [" ".join(p.split()).casefold() for p in str(value).split(",")]
    return all(p in nowhere for p in parts if p) and any(parts)


def is_valid_iso3(code: str | None) -> bool:
    """True when `code` is an ISO 3166-1 alpha-3 code."""
    return bool(code) and pycountry.countries.get(alpha_3=str(code).upper()) is not None
