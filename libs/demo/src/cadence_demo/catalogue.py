"""The product catalogue the demo portfolio draws from.

Two sources produce the same `Catalogue` type:

* the shared endoflife.date extract (``<data>/endoflife/eol.json``) when it is present, giving
  every mapped product all its real release cycles;
* otherwise a small catalogue bundled with this package (``catalogue.json``), hand-copied from
  the same extract, so the generator still works in a bare checkout or an installed wheel.

Lifecycle facts come from endoflife.date (MIT licence, "Copyright 2020 endoflife.date
contributors"); the attribution travels in `Catalogue.metadata` on both paths.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from cadence_demo.profiles import DEFAULT_HINTS, PROFILES_BY_KEY, Hints

ATTRIBUTION = (
    "Product lifecycle data from endoflife.date (https://endoflife.date), "
    "MIT licence, Copyright 2020 endoflife.date contributors"
)

# An endoflife.date value: a date, True (ended, date unknown), False (not ended / not
# announced) or None (the product does not track that milestone).
Milestone = date | bool | None


@dataclass(frozen=True, slots=True)
class Cycle:
    """One release cycle (version line) of a product, with its lifecycle milestones."""

    cycle: str  # endoflife.date cycle id, e.g. "13.0-sp3" (goes to eol_cycle)
    version: str  # human label, e.g. "2016 SP3" (goes to product_version)
    release: date | None
    support: Milestone = None
    eol: Milestone = None
    extended: Milestone = None
    lts: bool = False

    def ended(self, today: date) -> bool:
        """True when (general) support is over on `today`; untracked counts as running."""
        return _passed(self.eol, today)

    def extended_running(self, today: date) -> bool:
        """True when a paid extended-support window (ESU, ELS…) still runs on `today`."""
        return isinstance(self.extended, date) and self.extended > today

    def eol_date(self) -> date | None:
        return self.eol if isinstance(self.eol, date) else None


def _passed(value: Milestone, today: date) -> bool:
    if isinstance(value, bool):
        return value
    return value is not None and value <= today


@dataclass(frozen=True, slots=True)
class Product:
    """A sellable (or merely observable) product with its commercial facts."""

    key: str  # stable catalogue key: the endoflife id, or a slug for SaaS products
    vendor: str
    product: str  # commercial product name as it appears on a quote
    eol_product_id: str | None
    unit: str
    price_usd: float  # approximate list price per unit per year
    cycles: tuple[Cycle, ...] = ()
    hints: Hints = DEFAULT_HINTS

    @property
    def subscribable(self) -> bool:
        return self.hints.weight > 0


@dataclass(frozen=True, slots=True)
class Catalogue:
    products: tuple[Product, ...]
    metadata: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> Product:
        for product in self.products:
            if product.key == key:
                return product
        raise KeyError(key)

    def keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.products)

    @property
    def is_fallback(self) -> bool:
        return self.metadata.get("origin") == "bundled"


def resolve_data_dir(data_dir: Path | None = None) -> Path | None:
    """Where the shared data lives: argument, else $CADENCE_DATA_DIR, else <repo>/../shared/data."""
    if data_dir is not None:
        return Path(data_dir)
    env = os.environ.get("CADENCE_DATA_DIR")
    if env:
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        # The repository root is the first ancestor holding the libs/ folder.
        if (parent / "libs").is_dir():
            candidate = parent.parent / "shared" / "data"
            return candidate if candidate.is_dir() else None
    return None


def load_catalogue(data_dir: Path | None = None) -> Catalogue:
    """Build the catalogue from the shared endoflife extract, or fall back to the bundled one."""
    resolved = resolve_data_dir(data_dir)
    eol_path = resolved / "endoflife" / "eol.json" if resolved is not None else None
    if eol_path is not None and eol_path.is_file():
        from cadence_demo.eol_source import catalogue_from_eol_json

        return catalogue_from_eol_json(eol_path)
    return load_bundled_catalogue()


def load_bundled_catalogue() -> Catalogue:
    raw = json.loads(resources.files("cadence_demo").joinpath("catalogue.json").read_text("utf-8"))
    products = tuple(_bundled_product(entry) for entry in raw["products"])
    metadata = {
        "origin": "bundled",
        "source": str(raw["source"]),
        "license": str(raw["license"]),
        "attribution": ATTRIBUTION,
    }
    return Catalogue(products=products, metadata=metadata)


def _bundled_product(entry: dict[str, Any]) -> Product:
    profile = PROFILES_BY_KEY.get(entry["key"])
    return Product(
        key=entry["key"],
        vendor=entry["vendor"],
        product=entry["product"],
        eol_product_id=entry.get("eol_product_id"),
        unit=entry["unit"],
        price_usd=float(entry["price_usd"]),
        cycles=tuple(_bundled_cycle(row) for row in entry.get("cycles", [])),
        hints=profile.hints if profile is not None else DEFAULT_HINTS,
    )


def _bundled_cycle(row: list[Any]) -> Cycle:
    # Rows are [cycle, version, releaseDate, support, eol, extendedSupport, lts] to keep the
    # bundled file one product per line.
    cycle, version, release, support, eol, extended, lts = row
    return Cycle(
        cycle=cycle,
        version=version,
        release=as_date(parse_milestone(release)),
        support=parse_milestone(support),
        eol=parse_milestone(eol),
        extended=parse_milestone(extended),
        lts=bool(lts),
    )


def as_date(value: Milestone) -> date | None:
    return value if isinstance(value, date) else None


def parse_milestone(value: object) -> Milestone:
    """endoflife.date value → date / bool / None (anything unparseable counts as untracked)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
