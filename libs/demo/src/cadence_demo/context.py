"""Lookup tables computed once per run, so the per-account loop only does cheap draws."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import TypeVar

from cadence_demo.catalogue import Catalogue, Cycle, Product
from cadence_demo.model import PortfolioSpec
from cadence_demo.reference import COUNTRIES, Country

LIVE_CYCLES = 6  # the newest supported version lines an installed base plausibly runs
ENDED_CYCLES = 4  # recently ended lines still in use (the EOL features' raw material)
ENDED_LOOKBACK = timedelta(days=3 * 365)
ENDED_SHARE = 0.15  # share of version-tracked subscriptions on an ended cycle
FRESH_RELEASE = timedelta(days=120)  # brand-new releases are adopted slowly


T = TypeVar("T")


def weighted(rng: random.Random, items: Sequence[T], cum_weights: Sequence[float]) -> T:
    """rng.choices(items, cum_weights=...)[0] without its per-call list: the hot path."""
    return items[bisect(cum_weights, rng.random() * cum_weights[-1])]


@dataclass(frozen=True, slots=True)
class CycleTable:
    live: tuple[Cycle, ...]
    live_cum: tuple[float, ...]
    ended: tuple[Cycle, ...]
    ended_cum: tuple[float, ...]
    retired: tuple[Cycle, ...]  # long-gone lines, for "retired" tech-profile entries

    def pick(self, rng: random.Random) -> Cycle | None:
        if self.ended and (not self.live or rng.random() < ENDED_SHARE):
            return weighted(rng, self.ended, self.ended_cum)
        if self.live:
            return weighted(rng, self.live, self.live_cum)
        return None

    def newest(self) -> Cycle | None:
        return self.live[0] if self.live else (self.ended[0] if self.ended else None)


@dataclass(frozen=True, slots=True)
class SlotTable:
    sellers: tuple[Product, ...]  # alternatives sold in this slot
    cum_weights: tuple[float, ...]
    everyone: tuple[Product, ...]  # sellers plus competitor-only products (Google, Rubrik…)


class Context:
    """Everything derived from (spec, catalogue) that does not change between accounts."""

    def __init__(self, spec: PortfolioSpec, catalogue: Catalogue) -> None:
        self.spec = spec
        self.today = spec.today
        sellable = [p for p in catalogue.products if p.subscribable]
        if not sellable:
            raise ValueError("the catalogue has no subscribable product")
        self.standalone = tuple(p for p in sellable if p.hints.slot is None)
        self.slots = _slot_tables(catalogue)
        self.tech_only = tuple(p for p in catalogue.products if p.hints.tech_weight > 0)
        self.cycles = {p.key: cycle_table(p, self.today) for p in catalogue.products}
        self.countries = COUNTRIES
        self.country_cum = tuple(accumulate(c.weight for c in COUNTRIES))

    def country(self, rng: random.Random) -> Country:
        return weighted(rng, self.countries, self.country_cum)

    def pick_cycle(self, rng: random.Random, product: Product) -> Cycle | None:
        return self.cycles[product.key].pick(rng)


def _slot_tables(catalogue: Catalogue) -> dict[str, SlotTable]:
    grouped: dict[str, list[Product]] = {}
    for product in catalogue.products:
        if product.hints.slot is not None:
            grouped.setdefault(product.hints.slot, []).append(product)
    tables: dict[str, SlotTable] = {}
    for slot, members in grouped.items():
        sellers = tuple(p for p in members if p.subscribable)
        if sellers:
            cum = tuple(accumulate(p.hints.weight for p in sellers))
            tables[slot] = SlotTable(sellers, cum, tuple(members))
    return tables


def cycle_table(product: Product, today: date) -> CycleTable:
    released = [c for c in product.cycles if c.release is None or c.release <= today]
    live = sorted((c for c in released if not c.ended(today)), key=_release_key, reverse=True)
    ended = [c for c in released if c.ended(today)]
    recent = [c for c in ended if _recently_ended(c, today)]
    recent.sort(key=lambda c: (c.eol_date() or date.min, _release_key(c)), reverse=True)
    old = sorted((c for c in ended if c not in recent), key=_release_key, reverse=True)
    live = live[:LIVE_CYCLES]
    recent = recent[:ENDED_CYCLES]
    return CycleTable(
        live=tuple(live),
        live_cum=tuple(accumulate(_live_weight(c, rank, today) for rank, c in enumerate(live))),
        ended=tuple(recent),
        ended_cum=tuple(accumulate(1.0 / (1 + rank) for rank in range(len(recent)))),
        retired=tuple((old or recent)[:6]),
    )


def _release_key(cycle: Cycle) -> date:
    return cycle.release or date.min


def _recently_ended(cycle: Cycle, today: date) -> bool:
    # Paid extended support (ESU/ELS) keeps an ended line commercially alive however old.
    if cycle.extended_running(today):
        return True
    eol = cycle.eol_date()
    return eol is not None and eol >= today - ENDED_LOOKBACK


def _live_weight(cycle: Cycle, rank: int, today: date) -> float:
    weight = 1.0 / (1 + 0.2 * rank)
    if cycle.release is not None and cycle.release > today - FRESH_RELEASE:
        weight *= 0.5
    return weight
