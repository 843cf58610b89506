"""An account's subscriptions: which products, which versions, how many, when, at what price."""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate

from cadence_demo.catalogue import Cycle, Product
from cadence_demo.context import Context, weighted
from cadence_demo.model import DemoSubscription
from cadence_demo.reference import APPROX_FX_PER_USD, ZERO_DECIMAL_CURRENCIES

Pick = tuple[Product, Cycle | None]

# Subscription count per account by motion: bigger customers buy more (mean ≈ 10 overall).
_COUNT_RANGE = {"high_touch": (9, 15), "mid_touch": (7, 14), "tech_touch": (5, 14)}
_TINY_ACCOUNT_SHARE = 0.05  # tech-touch accounts with only 2-3 subscriptions
_SECOND_VERSION_SHARE = 0.3  # accounts running two versions of one product (2016 + 2022)

LAPSED_SHARE = 0.02  # renewals already past by 1-30 days
MULTI_YEAR_SHARE = 0.22
CO_TERM_SHARE = 0.4  # subscriptions aligned on their vendor's account-level renewal date
ONBOARDING_WINDOW = timedelta(days=60)
_ONE_DAY = timedelta(days=1)
_AUTO_RENEW = {"high_touch": 0.1, "mid_touch": 0.4, "tech_touch": 0.75}

CHANNEL_POLICIES: dict[str, dict[str, tuple[tuple[str, float], ...]]] = {
    # Microsoft sells through CSP, Enterprise Agreements and MCA-E; EA is for large estates.
    "microsoft": {
        "high_touch": (("EA", 0.55), ("MCA", 0.25), ("CSP", 0.2)),
        "mid_touch": (("CSP", 0.65), ("MCA", 0.2), ("EA", 0.15)),
        "tech_touch": (("CSP", 0.9), ("MCA", 0.1)),
    },
    "direct_or_marketplace": {"*": (("direct", 0.8), ("marketplace", 0.2))},
    "aws": {"*": (("direct", 0.7), ("marketplace", 0.3))},
    "direct": {"*": (("direct", 1.0),)},
}


def subscription_count(rng: random.Random, motion: str) -> int:
    if motion == "tech_touch" and rng.random() < _TINY_ACCOUNT_SHARE:
        return rng.randint(2, 3)
    low, high = _COUNT_RANGE[motion]
    return rng.randint(low, high)


def pick_products(ctx: Context, rng: random.Random, motion: str, employees: int) -> list[Pick]:
    """Choose n distinct products (one incumbent per competitive slot) and their versions."""
    count = subscription_count(rng, motion)
    pool = [p for p in ctx.standalone if employees >= p.hints.min_employees]
    for table in ctx.slots.values():
        incumbent = weighted(rng, table.sellers, table.cum_weights)
        if employees >= incumbent.hints.min_employees:
            pool.append(incumbent)
    # Weighted sampling without replacement (Efraimidis-Spirakis): one key per product.
    order = sorted(pool, key=lambda p: rng.random() ** (1.0 / p.hints.weight), reverse=True)
    chosen = _take_with_addons(order, count)
    picks: list[Pick] = [(p, ctx.pick_cycle(rng, p)) for p in chosen]
    if len(picks) > 2 and rng.random() < _SECOND_VERSION_SHARE:
        _second_version(ctx, rng, picks)
    return picks


def _take_with_addons(order: list[Product], count: int) -> list[Product]:
    """Take `count` products in order; an add-on (vCenter, Satellite…) needs its base product."""
    chosen: list[Product] = []
    keys: set[str] = set()
    deferred: list[Product] = []
    for product in order:
        if len(chosen) == count:
            break
        if product.hints.requires and keys.isdisjoint(product.hints.requires):
            deferred.append(product)  # its base product may still come later in the order
            continue
        chosen.append(product)
        keys.add(product.key)
    for product in deferred:
        if len(chosen) < count and not keys.isdisjoint(product.hints.requires):
            chosen.append(product)
            keys.add(product.key)
    return chosen


def _second_version(ctx: Context, rng: random.Random, picks: list[Pick]) -> None:
    # Replace the last pick by a second line of a version-tracked product: mixed estates
    # (Windows Server 2016 next to 2022) are what upgrade campaigns target.
    tracked = [pick for pick in picks[:-1] if pick[1] is not None]
    if not tracked:
        return
    product, cycle = rng.choice(tracked)
    for _ in range(3):
        other = ctx.pick_cycle(rng, product)
        if other is not None and other != cycle:
            picks[-1] = (product, other)
            return


@dataclass(slots=True)
class _VendorTerms:
    """Per (account, vendor): one agreement/channel and one co-terming anchor."""

    channel: str
    renewal: date
    term_months: int


def build_subscriptions(ctx: Context, rng: random.Random, index: int, motion: str,
                        employees: int, currency: str, picks: list[Pick]) -> list[DemoSubscription]:
    vendors: dict[str, _VendorTerms] = {}
    subs: list[DemoSubscription] = []
    for number, (product, cycle) in enumerate(picks, start=1):
        terms = vendors.get(product.vendor)
        if terms is None:
            renewal, months = _renewal(rng, ctx.today)
            terms = _VendorTerms(_channel(rng, product, motion), renewal, months)
            vendors[product.vendor] = terms
            co_termed = True
        else:
            co_termed = rng.random() < CO_TERM_SHARE
        renewal, months = (terms.renewal, terms.term_months) if co_termed else _renewal(
            rng, ctx.today)
        subs.append(_subscription(ctx, rng, f"demo:sub-{index:06d}-{number:02d}", product, cycle,
                                  employees, currency, motion, terms.channel, renewal, months))
    return subs


