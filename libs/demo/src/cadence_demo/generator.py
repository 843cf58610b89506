"""Account-by-account generation of the demo portfolio (a lazy iterator, never a list)."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from itertools import accumulate

from cadence_demo.catalogue import Catalogue
from cadence_demo.context import Context, weighted
from cadence_demo.model import DemoAccount, PortfolioSpec
from cadence_demo.names import CompanyNamer
from cadence_demo.people import assign_team, contacts
from cadence_demo.subscriptions import build_subscriptions, pick_products
from cadence_demo.tech_profile import build_tech_profile

MOTIONS = ("high_touch", "mid_touch", "tech_touch")
MOTION_SHARES = (0.15, 0.35, 0.50)
_MOTION_CUM = tuple(accumulate(MOTION_SHARES))
# Motion is drawn first and company size follows from it, so ARR correlates with motion
# the way a reseller assigns motions (by ARR band) without needing a second pass.
_EMPLOYEES = {  # (median, log-spread, floor, ceiling)
    "high_touch": (4000, 0.7, 800, 60000),
    "mid_touch": (700, 0.6, 150, 5000),
    "tech_touch": (110, 0.7, 15, 800),
}


def generate_accounts(spec: PortfolioSpec, catalogue: Catalogue) -> Iterator[DemoAccount]:
    """Yield `spec.accounts` accounts in external-id order; same spec, same accounts."""
    ctx = Context(spec, catalogue)
    namer = CompanyNamer()
    for index in range(1, spec.accounts + 1):
        yield _account(ctx, namer, index)


def account_rng(seed: int, index: int) -> random.Random:
    # One stream per account: an account does not depend on how its predecessors consumed
    # randomness, so a smaller portfolio is a prefix of a larger one with the same seed.
    return random.Random(seed * 4_294_967_296 + index)


def _account(ctx: Context, namer: CompanyNamer, index: int) -> DemoAccount:
    spec = ctx.spec
    rng = account_rng(spec.seed, index)
    motion = weighted(rng, MOTIONS, _MOTION_CUM)
    employees = _employees(rng, motion)
    country = ctx.country(rng)
    name, domain = namer.company(rng, country)
    team = assign_team(rng, spec)
    picks = pick_products(ctx, rng, motion, employees)
    return DemoAccount(
        index=index,
        external_id=f"demo:acct-{index:06d}",
        name=name,
        domain=domain,
        country=country.code,
        territory=rng.choice(country.territories),
        currency=country.currency,
        motion=motion,
        employees=employees,
        owner_email=team.owner,
        csm_email=team.csm,
        default_rep_email=team.default_rep,
        rep_emails=team.reps,
        subscriptions=build_subscriptions(ctx, rng, index, motion, employees, country.currency,
                                          picks),
        contacts=contacts(rng, motion, country, domain),
        tech=build_tech_profile(ctx, rng, picks),
    )


def _employees(rng: random.Random, motion: str) -> int:
    median, spread, floor, ceiling = _EMPLOYEES[motion]
    drawn = rng.lognormvariate(math.log(median), spread)
    return int(min(ceiling, max(floor, drawn)))
