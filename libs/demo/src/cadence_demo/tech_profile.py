"""An account's technology profile: what runs there, what it evaluates, what competes, what left.

Mirrors most subscribed version-tracked products as ``in_use``, adds technology nobody pays us
for (PostgreSQL, Debian, macOS…), competitor products in the same slot from another vendor on
about a quarter of the accounts, plus some ``evaluating`` and ``retired`` entries.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from cadence_demo.catalogue import Cycle, Product
from cadence_demo.context import Context
from cadence_demo.model import DemoTechEntry
from cadence_demo.subscriptions import Pick

MIRROR_SHARE = 0.8  # subscribed, version-tracked products that also appear as in_use
SAAS_MIRROR_SHARE = 0.4
COMPETITOR_SHARE = 0.26  # slightly above 25 %: a few accounts have no slot with a rival
SECOND_COMPETITOR_SHARE = 0.25
EVALUATING_SHARE = 0.12
RETIRED_SHARE = 0.18

_Add = Callable[[Product, Cycle | None, str], None]


def build_tech_profile(ctx: Context, rng: random.Random, picks: list[Pick]) -> list[DemoTechEntry]:
    entries: list[DemoTechEntry] = []
    seen: set[tuple[str, str]] = set()

    def add(product: Product, cycle: Cycle | None, status: str) -> None:
        key = (product.key, cycle.cycle if cycle else "")
        if key not in seen:
            seen.add(key)
            entries.append(_entry(product, cycle, status))

    for product, cycle in picks:
        share = MIRROR_SHARE if product.eol_product_id else SAAS_MIRROR_SHARE
        if rng.random() < share:
            add(product, cycle, "in_use")
    for product in ctx.tech_only:
        if rng.random() < product.hints.tech_weight:
            add(product, ctx.pick_cycle(rng, product), "in_use")
    if rng.random() < COMPETITOR_SHARE:
        for rival in _competitors(ctx, rng, picks):
            add(rival, ctx.cycles[rival.key].newest(), "competitor")
    if rng.random() < EVALUATING_SHARE:
        _evaluating(ctx, rng, picks, add)
    if rng.random() < RETIRED_SHARE:
        _retired(ctx, rng, picks, add)
    return entries


def _entry(product: Product, cycle: Cycle | None, status: str) -> DemoTechEntry:
    return DemoTechEntry(
        vendor=product.vendor,
        product=product.product,
        version=cycle.version if cycle else "",
        eol_product_id=product.eol_product_id or "",
        eol_cycle=cycle.cycle if cycle else "",
        status=status,
    )


def _competitors(ctx: Context, rng: random.Random, picks: list[Pick]) -> list[Product]:
    """Rivals from another vendor in the slot of a product the account pays for."""
    rivals: list[Product] = []
    for product, _ in picks:
        table = ctx.slots.get(product.hints.slot or "")
        if table is not None:
            rivals += [p for p in table.everyone if p.vendor != product.vendor]
    if not rivals:
        return []
    first = rng.choice(rivals)
    if rng.random() < SECOND_COMPETITOR_SHARE:
        second = rng.choice(rivals)
        return [first] if second.key == first.key else [first, second]
    return [first]


def _evaluating(ctx: Context, rng: random.Random, picks: list[Pick], add: _Add) -> None:
    # Usually the upgrade target of something installed (a newer version line)…
    tracked = [(p, c) for p, c in picks if c is not None]
    if tracked and rng.random() < 0.7:
        product, current = rng.choice(tracked)
        newest = ctx.cycles[product.key].newest()
        if newest is not None and newest != current:
            add(product, newest, "evaluating")
            return
    # …otherwise a product the account does not own yet.
    owned = {p.key for p, _ in picks}
    candidates = [p for p in ctx.standalone if p.key not in owned and not p.hints.requires]
    if candidates:
        product = rng.choice(candidates)
        add(product, ctx.cycles[product.key].newest(), "evaluating")


def _retired(ctx: Context, rng: random.Random, picks: list[Pick], add: _Add) -> None:
    # An old version line the customer moved off, e.g. Windows Server 2008 R2.
    tracked = [p for p, c in picks if ctx.cycles[p.key].retired]
    if not tracked:
        return
    product = rng.choice(tracked)
    add(product, rng.choice(ctx.cycles[product.key].retired[:3]), "retired")

