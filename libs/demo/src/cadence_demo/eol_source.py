"""Build the catalogue from the endoflife.date extract (``endoflife/eol.json``)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from cadence_demo.catalogue import ATTRIBUTION, Catalogue, Cycle, Product, as_date, parse_milestone
from cadence_demo.profiles import PROFILES, Hints, Profile

_CODENAME = re.compile(r"\s+'[^']*'")  # SQL Server / Ubuntu codenames: "2022 'Dallas'"
_SERVICE_PACK = re.compile(r"\s+SP\d+\w*$")

CycleRule = Callable[[list[Cycle]], list[Cycle]]


def catalogue_from_eol_json(path: Path) -> Catalogue:
    raw = json.loads(path.read_text("utf-8"))
    eol_products = {entry["id"]: entry for entry in raw["products"]}
    products = [_product(profile, eol_products) for profile in PROFILES]
    mapped = {p.eol_product_id for p in PROFILES if p.eol_product_id}
    # Ids the mapping does not know yet still show up in tech profiles, never in subscriptions.
    products += [_unmapped(entry) for eid, entry in eol_products.items() if eid not in mapped]
    metadata = {
        "origin": "endoflife.date",
        "source": f"{raw.get('source', 'endoflife.date')} @ {raw.get('source_commit', '?')}",
        "source_commit_date": str(raw.get("source_commit_date", "")),
        "license": str(raw.get("license", "MIT (Copyright 2020 endoflife.date contributors)")),
        "attribution": ATTRIBUTION,
        "path": str(path),
    }
    kept = tuple(p for p in products if p is not None)
    return Catalogue(products=kept, metadata=metadata)


def _product(profile: Profile, eol_products: dict[str, dict[str, Any]]) -> Product | None:
    cycles: tuple[Cycle, ...] = ()
    if profile.eol_product_id is not None:
        entry = eol_products.get(profile.eol_product_id)
        if entry is None:  # an older extract without this product: leave it out
            return None
        parsed = [_cycle(c, _label_prefixes(entry, profile)) for c in entry["cycles"]]
        cycles = tuple(CYCLE_RULES[profile.cycle_rule](parsed))
    return Product(
        key=profile.key,
        vendor=profile.vendor,
        product=profile.product,
        eol_product_id=profile.eol_product_id,
        unit=profile.unit,
        price_usd=profile.price_usd,
        cycles=cycles,
        hints=profile.hints,
    )


def _unmapped(entry: dict[str, Any]) -> Product:
    label = str(entry.get("label") or entry["id"])
    vendor, _, name = label.partition(" ")
    cycles = tuple(_cycle(c, (label,)) for c in entry["cycles"])
    return Product(key=entry["id"], vendor=vendor, product=name or label,
                   eol_product_id=entry["id"], unit="instance", price_usd=0.0, cycles=cycles,
                   hints=Hints(tech_weight=0.05))


def _label_prefixes(entry: dict[str, Any], profile: Profile) -> tuple[str, ...]:
    label = str(entry.get("label") or "")
    without_vendor = label.split(" ", 1)[1] if " " in label else label
    return tuple(p for p in (label, without_vendor, profile.product) if p)


def _cycle(raw: dict[str, Any], prefixes: Iterable[str]) -> Cycle:
    return Cycle(
        cycle=str(raw["cycle"]),
        version=version_label(str(raw["cycle"]), raw.get("label"), prefixes),
        release=as_date(parse_milestone(raw.get("releaseDate"))),
        support=parse_milestone(raw.get("support")),
        eol=parse_milestone(raw.get("eol")),
        extended=parse_milestone(raw.get("extendedSupport")),
        lts=bool(raw.get("lts")),  # a date here means "LTS since", still LTS
    )


def version_label(cycle: str, label: object, prefixes: Iterable[str]) -> str:
    """"Windows Server 2022" → "2022", "2022 'Dallas'" → "2022": the version a quote shows."""
    text = _CODENAME.sub("", str(label or cycle)).strip()
    for prefix in prefixes:
        if text == prefix:  # label is just the product name ("continuous" releases)
            return cycle
        if text.startswith(prefix + " "):
            return text[len(prefix) + 1:].strip()
    return text


# --- cycle rules: which cycles a customer would actually hold a subscription for ----------


def _all(cycles: list[Cycle]) -> list[Cycle]:
    return cycles


def _enterprise_edition(cycles: list[Cycle]) -> list[Cycle]:
    # Windows cycles are split by edition; Enterprise E3 customers run the (E) builds, not the
    # (W) ones, and LTSC/IoT are licensed separately (same label, different lifecycle).
    return [c for c in cycles if not c.cycle.endswith(("-w", "-lts")) and "iot" not in c.cycle]


def _ltsc(cycles: list[Cycle]) -> list[Cycle]:
    # Semi-annual / annual channel Server builds are container hosts, not licensed estates.
    return [c for c in cycles if not c.cycle.endswith(("-sac", "-ac"))]


def _latest_service_pack(cycles: list[Cycle]) -> list[Cycle]:
    # SQL Server cycles are per service pack ("13.0" = 2016 RTM ended 2018; "13.0-sp3" runs to
    # 2026): an installed base sits on the last SP of each release.
    best: dict[str, Cycle] = {}
    for c in cycles:
        if c.cycle.endswith("-acp"):
            continue
        base = _SERVICE_PACK.sub("", c.version)
        current = best.get(base)
        if current is None or _newer(c, current):
            best[base] = c
    return list(best.values())


def _newer(a: Cycle, b: Cycle) -> bool:
    return a.release is not None and (b.release is None or a.release > b.release)


def _lts(cycles: list[Cycle]) -> list[Cycle]:
    return [c for c in cycles if c.lts]


def _lts_or_open(cycles: list[Cycle]) -> list[Cycle]:
    return [c for c in cycles if c.lts or c.eol is False or c is cycles[0]]


def _no_rapid(cycles: list[Cycle]) -> list[Cycle]:
    return [c for c in cycles if "Rapid" not in c.version]


def _no_mac(cycles: list[Cycle]) -> list[Cycle]:
    return [c for c in cycles if "mac" not in c.cycle]


CYCLE_RULES: dict[str, CycleRule] = {
    "all": _all,
    "enterprise_edition": _enterprise_edition,
    "ltsc": _ltsc,
    "latest_sp": _latest_service_pack,
    "lts": _lts,
    "lts_or_open": _lts_or_open,
    "no_rapid": _no_rapid,
    "no_mac": _no_mac,
}