def _subscription(ctx: Context, rng: random.Random, external_id: str, product: Product,
                  cycle: Cycle | None, employees: int, currency: str, motion: str, channel: str,
                  renewal: date, months: int) -> DemoSubscription:
    quantity = _quantity(rng, product, employees)
    term_start = add_months(renewal, -months) + _ONE_DAY
    if term_start > ctx.today:  # co-termed onto a far anchor: the term must be longer
        months = 24 if months < 24 else 36
        term_start = add_months(renewal, -months) + _ONE_DAY
    onboarding = ctx.today - ONBOARDING_WINDOW <= term_start <= ctx.today
    return DemoSubscription(
        external_id=external_id,
        vendor=product.vendor,
        product=product.product,
        version=cycle.version if cycle else "",
        eol_product_id=product.eol_product_id or "",
        eol_cycle=cycle.cycle if cycle else "",
        quantity=quantity,
        unit=product.unit,
        term_start=term_start,
        renewal_date=renewal,
        auto_renew=rng.random() < _auto_renew_share(motion, channel),
        billing_frequency=_billing(rng, channel, months),
        arr_minor=_arr_minor(rng, product, quantity, currency),
        active_users=_active_users(rng, quantity),
        lifecycle_stage="onboarding" if onboarding else "active",
        channel=channel,
    )


def _renewal(rng: random.Random, today: date) -> tuple[date, int]:
    """A renewal date within [today-30d, today+18 months] and the term length behind it."""
    # int(random() * n) instead of randint: same uniformity for our purpose, several times
    # cheaper, and this runs for every subscription.
    draw = rng.random()
    if draw < LAPSED_SHARE:
        return today - timedelta(days=1 + int(rng.random() * 30)), 12
    if draw < LAPSED_SHARE + MULTI_YEAR_SHARE:
        horizon = _horizon_days(today)
        months = 36 if rng.random() < 0.7 else 24
        return today + timedelta(days=int(rng.random() * (horizon + 1))), months
    # Annual terms renew within the coming year (a later date would mean a future start).
    return today + timedelta(days=int(rng.random() * 365)), 12


@lru_cache(maxsize=8)
def _horizon_days(today: date) -> int:
    return (add_months(today, 18) - today).days


def _channel(rng: random.Random, product: Product, motion: str) -> str:
    names, cum = _CHANNEL_TABLES[(product.hints.channels, motion)]
    return weighted(rng, names, cum)


def _channel_tables() -> dict[tuple[str, str], tuple[tuple[str, ...], tuple[float, ...]]]:
    # Flattened once: (policy, motion) → (channels, cumulative weights) for rng.choices.
    tables = {}
    for name, policy in CHANNEL_POLICIES.items():
        for motion in _AUTO_RENEW:
            options = policy.get(motion) or policy["*"]
            cum = tuple(accumulate(weight for _, weight in options))
            tables[(name, motion)] = (tuple(channel for channel, _ in options), cum)
    return tables


_CHANNEL_TABLES = _channel_tables()


def _auto_renew_share(motion: str, channel: str) -> float:
    share = _AUTO_RENEW[motion]
    return min(0.85, share + 0.2) if channel == "CSP" else share


def _billing(rng: random.Random, channel: str, months: int) -> str:
    draw = rng.random()
    if months >= 24:
        return "multi_year" if draw < 0.45 else "annual"
    if channel == "CSP":
        return "monthly" if draw < 0.55 else "annual"
    return "annual" if draw < 0.78 else ("quarterly" if draw < 0.9 else "monthly")


def _quantity(rng: random.Random, product: Product, employees: int) -> int:
    hints = product.hints
    raw = employees / 100.0 * rng.uniform(*hints.per_100)
    return max(hints.qty_min, round(raw / hints.qty_step) * hints.qty_step)


def _active_users(rng: random.Random, quantity: int) -> int:
    """Units actually in use: mostly 60-100 %, ~15 % low adoption, a few over-deployed."""
    draw = rng.random()
    if draw < 0.15:
        return int(quantity * rng.uniform(0.05, 0.39))  # truncate: stays strictly under 40 %
    if draw < 0.22:
        share = rng.uniform(0.40, 0.60)
    elif draw < 0.94:
        share = rng.uniform(0.60, 1.00)
    else:
        share = rng.uniform(1.00, 1.20)  # true-up candidates, never beyond +20 %
    # Rounding (not truncation) keeps one-seat subscriptions from reading as unused.
    return min(round(quantity * share), int(quantity * 1.2))


def _arr_minor(rng: random.Random, product: Product, quantity: int, currency: str) -> int:
    # List price x quantity, less a negotiated discount, converted at an approximate rate.
    value = quantity * product.price_usd * rng.uniform(0.82, 1.08) * APPROX_FX_PER_USD[currency]
    if currency in ZERO_DECIMAL_CURRENCIES:
        return max(1, round(value)) * 100
    return max(1, round(value * 100))


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later (or earlier), clamped to the month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    if day.day <= 28:  # the common case needs no month-length lookup
        return date(year, month + 1, day.day)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
